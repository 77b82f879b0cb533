using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using AudioSdk.Internal;
using AudioSdk.Security.Tinfoil.V3;

namespace AudioSdk.Security.Tinfoil;

/// <summary>
/// Attests a Tinfoil enclave before any request byte leaves: fetches the v3 attestation document for a nonce it
/// chooses, verifies the AMD SEV-SNP report up to AMD's root, the code release (Sigstore provenance for
/// <c>repository</c>) and the platform policy, with fresh witnesses, and returns the TLS key pin and HPKE key the
/// report binds. Fails closed: every failure is an <see cref="AttestationException"/> naming the stage.
/// Plug it in with <c>Attestor = new TinfoilAttestor("tinfoilsh/confidential-model-router")</c>. With
/// <see cref="TinfoilAttestorOptions.Flow"/> = <see cref="TinfoilAttestationFlow.Bundle"/> it verifies Tinfoil's
/// attestation bundle instead, as Tinfoil's own client does.
/// </summary>
public sealed partial class TinfoilAttestor : IEndpointAttestor, IDisposable
{
    private const int MaxDocumentBytes = AttestationDocument.MaxBytes;
    private static readonly TimeSpan CrlCacheLifetime = TimeSpan.FromHours(1);

    /// <summary>The longest timer a <see cref="CancellationTokenSource"/> accepts (2^32 - 2 milliseconds).</summary>
    private static readonly TimeSpan MaxFetchTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly string _repository;
    private readonly TinfoilAttestorOptions _options;
    private readonly TinfoilTrust _trust;
    private readonly Func<byte[]> _nonces;
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, (byte[] Bytes, DateTimeOffset Until)> _collateral = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (Uri Endpoint, AttestedEndpoint Result)? _cached;
    private Tdx.TdxEnclaveVerifier? _tdx;
    private Tdx.TdxCollateralFetcher? _intel;

    /// <summary>Creates the attestor.</summary>
    /// <param name="repository">The GitHub repository whose signed release must run in the enclave, such as
    /// <c>tinfoilsh/confidential-model-router</c>.</param>
    /// <param name="options">Fetching and caching; defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The repository is not <c>owner/name</c>, or an option is out of range.</exception>
    public TinfoilAttestor(string repository, TinfoilAttestorOptions? options = null)
        : this(repository, options, TinfoilTrust.Production, null)
    {
    }

    /// <summary>The testing seam: other roots and a fixed nonce source. Not reachable from the public API.</summary>
    internal TinfoilAttestor(string repository, TinfoilAttestorOptions? options, TinfoilTrust trust, Func<byte[]>? nonces)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(repository);
        if (repository.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
        {
            throw new ArgumentException($"The repository is 'owner/name'; '{repository}' is not.", nameof(repository));
        }

        options ??= new TinfoilAttestorOptions();
        var problems = new List<string>();
        if (options.FetchTimeout <= TimeSpan.Zero || options.FetchTimeout > MaxFetchTimeout)
        {
            problems.Add($"FetchTimeout must be positive and at most {MaxFetchTimeout}; it is {options.FetchTimeout}.");
        }

        if (options.MaxAge <= TimeSpan.Zero)
        {
            problems.Add($"MaxAge must be positive; it is {options.MaxAge}.");
        }

        if (options.AttestationEndpoint is { } a && a.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"The attestation endpoint must be https; '{a}' is not.");
        }

        BundleProblems(options, problems);

        Validation.ThrowIfAny(problems, nameof(TinfoilAttestorOptions));

