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
    private readonly AttestationCache<HttpMessageInvoker> _attestation;
    private readonly List<HttpMessageInvoker> _retired = [];

    /// <summary>Creates the handler.</summary>
    /// <param name="endpoint">The endpoint whose authority is attested; requests elsewhere are refused.</param>
    /// <param name="attestor">Where the pins come from (<see cref="StaticPinAttestor"/> for pins known in advance).</param>
    /// <param name="configure">Adjusts each generation's <see cref="SocketsHttpHandler"/> (proxy, timeouts); its certificate callback is
    /// replaced.</param>
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
        : this(endpoint, attestor, configure, dangerousAllowSelfSignedLoopbackCertificatesForTesting, timeProvider, adoptRouter: false)
    {
    }

    /// <summary>
    /// Creates the handler <see cref="AudioClient"/> builds for <paramref name="options"/>: its <see cref="AudioClientOptions.TlsPins"/>
    /// or <see cref="AudioClientOptions.Attestor"/>, <see cref="AudioClientOptions.ConfigurePinnedHandler"/>, clock and test
    /// switch, and its endpoint. Without <see cref="AudioClientOptions.Endpoint"/>, and with
    /// <see cref="AudioClientOptions.UseAttestedRouter"/>
    /// and an attestor whose attestation names the router (Tinfoil's bundle flow), requests go to that router, exactly as
    /// for a client built from the options: build them on <see cref="BaseAddress"/> (an <see cref="HttpClient"/>'s base
    /// address, from <c>IHttpClientFactory</c> for example), and the handler moves them to the router once it is attested.
    /// Give the <see cref="HttpClient"/> <see cref="CreateRestHandler"/> as its primary handler, and this handler as
    /// <see cref="AudioClientOptions.HttpHandler"/> (realtime goes through it).
    /// </summary>
    /// <param name="options">The client's options; they are checked as the client's constructor checks them.</param>
    /// <exception cref="ArgumentException">The options are invalid (the message names every problem), or ask for no pinning (no pins, no
    /// attestor).</exception>
    public PinnedHttpHandler(AudioClientOptions options)
        : this(Frozen(options), frozen: true)
    {
    }

    /// <summary>Builds on options the client froze (checked, endpoint and attestor filled in).</summary>
    private PinnedHttpHandler(AudioClientOptions options, bool frozen)
        : this(options.Endpoint!, options.Attestor!, options.ConfigurePinnedHandler,
            options.DangerousAllowSelfSignedLoopbackCertificatesForTesting, options.TimeProvider, frozen && options.AdoptsAttestedRouter)
    {
    }

    /// <summary>The client's handler: with <paramref name="adoptRouter"/>, requests for <paramref name="endpoint"/> go to the router the
    /// attestor names.</summary>
    internal PinnedHttpHandler(Uri endpoint, IEndpointAttestor attestor, Action<SocketsHttpHandler>? configure,
        bool dangerousAllowSelfSignedLoopbackCertificatesForTesting, TimeProvider? timeProvider, bool adoptRouter)
    {
        _endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        _attestor = attestor ?? throw new ArgumentNullException(nameof(attestor));
        if (endpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"TLS pinning needs an https endpoint; '{endpoint}' is not.", nameof(endpoint));
        }

        var namesRouter = attestor is IRouterNamingAttestor { NamesRouter: true };
        if (namesRouter && !adoptRouter && IsDefaultEndpoint(endpoint))
        {
            // The default address is what a client falls back to when no endpoint was chosen: sending there would hand
            // the key to a host the attestation does not cover (with EHBP, over TLS that is not pinned).
            throw new ArgumentException(
                $"The attestor names the router to use, but this handler was given {endpoint.Authority}, the default endpoint, which no attested router is. " +
                "Build the handler from the client's options (new PinnedHttpHandler(options)) so it adopts the router, or give the address of the router or of your own gateway.",
                nameof(endpoint));
        }

        BaseAddress = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        _configure = configure;
        _allowSelfSignedLoopback = dangerousAllowSelfSignedLoopbackCertificatesForTesting;
        AdoptsRouter = adoptRouter && namesRouter;
        var router = AdoptsRouter ? (IRouterNamingAttestor)attestor : null;
        _attestation = new AttestationCache<HttpMessageInvoker>(_attestor, _endpoint, timeProvider ?? TimeProvider.System, CreateInvoker,
            Retire, router is null ? null : router.ResolveEndpointAsync);
    }

    /// <summary>How many attestations have run.</summary>
    public int AttestationCount => _attestation.AttestationCount;

    /// <summary>The attestation in force, once the first request has run.</summary>
    public AttestedEndpoint? CurrentAttestation => _attestation.Current?.Attested;

    /// <summary>
    /// The base address to build requests on: the endpoint given (or <see cref="AudioClientOptions.Endpoint"/>, or
    /// <see cref="AudioClientOptions.DefaultEndpoint"/>). When the handler adopts the router its attestation names, a
    /// placeholder under the reserved <c>.invalid</c> domain, which never resolves: the handler moves requests for it to
    /// the attested router, and refuses a request for any other authority. It ends with <c>/</c>, so a relative path such
    /// as <c>audio/transcriptions</c> resolves under its path prefix (<c>/v1/</c>).
    /// </summary>
    public Uri BaseAddress { get; }

    /// <summary>True when requests for <see cref="BaseAddress"/> go to the router the attestation names.</summary>
    internal bool AdoptsRouter { get; }

    /// <summary>The endpoint requests go to: the router the attestation names once it is known, else the endpoint given.</summary>
    internal Uri CurrentEndpoint => _attestation.Current?.Endpoint ?? _endpoint;

    /// <summary>
    /// The handler REST requests go through over this handler's attestation, as <see cref="AudioClient"/> builds it: for
    /// <see cref="AttestedTransport.Ehbp"/>, and for <see cref="AttestedTransport.Automatic"/> unless the attestor is a
    /// <see cref="StaticPinAttestor"/> without an HPKE key, an EHBP stage that seals every request body to the HPKE key
    /// this handler's attestation binds (one attestation for REST and realtime; with <see cref="AttestedTransport.Automatic"/>
    /// an attestation without an HPKE key falls back to this handler); for <see cref="AttestedTransport.TlsPinning"/>,
    /// this handler itself. For an <see cref="HttpClient"/> built elsewhere (<c>IHttpClientFactory</c>): make the result
    /// its primary handler and pass this handler as <see cref="AudioClientOptions.HttpHandler"/>, which carries realtime.
    /// </summary>
    /// <param name="transport">How REST requests are protected; the default is
    /// <see cref="AudioClientOptions.AttestedTransport"/>'s.</param>
    /// <returns>This handler, or a new EHBP stage over it that the caller disposes (it does not dispose this handler).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="transport"/> is not a defined value.</exception>
    public HttpMessageHandler CreateRestHandler(AttestedTransport transport = AttestedTransport.Automatic)
    {
        if (!Enum.IsDefined(transport))
        {
            throw new ArgumentOutOfRangeException(nameof(transport), transport, $"{(int)transport} is not an AttestedTransport.");
        }

        if (transport == AttestedTransport.TlsPinning
            || (transport == AttestedTransport.Automatic && _attestor is StaticPinAttestor { HpkePublicKey: null }))
        {
            return this;
        }

        return new Ehbp.EhbpHttpHandler(
            _endpoint,
            this,
            Ehbp.EhbpHttpHandler.CreateTransport(_configure, _allowSelfSignedLoopback),
            fallBackToPinning: transport == AttestedTransport.Automatic);
    }

    /// <summary>
    /// The attestation in force, attesting first when there is none, it expired, or <paramref name="refresh"/> asks for a
    /// new one: the EHBP stage shares it, so REST and realtime rest on one attestation.
    /// </summary>
    internal async ValueTask<(AttestedEndpoint Attested, Uri Endpoint)> AttestationAsync(bool refresh, AttestedEndpoint? seen,
        CancellationToken cancellationToken)
    {
        var entry = await _attestation.GetAsync(refresh, seen, cancellationToken).ConfigureAwait(false);
        return (entry.Attested, entry.Endpoint);
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        var generation = await _attestation.GetAsync(false, null, cancellationToken).ConfigureAwait(false);
        var target = AttestedRouter.Target(uri, _endpoint, generation.Endpoint, generation.Attested.Authority);
        if (!ReferenceEquals(target, uri))
        {
            request.RequestUri = uri = target;
        }

        if (uri.Scheme is not ("https" or "wss"))
        {
            throw new AttestationException($"The request to {uri} was refused: pinned endpoints are reached over TLS only.",
                AttestationStage.Authority);
        }

        HttpResponseMessage response;
        try
        {
            response = await generation.Value.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (TlsPinMismatchException.Find(ex) is not null)
        {
            _attestation.MarkStale(generation.Attested);
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
                _attestation.Clear()?.Value.Dispose();
            }

            _attestation.Dispose();
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
        return sameScheme && string.Equals(target.Host, requestUri.Host, StringComparison.OrdinalIgnoreCase)
            && target.Port == requestUri.Port ? null : target;
    }

    private static AudioClientOptions Frozen(AudioClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TlsPins.Count == 0 && options.Attestor is null)
        {
            throw new ArgumentException($"The options ask for no pinning: set {nameof(AudioClientOptions.TlsPins)} or {nameof(AudioClientOptions.Attestor)}.", nameof(options));
        }

        return options.ValidateAndFreeze(null);
    }

    private static bool IsDefaultEndpoint(Uri endpoint) =>
        string.Equals(endpoint.Host, AudioClientOptions.DefaultEndpoint.Host, StringComparison.OrdinalIgnoreCase)
            && endpoint.Port == AudioClientOptions.DefaultEndpoint.Port;

    private static string Authority(Uri uri) => uri.IsDefaultPort || uri.Port == 443 ? uri.Host : uri.Host + ":" + uri.Port;

    /// <summary>A replaced generation's pool may still carry requests: it is released with the handler.</summary>
    private void Retire(HttpMessageInvoker invoker)
    {
        lock (_retired)
        {
            _retired.Add(invoker);
        }
    }

    private HttpMessageInvoker CreateInvoker(AttestedEndpoint attested, Uri endpoint)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _configure?.Invoke(handler);

        // Redirects are never followed inside the pinned handler: one to another authority fails in SendAsync.
        handler.AllowAutoRedirect = false;
        var pins = attested.TlsPins.ToArray();
        var expected = pins.Select(p => p.ToString()).ToArray();
        var authority = Authority(endpoint);
        var relaxChain = _allowSelfSignedLoopback && Ehbp.EhbpHttpHandler.IsLoopback(endpoint.Host);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0
                || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
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
                throw new TlsPinMismatchException(authority, expected, Convert.ToHexString(actual).ToLowerInvariant(),
                    chainValidForHost: errors == SslPolicyErrors.None);
            }

            return true;
        };
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }
}
