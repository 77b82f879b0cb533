using System.Reflection;
using System.Runtime.InteropServices;
using AudioSdk.Internal.Diagnostics;
using AudioSdk.Internal.Http;
using AudioSdk.Internal.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AudioSdk;

/// <summary>
/// A client for OpenAI-compatible audio APIs: transcription, translation, text-to-speech, models and
/// usage. Immutable and thread-safe: create one per endpoint and share it.
/// </summary>
public partial class AudioClient : IDisposable
{
    private static readonly string UserAgent = BuildUserAgent();

    private readonly AudioClientOptions _options = null!;
    private readonly HttpClient _http = null!;
    private readonly bool _ownsHttpClient;
    private readonly ILogger _logger = NullLogger.Instance;
    private readonly Uri _baseUri = null!;
    private readonly HttpMessageHandler? _handler;
    private readonly bool _ownsHandler;
    private readonly Security.Ehbp.EhbpHttpHandler? _ehbp;

    /// <summary>Creates a client against OpenAI's endpoint with the given key.</summary>
    /// <param name="apiKey">The API key.</param>
    public AudioClient(string apiKey)
        : this(new AudioClientOptions { ApiKey = apiKey ?? throw new ArgumentNullException(nameof(apiKey)) })
    {
    }

    /// <summary>Creates a client that builds and owns its own <see cref="HttpClient"/>.</summary>
    /// <param name="options">The settings; they are copied, so later changes do not affect the client.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message names every problem.</exception>
    public AudioClient(AudioClientOptions options)
        : this(options, null)
    {
    }

    /// <summary>
    /// Creates a client over a caller's <see cref="HttpClient"/> (from <c>IHttpClientFactory</c>, for
    /// example). The client does not dispose it. The endpoint defaults to the HttpClient's base address.
    /// Set <see cref="HttpClient.Timeout"/> to <see cref="Timeout.InfiniteTimeSpan"/>: the client applies
    /// <see cref="AudioClientOptions.NetworkTimeout"/> per attempt itself.
    /// </summary>
    /// <param name="httpClient">The HttpClient to send through.</param>
    /// <param name="options">The settings; by default OpenAI's endpoint (or the base address) without a key.</param>
    public AudioClient(HttpClient httpClient, AudioClientOptions? options = null)
        : this(options ?? new AudioClientOptions(), httpClient ?? throw new ArgumentNullException(nameof(httpClient)))
    {
    }

    /// <summary>For mocking: a client with no connection. Every service method is virtual.</summary>
    protected AudioClient()
    {
    }

