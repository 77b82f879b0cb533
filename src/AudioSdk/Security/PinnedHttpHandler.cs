using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AudioSdk.Security;

/// <summary>
/// An HTTP handler that refuses any TLS connection whose leaf key is not attested, during the handshake and so
/// before a request byte leaves. The first request waits for the attestation; concurrent first requests share
/// one; the result is reused until its valid-until. Each pin generation gets its own <see cref="SocketsHttpHandler"/>
/// (and so its own connection pool). A pin mismatch marks the generation stale so the next request re-attests.
/// Requests to any other authority are refused. There is no unpinned fallback. The same handler carries the
/// realtime WebSocket upgrade. Redirects are not followed: a redirect to another scheme, host or port fails with an
/// <see cref="AttestationException"/> (<see cref="AttestationStage.Authority"/>) naming its status and location, and any
/// other redirect is returned as it came.
/// </summary>
public sealed class PinnedHttpHandler : HttpMessageHandler
{
    private readonly Uri _endpoint;
    private readonly IEndpointAttestor _attestor;
    private readonly bool _allowSelfSignedLoopback;
    private readonly Action<SocketsHttpHandler>? _configure;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _attesting = new(1, 1);
    private readonly List<HttpMessageInvoker> _retired = [];
    private Generation? _current;
    private bool _stale;
    private int _attestations;

    /// <summary>Creates the handler.</summary>
    /// <param name="endpoint">The endpoint whose authority is attested; requests elsewhere are refused.</param>
    /// <param name="attestor">Where the pins come from (<see cref="StaticPinAttestor"/> for pins known in advance).</param>
    /// <param name="configure">Adjusts each generation's <see cref="SocketsHttpHandler"/> (proxy, timeouts); its certificate callback is replaced.</param>
    /// <param name="dangerousAllowSelfSignedLoopbackCertificatesForTesting">
    /// For tests only: accept a certificate chain that does not validate when the server is on a loopback address.
    /// Host name and pin are still checked.
    /// </param>
    /// <param name="timeProvider">The clock for attestation expiry.</param>
    public PinnedHttpHandler(
        Uri endpoint,
        IEndpointAttestor attestor,
        Action<SocketsHttpHandler>? configure = null,
        bool dangerousAllowSelfSignedLoopbackCertificatesForTesting = false,
        TimeProvider? timeProvider = null)
    {
        _endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        _attestor = attestor ?? throw new ArgumentNullException(nameof(attestor));
        if (endpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"TLS pinning needs an https endpoint; '{endpoint}' is not.", nameof(endpoint));
        }

        _configure = configure;
        _allowSelfSignedLoopback = dangerousAllowSelfSignedLoopbackCertificatesForTesting;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How many attestations have run.</summary>
    public int AttestationCount => Volatile.Read(ref _attestations);

    /// <summary>The attestation in force, once the first request has run.</summary>
    public AttestedEndpoint? CurrentAttestation => _current?.Attested;

    /// <summary>
    /// The attestation in force, attesting first when there is none, it expired, or <paramref name="refresh"/> asks for a
    /// new one: the EHBP stage shares it, so REST and realtime rest on one attestation.
    /// </summary>
    internal async ValueTask<AttestedEndpoint> AttestationAsync(bool refresh, AttestedEndpoint? seen, CancellationToken cancellationToken)
    {
        if (refresh)
        {
            lock (_retired)
            {
                if (_current is not null && ReferenceEquals(_current.Attested, seen))
                {
                    _stale = true;
                }
            }
        }

        return (await GetGenerationAsync(cancellationToken).ConfigureAwait(false)).Attested;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        var generation = await GetGenerationAsync(cancellationToken).ConfigureAwait(false);
        if (!string.Equals(uri.Host, _endpoint.Host, StringComparison.OrdinalIgnoreCase) || uri.Port != _endpoint.Port)
        {
            throw new AttestationException($"The request to {uri.Authority} was refused: only {generation.Attested.Authority} is attested.", AttestationStage.Authority);
        }

        if (uri.Scheme is not ("https" or "wss"))
        {
            throw new AttestationException($"The request to {uri} was refused: pinned endpoints are reached over TLS only.", AttestationStage.Authority);
        }

        HttpResponseMessage response;
        try
        {
            response = await generation.Invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (TlsPinMismatchException.Find(ex) is not null)
        {
            lock (_retired)
            {
                if (ReferenceEquals(_current, generation))
                {
                    _stale = true;
                }
            }

            throw;
        }

        if (LeavesTheAuthority(response, uri) is { } location)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new AttestationException(
                $"The pinned endpoint answered {status} with Location {location}: a pinned client does not follow a redirect away from {generation.Attested.Authority} (another scheme, host or port).",
                AttestationStage.Authority);
        }

        return response;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_retired)
            {
                foreach (var invoker in _retired)
                {
                    invoker.Dispose();
                }

                _retired.Clear();
                _current?.Invoker.Dispose();
                _current = null;
            }

