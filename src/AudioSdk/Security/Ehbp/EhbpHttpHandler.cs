using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Text.Json;
using AudioSdk.Internal.Http;

namespace AudioSdk.Security.Ehbp;

/// <summary>
/// The EHBP transport: every request body is sealed with HPKE to the key the attestation binds, and every answer to a
/// sealed request must carry a response nonce and is opened frame by frame as it arrives. TLS underneath is validated
/// normally (not pinned), so an inspecting proxy can route requests but not read or change bodies. Bodyless requests
/// go in plaintext (EHBP has nothing to seal). The server's <c>/.well-known/hpke-keys</c> is read once per attestation
/// only to compare: a key that differs from the attested one is refused before any body leaves.
/// </summary>
internal sealed class EhbpHttpHandler : HttpMessageHandler
{
    /// <summary>The code of the forced re-attestation after a 422 key-config answer.</summary>
    public const string KeyConfigMismatchCode = "EHBP_KEY_CONFIG_MISMATCH";

    /// <summary>The code of a served key that differs from the attested one.</summary>
    public const string KeyBindingMismatchCode = "EHBP_KEY_BINDING_MISMATCH";

    /// <summary>Set on a request whose error answer came without a response nonce: the error is unauthenticated.</summary>
    internal static readonly HttpRequestOptionsKey<bool> Unauthenticated = new("AudioSdk.Ehbp.Unauthenticated");

    private const int MaxProblemBytes = 64 * 1024;

    private readonly Uri _endpoint;
    private readonly HttpMessageInvoker _inner;
    private readonly HttpMessageInvoker? _pinnedFallback;
    private readonly AttestationCache<AttestedEndpoint>? _own;
    private readonly Func<bool, AttestedEndpoint?, CancellationToken, ValueTask<(AttestedEndpoint Attested, Uri Endpoint)>> _attest;
    private Generation? _current;
    private volatile bool _stale;

    /// <param name="endpoint">The attested endpoint; requests elsewhere are refused.</param>
    /// <param name="attestor">Where the HPKE key comes from.</param>
    /// <param name="inner">The transport underneath (owned), with normal TLS validation and no redirects.</param>
    /// <param name="pinnedFallback">When the attestation carries no HPKE key, requests go through this pinned handler (not owned); without
    /// it they fail.</param>
    /// <param name="timeProvider">The clock for attestation expiry.</param>
    public EhbpHttpHandler(Uri endpoint, IEndpointAttestor attestor, HttpMessageHandler inner, HttpMessageHandler? pinnedFallback,
        TimeProvider timeProvider)
        : this(endpoint, inner, pinnedFallback)
    {
        var own = new AttestationCache<AttestedEndpoint>(attestor, endpoint, timeProvider, static (attested, _) => attested);
        _own = own;
        _attest = async (refresh, seen, cancellationToken) =>
        {
            var entry = await own.GetAsync(refresh, seen, cancellationToken).ConfigureAwait(false);
            return (entry.Attested, entry.Endpoint);
        };
    }

    /// <summary>The client's stage: attests through <paramref name="pinned"/> (one attestation for REST and realtime), and falls back to it
    /// when asked.</summary>
    /// <param name="endpoint">The attested endpoint.</param>
    /// <param name="pinned">The pinned handler realtime uses (not owned).</param>
    /// <param name="inner">The transport underneath (owned).</param>
    /// <param name="fallBackToPinning">Send through <paramref name="pinned"/> when the attestation carries no HPKE key.</param>
    public EhbpHttpHandler(Uri endpoint, PinnedHttpHandler pinned, HttpMessageHandler inner, bool fallBackToPinning)
        : this(endpoint, inner, fallBackToPinning ? pinned : null)
    {
        _attest = pinned.AttestationAsync;
    }

    private EhbpHttpHandler(Uri endpoint, HttpMessageHandler inner, HttpMessageHandler? pinnedFallback)
    {
        _endpoint = endpoint;
        _inner = new HttpMessageInvoker(inner, disposeHandler: true);
        _pinnedFallback = pinnedFallback is null ? null : new HttpMessageInvoker(pinnedFallback, disposeHandler: false);
        _attest = null!;
    }

    /// <summary>True when an attestation without an HPKE key falls back to TLS pinning.</summary>
    public bool HasPinnedFallback => _pinnedFallback is not null;

    /// <summary>How many attestations have run.</summary>
    public int AttestationCount => _own?.AttestationCount ?? 0;

