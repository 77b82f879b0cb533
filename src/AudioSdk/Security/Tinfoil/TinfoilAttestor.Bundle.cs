using AudioSdk.Internal;
using AudioSdk.Security.Tinfoil.Bundle;

namespace AudioSdk.Security.Tinfoil;

/// <summary>The attestation bundle flow (<see cref="TinfoilAttestationFlow.Bundle"/>).</summary>
public sealed partial class TinfoilAttestor : IRouterNamingAttestor
{
    private (TinfoilBundleVerification Result, DateTimeOffset Until)? _bundle;

    /// <summary>In the bundle flow the verified bundle names the router a client without an endpoint of its own uses.</summary>
    bool IRouterNamingAttestor.NamesRouter => _options.Flow == TinfoilAttestationFlow.Bundle;

    /// <summary>
    /// The endpoint Tinfoil's attestation service names (<c>https://{domain}/v1/</c>, the router the verified bundle's
    /// certificate is for), for <see cref="AudioClientOptions.Endpoint"/> when the application sets none of its own.
    /// Fetches and verifies the bundle (or reuses the cached one), so the first request does not fetch it again.
    /// </summary>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <returns>The router's base address.</returns>
    /// <exception cref="InvalidOperationException">The attestor is not in the bundle flow: a v3 document is the endpoint's own, so the
    /// endpoint must be given.</exception>
    /// <exception cref="AttestationException">The bundle could not be fetched or does not verify.</exception>
    public async ValueTask<Uri> ResolveEndpointAsync(CancellationToken cancellationToken = default)
    {
        if (_options.Flow != TinfoilAttestationFlow.Bundle)
        {
            throw new InvalidOperationException("Only the bundle flow names a router; with the document flow, set AudioClientOptions.Endpoint to the enclave's address.");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var verified = await VerifiedBundleAsync(false, cancellationToken).ConfigureAwait(false);
            return new Uri($"https://{verified.Result.Domain}/v1/");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Verifies a captured attestation bundle offline, with the built-in roots, at a time: the checks of Tinfoil's own
    /// verifier plus the AMD CRL and the validity of the VCEK and AMD keys at that time.
    /// </summary>
    /// <param name="bundle">The bundle's JSON, as served by <c>/attestation</c>.</param>
    /// <param name="amdCrl">AMD's CRL (DER) for the report's product, current at <paramref name="time"/>
    /// (<c>https://kdsintf.amd.com/vcek/v1/{product}/crl</c>).</param>
    /// <param name="repository">The repository whose tag-signed release must run in the enclave.</param>
    /// <param name="time">The appraisal time.</param>
    /// <returns>What the bundle establishes.</returns>
    /// <exception cref="AttestationException">The bundle does not verify; the stage and code say why.</exception>
    public static TinfoilBundleAttestation VerifyBundle(ReadOnlyMemory<byte> bundle, ReadOnlyMemory<byte> amdCrl, string repository,
        DateTimeOffset time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(repository);
        if (amdCrl.IsEmpty)
        {
            throw new ArgumentException("The AMD CRL is required: revocation is always checked.", nameof(amdCrl));
        }

        using var parsed = AttestationBundle.Parse(bundle);
        return new TinfoilBundleAttestation(new TinfoilBundleVerifier(TinfoilTrust.Production).Verify(parsed, repository, time,
            amdCrl.ToArray()));
    }

    private static void BundleProblems(TinfoilAttestorOptions options, List<string> problems)
    {
        if (!Enum.IsDefined(options.Flow))
        {
            problems.Add($"Flow {(int)options.Flow} is not a TinfoilAttestationFlow.");
        }

        if (options.AttestationBundleEndpoint is not { IsAbsoluteUri: true } bundle || bundle.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"AttestationBundleEndpoint must be an absolute https address; '{options.AttestationBundleEndpoint}' is not.");
        }
    }

    private async Task<AttestedEndpoint> AttestBundleAsync(Uri endpoint, bool forceRefresh, CancellationToken cancellationToken)
    {
        var (verified, until) = await VerifiedBundleAsync(forceRefresh, cancellationToken).ConfigureAwait(false);

        // The keys are bound to the enclave, not to a host name: the client may reach the router through the endpoint
        // it was given (a gateway, a proxy). TLS pinning still requires the enclave's own key on the connection.
        return new AttestedEndpoint(endpoint.Authority, [verified.TlsPin], verified.HpkePublicKey, until);
    }

    /// <summary>The verified bundle, fetched again when forced or when the cached one has expired. Call under the gate.</summary>
    private async Task<(TinfoilBundleVerification Result, DateTimeOffset Until)> VerifiedBundleAsync(bool forceRefresh,
        CancellationToken cancellationToken)
    {
        var now = _options.TimeProvider.GetUtcNow();
        if (!forceRefresh && _bundle is { } cached && cached.Until > now)
        {
            return cached;
        }

        var source = new Uri(_options.AttestationBundleEndpoint.AbsoluteUri.TrimEnd('/') + "/attestation");
        var bytes = await FetchAsync(source, "the attestation bundle", AttestationBundle.MaxBytes, cancellationToken).ConfigureAwait(false);
        using var bundle = AttestationBundle.Parse(bytes);
        var product = ProductOf(SevSnpReport.Parse(bundle.Report));
        var crl = await CachedAsync(new Uri(_options.CollateralEndpoint, $"vcek/v1/{product}/crl"), "the AMD CRL", CrlCacheLifetime,
            cancellationToken).ConfigureAwait(false);
        now = _options.TimeProvider.GetUtcNow();
        var verified = new TinfoilBundleVerifier(_trust).Verify(bundle, _repository, now, crl);
        var maxUntil = SafeTime.Add(now, _options.MaxAge);
        var result = (verified, verified.ValidUntil < maxUntil ? verified.ValidUntil : maxUntil);
        _bundle = result;
        return result;
    }
}
