using AudioSdk.Internal;
using Microsoft.Extensions.Logging;

namespace AudioSdk;

/// <summary>
/// Settings for an <see cref="AudioClient"/>. The client copies them at construction, so changing
/// an options object afterwards does not affect a client built from it.
/// </summary>
public sealed class AudioClientOptions
{
    /// <summary>The default endpoint, OpenAI's.</summary>
    public static readonly Uri DefaultEndpoint = new("https://api.openai.com/v1");

    /// <summary>
    /// The API's base address including its path prefix, such as <c>https://api.example.com/v1</c>.
    /// Defaults to <see cref="DefaultEndpoint"/>, or to the base address of a supplied <see cref="HttpClient"/>, or to the
    /// <see cref="Security.PinnedHttpHandler.BaseAddress"/> of a <see cref="Security.PinnedHttpHandler"/> given as
    /// <see cref="HttpHandler"/>.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The API key, sent as <c>Authorization: Bearer</c>. Never logged, never shown by <see cref="ToString"/>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Sent as <c>OpenAI-Organization</c> when set.</summary>
    public string? Organization { get; set; }

    /// <summary>Sent as <c>OpenAI-Project</c> when set.</summary>
    public string? Project { get; set; }

    /// <summary>Headers added to every request (a provider's routing or tenant headers, for example).</summary>
    public IDictionary<string, string> DefaultHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// How long one attempt may take, from sending the request to reading the last byte of the response.
    /// Default 10 minutes, since long uploads are normal. <see cref="Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a streamed response body (streaming transcription, streamed speech) may go without a byte before the
    /// stream fails with an <see cref="AudioTransportException"/> whose <see cref="AudioTransportException.IsTimeout"/> is set. Default 60
    /// seconds; <see cref="Timeout.InfiniteTimeSpan"/>
    /// turns it off. Measured only while the client waits for data, on <see cref="TimeProvider"/>.
    /// </summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Retry behaviour; <see cref="AudioClientRetryOptions.None"/> turns retries off.</summary>
    public AudioClientRetryOptions Retry { get; set; } = new();

    /// <summary>
    /// The handler to send requests through when the client builds its own <see cref="HttpClient"/>
    /// (a proxy or TLS settings, for example). The client does not dispose it.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>
    /// Pinned TLS keys (SHA-256 of the leaf's SubjectPublicKeyInfo): every connection, HTTPS and realtime alike, is
    /// refused during the handshake unless the server's key matches one of them, in addition to normal certificate
    /// validation. Shorthand for <see cref="Attestor"/> = a <see cref="Security.StaticPinAttestor"/>.
    /// </summary>
    public IList<Security.TlsPin> TlsPins { get; } = new List<Security.TlsPin>();

    /// <summary>Where attested TLS pins come from (a confidential-computing verifier, for example); see
    /// <see cref="Security.IEndpointAttestor"/>.</summary>
    public Security.IEndpointAttestor? Attestor { get; set; }

    /// <summary>
    /// How requests to an attested endpoint (<see cref="Attestor"/>) are protected: <see cref="Security.AttestedTransport.Automatic"/>
    /// (the default) seals bodies with EHBP when the attestation carries an HPKE key and pins TLS otherwise;
    /// <see cref="Security.AttestedTransport.TlsPinning"/> always pins; <see cref="Security.AttestedTransport.Ehbp"/> always seals.
    /// </summary>
    public Security.AttestedTransport AttestedTransport { get; set; }

    /// <summary>
    /// When <see cref="Endpoint"/> is not set and the <see cref="Attestor"/>'s attestation names the router to use (a
    /// <see cref="Security.Tinfoil.TinfoilAttestor"/> in the bundle flow), send every request, REST and realtime, to that
    /// router: resolved before the first request from the verified bundle, followed when a new attestation names another,
    /// and nothing sent anywhere else (a request for another authority is refused). Default <see langword="true"/>, as
    /// Tinfoil's own client does: the attested router is the only address such a client should talk to, and without it
    /// the client would send the key to <see cref="DefaultEndpoint"/>. An <see cref="Endpoint"/> you set (a gateway)
    /// always wins; <see langword="false"/> requires one.
    /// </summary>
    public bool UseAttestedRouter { get; set; } = true;