    /// <summary>The handler underneath for tests and for the client to build on: normal TLS validation, no redirects.</summary>
    public static SocketsHttpHandler CreateTransport(Action<SocketsHttpHandler>? configure, bool allowSelfSignedLoopback)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        configure?.Invoke(handler);
        handler.AllowAutoRedirect = false;
        if (allowSelfSignedLoopback)
        {
            // Decided per connection, on the host dialled: the endpoint may be the router an attestation names.
            handler.SslOptions.RemoteCertificateValidationCallback = static (sender, certificate, _, errors) =>
                certificate is not null
                    && (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) == 0
                && (errors == SslPolicyErrors.None || (sender is SslStream { TargetHostName: var host } && IsLoopback(host)));
        }

        return handler;
    }

    /// <summary>True for a loopback address or <c>localhost</c>.</summary>
    internal static bool IsLoopback(string host) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var ip) ? IPAddress.IsLoopback(ip) : string.Equals(host, "localhost",
            StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the error answer to a sealed request came without a response nonce.</summary>
    public static bool IsUnauthenticated(HttpResponseMessage response) =>
        response.RequestMessage is { } request && request.Options.TryGetValue(Unauthenticated, out var flag) && flag;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        var generation = await GetGenerationAsync(cancellationToken).ConfigureAwait(false);
        if (generation.Key is null)
        {
            return _pinnedFallback is { } pinned
                ? await pinned.SendAsync(request, cancellationToken).ConfigureAwait(false)
                : throw new AttestationException(
                    $"The attestation of {generation.Attested.Authority} carries no HPKE key, so bodies cannot be sealed (EHBP); choose AttestedTransport.TlsPinning for this endpoint.",
                    AttestationStage.Binding) { Code = KeyBindingMismatchCode };
        }

        var target = AttestedRouter.Target(uri, _endpoint, generation.Endpoint, generation.Attested.Authority);
        if (uri.Scheme != generation.Endpoint.Scheme)
        {
            throw new AttestationException($"The request to {uri.Authority} was refused: only {generation.Attested.Authority} is attested.", AttestationStage.Authority);
        }

        if (!ReferenceEquals(target, uri))
        {
            request.RequestUri = uri = target;
        }

        if (request.Content is not { } content || (content.Headers.ContentLength is 0))
        {
            // Nothing to seal: EHBP sends bodyless requests (GET /models) and their answers in plaintext.
            return await _inner.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        await EnsureServedKeyAsync(generation, cancellationToken).ConfigureAwait(false);
        var hpke = Hpke.SetupSender(generation.Key, EhbpProtocol.RequestInfo, out var enc);
        var exported = hpke.Export(EhbpProtocol.ResponseExportLabel, 32);
        request.Content = new EhbpRequestContent(content, hpke);
        request.Headers.Remove(EhbpProtocol.EncapsulatedKeyHeader);
        request.Headers.TryAddWithoutValidation(EhbpProtocol.EncapsulatedKeyHeader, Convert.ToHexString(enc).ToLowerInvariant());

        HttpResponseMessage response;
        try
        {
            response = await _inner.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(exported);
            throw;
        }

        try
        {
            return await OpenAsync(response, generation, enc, exported, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(exported);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _pinnedFallback?.Dispose();
            _own?.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task<HttpResponseMessage> OpenAsync(HttpResponseMessage response, Generation generation, byte[] enc, byte[] exported,
        CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (!response.Headers.TryGetValues(EhbpProtocol.ResponseNonceHeader, out var values))
        {
            if (status == 422 && await IsKeyConfigProblemAsync(response, cancellationToken).ConfigureAwait(false))
            {
                response.Dispose();
                MarkStale(generation);
                throw new AttestationException(
                    $"{generation.Attested.Authority} answered 422 key-config: it could not open the request sealed to the attested HPKE key (its key changed, or something on the way altered the body). " +
                    "The client attests again before the next request.",
                    AttestationStage.Binding) { Code = KeyConfigMismatchCode };
            }

            if (response.IsSuccessStatusCode)
            {
                response.Dispose();
                throw ResponseReader.InvalidResponse(response,
                    $"The service answered {status} to a sealed (EHBP) request without an {EhbpProtocol.ResponseNonceHeader} header: the body is not authenticated, so it was discarded and never used as data.");
            }

            // An error from something that could not open the request (a load balancer, a rate limiter) or a forgery:
            // passed on, marked so the error says it is unauthenticated.
            response.RequestMessage?.Options.Set(Unauthenticated, true);
            return response;
        }

        var nonce = values.Count() == 1 ? EhbpProtocol.TryDecodeHex32(values.First()) : null;
        if (nonce is null)
        {
            response.Dispose();
            throw ResponseReader.InvalidResponse(response,
                $"The service answered {status} to a sealed (EHBP) request with a malformed {EhbpProtocol.ResponseNonceHeader} header (not 64 hex characters); the body was discarded.");
        }

        var cipher = EhbpProtocol.ResponseCipher(exported, enc, nonce);
        response.Content = new EhbpResponseContent(response.Content, cipher, reason => ResponseReader.InvalidResponse(
            response,
            $"The sealed (EHBP) response body is invalid: {reason}. Nothing after the last authenticated frame was used."));
        return response;
    }

    private static async Task<bool> IsKeyConfigProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!string.Equals(response.Content.Headers.ContentType?.MediaType, EhbpProtocol.ProblemMediaType,
            StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxProblemBytes];
            var filled = 0;
            int read;
            while (filled < buffer.Length
                && (read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
            {
                filled += read;
            }

            try
            {
                var reader = new Utf8JsonReader(buffer.AsSpan(0, filled));
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return false;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isType = reader.ValueTextEquals("type"u8);
                    reader.Read();
                    if (isType)
                    {
                        return reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(EhbpProtocol.KeyConfigProblemType);
                    }

                    reader.Skip();
                }
            }
            catch (JsonException)
            {
            }

            return false;
        }
    }

    /// <summary>
    /// Reads the server's key configuration once per attestation, only to compare: a key that differs from the attested
    /// one fails closed before any body is sent. A configuration that cannot be read changes nothing (the attested key is used).
    /// </summary>
    private async ValueTask EnsureServedKeyAsync(Generation generation, CancellationToken cancellationToken)
    {
        if (generation.ServedKeyChecked)
        {
            return;
        }

        byte[]? served = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(generation.Endpoint, EhbpProtocol.KeyConfigPath));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(EhbpProtocol.KeyConfigMediaType));
            using var response = await _inner.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode
                && string.Equals(response.Content.Headers.ContentType?.MediaType, EhbpProtocol.KeyConfigMediaType,
                StringComparison.OrdinalIgnoreCase)
                && response.Content.Headers.ContentLength is null or <= 1024)
            {
                var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                served = bytes.Length <= 1024 ? EhbpProtocol.TryParseKeyConfig(bytes) : null;
            }
        }
        catch (HttpRequestException)
        {
            // The sealed request will surface a connection failure itself.
        }

        if (served is not null && !CryptographicOperations.FixedTimeEquals(served, generation.Key))
        {
            MarkStale(generation);
            throw new AttestationException(
                $"{generation.Attested.Authority} serves an HPKE key at {EhbpProtocol.KeyConfigPath} that is not the one its attestation binds; nothing was sent. " +
                "Something between the client and the enclave may be substituting keys.",
                AttestationStage.Binding) { Code = KeyBindingMismatchCode };
        }

        generation.ServedKeyChecked = true;
    }

    private void MarkStale(Generation generation)
    {
        if (ReferenceEquals(_current, generation))
        {
            _stale = true;
        }
    }

    /// <summary>
    /// The key generation of the attestation in force (the pinned handler's, shared with realtime, or this handler's
    /// own): a new attestation there is a new generation here, with the served key checked again.
    /// </summary>
    private async ValueTask<Generation> GetGenerationAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        var (attested, endpoint) = await _attest(_stale, current?.Attested, cancellationToken).ConfigureAwait(false);
        if (current is not null && ReferenceEquals(current.Attested, attested))
        {
            return current;
        }

        _stale = false;
        var next = new Generation(attested, CheckedKey(attested), endpoint);
        _current = next;
        return next;
    }

    /// <summary>The attested HPKE key (32 bytes); <see langword="null"/> when the attestation carries none.</summary>
    private static byte[]? CheckedKey(AttestedEndpoint attested)
    {
        if (attested.HpkePublicKey is not { IsEmpty: false } key)
        {
            return null;
        }

        return key.Length == Hpke.KeyLength
            ? key.ToArray()
            : throw new AttestationException($"The attested HPKE key of {attested.Authority} is {key.Length} bytes, not 32.",
                AttestationStage.Binding) { Code = KeyBindingMismatchCode };
    }

    private sealed class Generation(AttestedEndpoint attested, byte[]? key, Uri endpoint)
    {
        public AttestedEndpoint Attested { get; } = attested;

        /// <summary>Where requests go: the endpoint attested (the router the attestation names, when it names one).</summary>
        public Uri Endpoint { get; } = endpoint;

        public byte[]? Key { get; } = key;

        public bool ServedKeyChecked { get; set; }
    }
}