        _repository = repository;
        _options = options;
        _trust = trust;
        _nonces = nonces ?? (() => RandomNumberGenerator.GetBytes(32));
        _http = options.HttpHandler is { } handler
            ? new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan }
            : new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <inheritdoc />
    public async ValueTask<AttestedEndpoint> AttestAsync(Uri endpoint, bool forceRefresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _options.TimeProvider.GetUtcNow();
            if (!forceRefresh && _cached is { } cached && cached.Endpoint == endpoint && cached.Result.ValidUntil > now)
            {
                return cached.Result;
            }

            var result = _options.Flow == TinfoilAttestationFlow.Bundle
                ? await AttestBundleAsync(endpoint, forceRefresh, cancellationToken).ConfigureAwait(false)
                : await AttestCoreAsync(endpoint, cancellationToken).ConfigureAwait(false);
            _cached = (endpoint, result);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Verifies a captured v3 document offline, with the built-in roots: for auditing a document, or checking one
    /// obtained another way. The document must carry its VCEK and CRL.
    /// </summary>
    /// <param name="document">The document's bytes, exactly as served.</param>
    /// <param name="nonce">The 32-byte nonce the document was requested with.</param>
    /// <param name="repository">The repository whose release must run in the enclave.</param>
    /// <param name="time">The appraisal time (certificate validity, CRL, freshness).</param>
    /// <returns>What the document establishes.</returns>
    /// <exception cref="AttestationException">The document does not verify; the stage and code say why.</exception>
    public static TinfoilAttestation VerifyDocument(ReadOnlyMemory<byte> document, ReadOnlySpan<byte> nonce, string repository,
        DateTimeOffset time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(repository);
        if (nonce.Length != 32)
        {
            throw new ArgumentException($"The nonce is 32 bytes, not {nonce.Length}.", nameof(nonce));
        }

        using var parsed = AttestationDocument.Parse(document, nonce);
        return new TinfoilAttestation(new TinfoilDocumentVerifier(TinfoilTrust.Production).Verify(parsed, repository, time));
    }

    /// <summary>
    /// Verifies an Intel TDX quote under Tinfoil's TDX policy at the options' clock, with its collateral fetched from
    /// <see cref="TinfoilAttestorOptions.IntelCollateralEndpoint"/> (cached), and returns the keys its REPORT_DATA binds.
    /// </summary>
    internal Task<Tdx.TdxEnclave> VerifyTdxQuoteAsync(byte[] quote, CancellationToken cancellationToken)
    {
        _tdx ??= new Tdx.TdxEnclaveVerifier(IntelCollateral, _trust.IntelRoot, Tdx.TdxPolicy.Tinfoil);
        return _tdx.VerifyAsync(quote, _options.TimeProvider.GetUtcNow(), cancellationToken);
    }

    /// <summary>Fetches (and caches) the Intel PCS collateral a TDX quote is verified with, from the configured endpoints.</summary>
    private Tdx.TdxCollateralFetcher IntelCollateral => _intel ??= new Tdx.TdxCollateralFetcher(_http, _options.IntelCollateralEndpoint,
        _options.IntelRootCrlEndpoint, _options.FetchTimeout, _options.TimeProvider);

    /// <summary>Releases the HTTP client (not a handler passed in the options).</summary>
    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }

    private async Task<AttestedEndpoint> AttestCoreAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        var nonce = _nonces();
        var source = _options.AttestationEndpoint
            ?? new UriBuilder(Uri.UriSchemeHttps, endpoint.Host, endpoint.Port, "/.well-known/tinfoil-attestation").Uri;
        var bytes = await FetchAsync(new Uri(source, $"?nonce={Hex.Lower(nonce)}"), "the attestation document", MaxDocumentBytes,
            cancellationToken).ConfigureAwait(false);
        using var document = AttestationDocument.Parse(bytes, nonce);
        byte[]? vcek = null;
        byte[]? crl = null;
        Tdx.TdxCollateral? intel = null;
        if (document.IsTdx)
        {
            if (!document.Collateral.Any(c => c.Format == Tdx.IntelPcsCollateral.Format))
            {
                intel = await IntelCollateral.FetchAsync(Tdx.TdxQuote.Parse(document.Report), cancellationToken).ConfigureAwait(false);
            }
        }
        else if (!document.Collateral.Any(c => c.Format == TinfoilDocumentVerifier.VcekFormat)
            || !document.Collateral.Any(c => c.Format == TinfoilDocumentVerifier.CrlFormat))
        {
            (vcek, crl) = await FetchCollateralAsync(document, cancellationToken).ConfigureAwait(false);
        }

        var now = _options.TimeProvider.GetUtcNow();
        var verified = new TinfoilDocumentVerifier(_trust).Verify(document, _repository, now, vcek, crl, intel);
        var (pin, hpke) = verified.RequireKeys();
        var maxUntil = SafeTime.Add(now, _options.MaxAge);
        var until = verified.ValidUntil < maxUntil ? verified.ValidUntil : maxUntil;
        return new AttestedEndpoint(endpoint.Authority, [pin], hpke, until);
    }

    private async Task<(byte[]? Vcek, byte[]? Crl)> FetchCollateralAsync(AttestationDocument document, CancellationToken cancellationToken)
    {
        var report = SevSnpReport.Parse(document.Report);
        var product = ProductOf(report);
        var hwid = Hex.Lower(report.IsTurin ? report.ChipId[..8] : report.ChipId);
        var tcb = report.ReportedTcb;
        var query = report.IsTurin
            ? $"fmcSPL={tcb.Fmc}&blSPL={tcb.Bootloader}&teeSPL={tcb.Tee}&snpSPL={tcb.Snp}&ucodeSPL={tcb.Microcode}"
            : $"blSPL={tcb.Bootloader}&teeSPL={tcb.Tee}&snpSPL={tcb.Snp}&ucodeSPL={tcb.Microcode}";
        var vcek = document.Collateral.Any(c => c.Format == TinfoilDocumentVerifier.VcekFormat)
            ? null
            : await CachedAsync(new Uri(_options.CollateralEndpoint,
                string.Create(CultureInfo.InvariantCulture, $"vcek/v1/{product}/{hwid}?{query}")), "the VCEK", TimeSpan.MaxValue,
                cancellationToken).ConfigureAwait(false);
        var crl = document.Collateral.Any(c => c.Format == TinfoilDocumentVerifier.CrlFormat)
            ? null
            : await CachedAsync(new Uri(_options.CollateralEndpoint, $"vcek/v1/{product}/crl"), "the AMD CRL", CrlCacheLifetime,
                cancellationToken).ConfigureAwait(false);
        return (vcek, crl);
    }

    /// <summary>The AMD product name KDS files the report's chip under.</summary>
    private static string ProductOf(SevSnpReport report) =>
        report.IsTurin ? "Turin" : report.CpuidFamily == 0x19 && report.CpuidModel < 0x10 ? "Milan" : "Genoa";

    private async Task<byte[]> CachedAsync(Uri uri, string what, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = _options.TimeProvider.GetUtcNow();
        var key = uri.AbsoluteUri;
        if (_collateral.TryGetValue(key, out var hit) && hit.Until > now)
        {
            return hit.Bytes;
        }

        var bytes = await FetchAsync(uri, what, 64 * 1024, cancellationToken).ConfigureAwait(false);
        _collateral[key] = (bytes, SafeTime.Add(now, lifetime));
        return bytes;
    }

    private async Task<byte[]> FetchAsync(Uri uri, string what, int maxBytes, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(_options.FetchTimeout, _options.TimeProvider);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw Reject.With(AttestationStage.Fetch, "FETCH_FAILED",
                    $"{what} at {uri.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode}");
            }

            var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new MemoryStream();
                var chunk = new byte[16 * 1024];
                int read;
                while ((read = await stream.ReadAsync(chunk, timeout.Token).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > maxBytes)
                    {
                        throw Reject.With(AttestationStage.Fetch, "FETCH_FAILED", $"{what} is larger than {maxBytes} bytes");
                    }

                    buffer.Write(chunk, 0, read);
                }

                return buffer.ToArray();
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Reject.With(AttestationStage.Fetch, "FETCH_TIMEOUT",
                $"{what} at {uri.GetLeftPart(UriPartial.Path)} did not arrive within {_options.FetchTimeout}");
        }
        catch (HttpRequestException ex)
        {
            throw Reject.With(AttestationStage.Fetch, "FETCH_FAILED",
                $"{what} at {uri.GetLeftPart(UriPartial.Path)} could not be fetched: {ex.Message}", ex);
        }
    }
}
