using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace AudioSdk.Security.Tinfoil.Tdx;

/// <summary>
/// Fetches the Intel PCS collateral a TDX quote does not carry: the TCB info for its FMSPC, the TD QE identity, the
/// PCK CA's CRL (each with the issuer chain PCS sends in a response header) and the SGX root CA's CRL. Responses
/// are cached for <see cref="CacheLifetime"/>; what they say is verified by <see cref="TdxVerifier"/>, not here.
/// </summary>
internal sealed class TdxCollateralFetcher
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromHours(1);
    private const int MaxBytes = 256 * 1024;

    private readonly HttpClient _http;
    private readonly Uri _pcs;
    private readonly Uri _rootCrl;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (byte[] Body, string? Chain, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    /// <param name="http">The client (not disposed here).</param>
    /// <param name="pcs">Intel's PCS base, such as <c>https://api.trustedservices.intel.com/</c>, or a caching service with the same
    /// paths.</param>
    /// <param name="rootCrl">The SGX root CA's CRL.</param>
    /// <param name="timeout">How long one fetch may take.</param>
    /// <param name="time">The clock for the cache.</param>
    public TdxCollateralFetcher(HttpClient http, Uri pcs, Uri rootCrl, TimeSpan timeout, TimeProvider time)
    {
        _http = http;
        _pcs = pcs;
        _rootCrl = rootCrl;
        _timeout = timeout;
        _time = time;
    }

    /// <summary>The collateral for a quote's platform (FMSPC from its PCK certificate, and whether its CA is the platform or processor
    /// CA).</summary>
    /// <exception cref="AttestationException">Stage Fetch: a request failed, timed out, answered other than 200 or sent too
    /// much.</exception>
    public async Task<TdxCollateral> FetchAsync(TdxQuote quote, CancellationToken cancellationToken)
    {
        string fmspc;
        string ca;
        try
        {
            var chain = DerCertificate.ParsePem(quote.PckChainPem);
            fmspc = Hex.Lower(PckExtensions.Read(chain[0]).Fmspc);
            ca = chain.Count > 1
                && Encoding.UTF8.GetString(chain[1].Subject.Span).Contains("Processor",
                StringComparison.Ordinal) ? "processor" : "platform";
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or FormatException or ArgumentOutOfRangeException)
        {
            throw Reject.With(AttestationStage.CertificateChain, "PCK_CHAIN_INVALID",
                "the quote's PCK certificate does not name its platform", ex);
        }

        var tcb = await CachedAsync(new Uri(_pcs, $"tdx/certification/v4/tcb?fmspc={fmspc}"), "TCB-Info-Issuer-Chain",
            "the Intel TCB info", cancellationToken).ConfigureAwait(false);
        var qe = await CachedAsync(new Uri(_pcs, "tdx/certification/v4/qe/identity"), "SGX-Enclave-Identity-Issuer-Chain",
            "the Intel QE identity", cancellationToken).ConfigureAwait(false);
        var pckCrl = await CachedAsync(new Uri(_pcs, $"sgx/certification/v4/pckcrl?ca={ca}&encoding=der"), null, "the Intel PCK CRL",
            cancellationToken).ConfigureAwait(false);
        var rootCrl = await CachedAsync(_rootCrl, null, "the Intel root CA CRL", cancellationToken).ConfigureAwait(false);
        return new TdxCollateral
        {
            TcbInfoJson = Encoding.UTF8.GetString(tcb.Body),
            TcbInfoIssuerChainPem = tcb.Chain,
            QeIdentityJson = Encoding.UTF8.GetString(qe.Body),
            QeIdentityIssuerChainPem = qe.Chain,
            PckCrl = pckCrl.Body,
            RootCrl = rootCrl.Body,
        };
    }

    private async Task<(byte[] Body, string? Chain)> CachedAsync(Uri uri, string? chainHeader, string what,
        CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(uri.AbsoluteUri, out var hit) && hit.Until > now)
        {
            return (hit.Body, hit.Chain);
        }

        var fetched = await GetAsync(uri, chainHeader, what, cancellationToken).ConfigureAwait(false);
        _cache[uri.AbsoluteUri] = (fetched.Body, fetched.Chain, now + CacheLifetime);
        return fetched;
    }

    private async Task<(byte[] Body, string? Chain)> GetAsync(Uri uri, string? chainHeader, string what,
        CancellationToken cancellationToken)
    {
        var where = uri.GetLeftPart(UriPartial.Path);
        using var timer = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw Reject.With(AttestationStage.Fetch, "FETCH_FAILED", $"{what} at {where} answered {(int)response.StatusCode}");
            }

            string? chain = null;
            if (chainHeader is not null && response.Headers.TryGetValues(chainHeader, out var values))
            {
                chain = Uri.UnescapeDataString(string.Concat(values));
            }

            if (response.Content.Headers.ContentLength > MaxBytes)
            {
                throw Reject.With(AttestationStage.Fetch, "FETCH_FAILED", $"{what} is larger than {MaxBytes} bytes");
            }

            var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new MemoryStream();
                var chunk = new byte[16 * 1024];
                int read;
                while ((read = await stream.ReadAsync(chunk, linked.Token).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > MaxBytes)
                    {
                        throw Reject.With(AttestationStage.Fetch, "FETCH_FAILED", $"{what} is larger than {MaxBytes} bytes");
                    }

                    buffer.Write(chunk, 0, read);
                }

                return (buffer.ToArray(), chain);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Reject.With(AttestationStage.Fetch, "FETCH_TIMEOUT", $"{what} at {where} did not arrive within {_timeout}");
        }
        catch (HttpRequestException ex)
        {
            throw Reject.With(AttestationStage.Fetch, "FETCH_FAILED",
                $"{what} at {where} could not be fetched (no route to Intel's collateral service; set TinfoilAttestorOptions.IntelCollateralEndpoint to a reachable mirror): {ex.Message}", ex);
        }
    }
}