            _attesting.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The target of a redirect to another scheme, host or port; <see langword="null"/> for any other response.</summary>
    private static Uri? LeavesTheAuthority(HttpResponseMessage response, Uri requestUri)
    {
        if ((int)response.StatusCode is < 300 or > 399 || response.Headers.Location is not { } location)
        {
            return null;
        }

        var target = location.IsAbsoluteUri ? location : new Uri(requestUri, location);
        var sameScheme = target.Scheme == Uri.UriSchemeHttps || (target.Scheme == "wss" && requestUri.Scheme == "wss");
        return sameScheme && string.Equals(target.Host, requestUri.Host, StringComparison.OrdinalIgnoreCase) && target.Port == requestUri.Port ? null : target;
    }

    private static string Authority(Uri uri) => uri.IsDefaultPort || uri.Port == 443 ? uri.Host : uri.Host + ":" + uri.Port;

    private async ValueTask<Generation> GetGenerationAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        if (current is not null && !_stale && !current.Expired(_time))
        {
            return current;
        }

        await _attesting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = _current;
            if (current is not null && !_stale && !current.Expired(_time))
            {
                return current;
            }

            Interlocked.Increment(ref _attestations);
            var attested = await AttestationRun.RunAsync(_attestor, _endpoint, _stale, _time, cancellationToken).ConfigureAwait(false);
            var next = new Generation(attested, CreateInvoker(attested));
            lock (_retired)
            {
                if (_current is not null)
                {
                    _retired.Add(_current.Invoker);
                }

                _current = next;
                _stale = false;
            }

            return next;
        }
        finally
        {
            _attesting.Release();
        }
    }

    private HttpMessageInvoker CreateInvoker(AttestedEndpoint attested)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _configure?.Invoke(handler);

        // Redirects are never followed inside the pinned handler: one to another authority fails in SendAsync.
        handler.AllowAutoRedirect = false;
        var pins = attested.TlsPins.ToArray();
        var expected = pins.Select(p => p.ToString()).ToArray();
        var authority = Authority(_endpoint);
        var loopback = IPAddress.TryParse(_endpoint.Host, out var ip) ? IPAddress.IsLoopback(ip) : string.Equals(_endpoint.Host, "localhost", StringComparison.OrdinalIgnoreCase);
        var relaxChain = _allowSelfSignedLoopback && loopback;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            {
                return false;
            }

            if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0 && !relaxChain)
            {
                return false;
            }

            Span<byte> actual = stackalloc byte[TlsPin.Length];
            var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
            SHA256.HashData(leaf.PublicKey.ExportSubjectPublicKeyInfo(), actual);
            var matched = false;
            foreach (var pin in pins)
            {
                matched |= pin.Matches(actual);
            }

            if (!matched)
            {
                // Reached with a chain and name the platform accepted: another key there is what an intercepting proxy presents.
                throw new TlsPinMismatchException(authority, expected, Convert.ToHexString(actual).ToLowerInvariant(), chainValidForHost: errors == SslPolicyErrors.None);
            }

            return true;
        };
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }

    private sealed record Generation(AttestedEndpoint Attested, HttpMessageInvoker Invoker)
    {
        public bool Expired(TimeProvider time) => Attested.ValidUntil is { } until && until <= time.GetUtcNow();
    }
}