    /// <summary>Adjusts the <see cref="SocketsHttpHandler"/> the client builds for pinning (proxy, connection limits); its certificate
    /// callback is the SDK's.</summary>
    public Action<SocketsHttpHandler>? ConfigurePinnedHandler { get; set; }

    /// <summary>
    /// FOR TESTS ONLY: with pinning, accept a certificate chain that does not validate (self-signed) when the
    /// endpoint is a loopback address. Host name and pin are still checked. Ignored for any other host.
    /// </summary>
    public bool DangerousAllowSelfSignedLoopbackCertificatesForTesting { get; set; }

    /// <summary>Text appended to the <c>User-Agent</c> header, to name the calling application.</summary>
    public string? ApplicationId { get; set; }

    /// <summary>Where the client logs requests, retries and failures. Keys, audio and transcripts are never logged.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The clock for retry delays and timeouts; tests substitute their own.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <inheritdoc />
    public override string ToString() =>
        $"AudioClientOptions {{ Endpoint = {Endpoint?.ToString() ?? "(default)"}, ApiKey = {(string.IsNullOrEmpty(ApiKey) ? "(none)" : "***")}, NetworkTimeout = {NetworkTimeout}, MaxRetries = {Retry?.MaxRetries} }}";

    /// <summary>
    /// Checks every setting, as the client's constructor does, and throws one <see cref="ArgumentException"/> whose
    /// message names every problem. Useful at start-up, before any client is built.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names every problem.</exception>
    public void Validate() => Validation.ThrowIfAny(Problems(null), nameof(AudioClientOptions), paramName: null);

    /// <summary>Checks every setting and returns a frozen copy; throws one exception naming every problem.</summary>
    internal AudioClientOptions ValidateAndFreeze(Uri? fallbackEndpoint)
    {
        Validation.ThrowIfAny(Problems(fallbackEndpoint), nameof(AudioClientOptions));
        var copy = Clone();
        copy.TlsPins.Clear();
        copy.AdoptsAttestedRouter = fallbackEndpoint is null && Security.AttestedRouter.Adopts(Endpoint, UseAttestedRouter, Attestor);
        copy.Endpoint = Endpoint ?? fallbackEndpoint ?? (copy.AdoptsAttestedRouter ? Security.AttestedRouter.Placeholder : DefaultEndpoint);
        copy.Retry = Retry!.Clone();
        copy.Attestor = Attestor ?? (TlsPins.Count > 0 ? new Security.StaticPinAttestor(TlsPins) : null);
        return copy;
    }

    /// <summary>Set on a frozen copy whose requests go to the router its attestor names (<see cref="UseAttestedRouter"/>).</summary>
    internal bool AdoptsAttestedRouter { get; private set; }

    /// <summary>Every problem with these settings (empty when they are valid).</summary>
    internal List<string> Problems(Uri? fallbackEndpoint)
    {
        var problems = new List<string>();
        var endpoint = Endpoint ?? fallbackEndpoint ?? DefaultEndpoint;
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add($"{nameof(Endpoint)} must be an absolute http or https URI.");
        }

        if (NetworkTimeout <= TimeSpan.Zero && NetworkTimeout != Timeout.InfiniteTimeSpan)
        {
            problems.Add($"{nameof(NetworkTimeout)} must be positive or Timeout.InfiniteTimeSpan.");
        }

        if ((StreamIdleTimeout <= TimeSpan.Zero && StreamIdleTimeout != Timeout.InfiniteTimeSpan)
            || StreamIdleTimeout.TotalMilliseconds > uint.MaxValue - 1)
        {
            problems.Add($"{nameof(StreamIdleTimeout)} must be positive (at most about 49 days) or Timeout.InfiniteTimeSpan.");
        }