    private AudioClient(AudioClientOptions options, HttpClient? httpClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.ValidateAndFreeze(httpClient?.BaseAddress ?? (options.HttpHandler as Security.PinnedHttpHandler)?.BaseAddress);
        _logger = _options.LoggerFactory?.CreateLogger("AudioSdk.AudioClient") ?? NullLogger.Instance;
        var endpoint = _options.Endpoint!.AbsoluteUri;
        _baseUri = new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/");

        if (httpClient is not null && _options.Attestor is not null)
        {
            throw new ArgumentException(
                "TLS pinning cannot be applied to an HttpClient you supply: its handler's TLS settings are its own. Either let the client build its handler " +
                "(no HttpClient), or make a PinnedHttpHandler the HttpClient's primary handler and pass the same instance as AudioClientOptions.HttpHandler, without pins.",
                nameof(options));
        }

        if (httpClient is null)
        {
            _handler = _options.HttpHandler
                ?? (_options.Attestor is { } attestor
                    ? new Security.PinnedHttpHandler(_options.Endpoint!, attestor, _options.ConfigurePinnedHandler,
                        _options.DangerousAllowSelfSignedLoopbackCertificatesForTesting, _options.TimeProvider,
                        _options.AdoptsAttestedRouter)
                    : CreateHandler());
            _ownsHandler = _options.HttpHandler is null;

            // EHBP is a stage chosen once here: REST goes through it; realtime (and a pins-only attestation) keeps the pinned handler.
            _ehbp = _options.HttpHandler is null
                && _handler is Security.PinnedHttpHandler pinned ? pinned.CreateRestHandler(_options.AttestedTransport) as Security.Ehbp.EhbpHttpHandler : null;
            _http = new HttpClient((HttpMessageHandler?)_ehbp ?? _handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
            _ownsHttpClient = true;
        }
        else
        {
            _http = httpClient;
            _handler = _options.HttpHandler;
            if (httpClient.Timeout != Timeout.InfiniteTimeSpan
                && (_options.NetworkTimeout == Timeout.InfiniteTimeSpan || httpClient.Timeout < _options.NetworkTimeout))
            {
                Log.ShortHttpClientTimeout(_logger, httpClient.Timeout, _options.NetworkTimeout);
            }
        }

        var userAgent = _options.ApplicationId is { Length: > 0 } app ? $"{app} {UserAgent}" : UserAgent;
        Http = new HttpPipeline(_options, _http, _handler, AudioResilience.Create(_options.Retry, _options.TimeProvider, _logger), _logger,
            _baseUri, userAgent);
    }

    /// <summary>
    /// The API's base address, including its path prefix. With <see cref="AudioClientOptions.UseAttestedRouter"/> and no
    /// endpoint set, the router the attestation names once the first request has attested it (before that, a placeholder
    /// that never resolves).
    /// </summary>
    public virtual Uri Endpoint => _handler is Security.PinnedHttpHandler { AdoptsRouter: true } pinned
        && string.Equals(_options.Endpoint!.Authority, pinned.BaseAddress.Authority, StringComparison.OrdinalIgnoreCase)
        ? pinned.CurrentEndpoint
        : _options.Endpoint!;

    /// <summary>Releases the HttpClient the client created; a supplied one is left alone.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"AudioClient {{ Endpoint = {_options?.Endpoint} }}";

    /// <summary>Releases the HttpClient the client created.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_ownsHttpClient)
            {
                _http.Dispose();
            }

            if (_ownsHandler)
            {
                _ehbp?.Dispose();
                _handler?.Dispose();
            }
        }
    }

    /// <summary>The one HTTP pipeline every operation goes through.</summary>
    internal HttpPipeline Http { get; } = null!;

    /// <summary>Sends a request through the pipeline and reads the successful response inside the attempt.</summary>
    internal Task<T> SendAsync<T>(RequestSpec spec, Func<HttpResponseMessage, CancellationToken, Task<T>> readResponse,
        CancellationToken cancellationToken) =>
        Http.SendAsync(spec, readResponse, cancellationToken);

    /// <summary>As <see cref="SendAsync{T}(RequestSpec, Func{HttpResponseMessage, CancellationToken, Task{T}}, CancellationToken)"/>, once
    /// the request is prepared.</summary>
    internal Task<T> SendAsync<T>(ValueTask<RequestSpec> prepare, Func<HttpResponseMessage, CancellationToken, Task<T>> readResponse,
        CancellationToken cancellationToken) =>
        Http.SendAsync(prepare, readResponse, cancellationToken);

    /// <summary>Sends a request through the pipeline and hands the open response over for streaming.</summary>
    internal Task<StreamingResponse> SendStreamingAsync(RequestSpec spec, CancellationToken cancellationToken) =>
        Http.SendStreamingAsync(spec, cancellationToken);

    private Task<StreamedBody> ReadStreamedBodyAsync(StreamingResponse streaming, RequestSpec spec, bool events = false,
        string? emptyProblem = null, IDisposable? owned = null) =>
        Http.ReadStreamedBodyAsync(streaming, spec, events, emptyProblem, owned);

    private static SocketsHttpHandler CreateHandler() =>
        new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

    private static string BuildUserAgent()
    {
        var version = typeof(AudioClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        if (plus > 0)
        {
            version = version[..plus];
        }

        return $"AudioSdk/{version} ({RuntimeInformation.FrameworkDescription}; {RuntimeInformation.OSDescription})".Replace("\n", " ",
            StringComparison.Ordinal);
    }
}