        if (Retry is null)
        {
            problems.Add($"{nameof(Retry)} must not be null; use AudioClientRetryOptions.None to turn retries off.");
        }
        else
        {
            if (Retry.MaxRetries < 0)
            {
                problems.Add($"{nameof(Retry)}.{nameof(AudioClientRetryOptions.MaxRetries)} must not be negative.");
            }

            if (Retry.BaseDelay < TimeSpan.Zero || Retry.MaxDelay < TimeSpan.Zero || Retry.MaxRetryAfter < TimeSpan.Zero)
            {
                problems.Add($"{nameof(Retry)} delays must not be negative.");
            }
        }

        if (TimeProvider is null)
        {
            problems.Add($"{nameof(TimeProvider)} must not be null.");
        }

        if (ApiKey is not null && ApiKey.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            problems.Add($"{nameof(ApiKey)} must not contain line breaks.");
        }

        foreach (var header in DefaultHeaders)
        {
            if (string.IsNullOrWhiteSpace(header.Key) || (header.Value?.AsSpan().IndexOfAny('\r', '\n') ?? 0) >= 0)
            {
                problems.Add($"{nameof(DefaultHeaders)} entry '{header.Key}' is not a valid header.");
            }
        }

        if (TlsPins.Count > 0 && Attestor is not null)
        {
            problems.Add($"Set either {nameof(TlsPins)} or {nameof(Attestor)}, not both.");
        }

        if ((TlsPins.Count > 0 || Attestor is not null) && HttpHandler is not null)
        {
            problems.Add($"Pinning builds its own handler: leave {nameof(HttpHandler)} unset and use {nameof(ConfigurePinnedHandler)}, or pass a {nameof(Security.PinnedHttpHandler)} as {nameof(HttpHandler)} without pins.");
        }

        if ((TlsPins.Count > 0 || Attestor is not null) && endpoint.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add("TLS pinning needs an https endpoint.");
        }

        if (!Enum.IsDefined(AttestedTransport))
        {
            problems.Add($"{nameof(AttestedTransport)} {(int)AttestedTransport} is not a defined value.");
        }
        else if (AttestedTransport == Security.AttestedTransport.Ehbp && Attestor is null)
        {
            problems.Add($"{nameof(AttestedTransport)} Ehbp needs an {nameof(Attestor)} whose attestation carries the HPKE key (static {nameof(TlsPins)} carry none).");
        }

        if (Endpoint is null && fallbackEndpoint is null && !UseAttestedRouter
            && Attestor is Security.IRouterNamingAttestor { NamesRouter: true })
        {
            problems.Add($"The {nameof(Attestor)} names the router to use, but {nameof(UseAttestedRouter)} is false: set {nameof(Endpoint)}, or let the client use the attested router.");
        }

        if (TlsPins.Any(p => p.Bytes.Length != Security.TlsPin.Length))
        {
            problems.Add($"{nameof(TlsPins)} has an empty pin.");
        }

        return problems;
    }

    /// <summary>A copy of every setting: the collections are new, the objects they hold and the handler, logger factory, clock and attestor
    /// are shared.</summary>
    internal AudioClientOptions Clone()
    {
        var copy = new AudioClientOptions
        {
            Endpoint = Endpoint,
            ApiKey = ApiKey,
            Organization = Organization,
            Project = Project,
            NetworkTimeout = NetworkTimeout,
            StreamIdleTimeout = StreamIdleTimeout,
            Retry = Retry,
            HttpHandler = HttpHandler,
            Attestor = Attestor,
            ConfigurePinnedHandler = ConfigurePinnedHandler,
            AttestedTransport = AttestedTransport,
            UseAttestedRouter = UseAttestedRouter,
            DangerousAllowSelfSignedLoopbackCertificatesForTesting = DangerousAllowSelfSignedLoopbackCertificatesForTesting,
            ApplicationId = ApplicationId,
            LoggerFactory = LoggerFactory,
            TimeProvider = TimeProvider,
        };
        foreach (var header in DefaultHeaders)
        {
            copy.DefaultHeaders[header.Key] = header.Value;
        }

        foreach (var pin in TlsPins)
        {
            copy.TlsPins.Add(pin);
        }

        return copy;
    }
}
