using System.Diagnostics;
using System.Net.Http.Headers;
using System.Reflection;
using System.Runtime.InteropServices;
using AudioSdk.Internal;
using AudioSdk.Internal.Diagnostics;
using AudioSdk.Internal.Http;
using AudioSdk.Internal.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

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
    private readonly ResiliencePipeline _pipeline = null!;
    private readonly ILogger _logger = NullLogger.Instance;
    private readonly Uri _baseUri = null!;
    private readonly HttpMessageHandler? _handler;
    private readonly bool _ownsHandler;
    private readonly string? _userAgent;
    private readonly string? _authorization;

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
        _options = options.ValidateAndFreeze(httpClient?.BaseAddress);
        _logger = _options.LoggerFactory?.CreateLogger("AudioSdk.AudioClient") ?? NullLogger.Instance;
        var endpoint = _options.Endpoint!.AbsoluteUri;
        _baseUri = new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/");
        _userAgent = _options.ApplicationId is { Length: > 0 } app ? $"{app} {UserAgent}" : UserAgent;
        _authorization = string.IsNullOrEmpty(_options.ApiKey) ? null : "Bearer " + _options.ApiKey;

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
                    ? new Security.PinnedHttpHandler(_options.Endpoint!, attestor, _options.ConfigurePinnedHandler, _options.DangerousAllowSelfSignedLoopbackCertificatesForTesting, _options.TimeProvider)
                    : CreateHandler());
            _ownsHandler = _options.HttpHandler is null;
            _http = new HttpClient(_handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
            _ownsHttpClient = true;
        }
        else
        {
            _http = httpClient;
            _handler = _options.HttpHandler;
            if (httpClient.Timeout != Timeout.InfiniteTimeSpan && (_options.NetworkTimeout == Timeout.InfiniteTimeSpan || httpClient.Timeout < _options.NetworkTimeout))
            {
                Log.ShortHttpClientTimeout(_logger, httpClient.Timeout, _options.NetworkTimeout);
            }
        }

        _pipeline = AudioResilience.Create(_options.Retry, _options.TimeProvider, _logger);
    }

    /// <summary>The API's base address, including its path prefix.</summary>
    public virtual Uri Endpoint => _options.Endpoint!;

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
                _handler?.Dispose();
            }
        }
    }

    /// <summary>Sends a request with retries and the network timeout, and reads the successful response inside the attempt.</summary>
    internal Task<T> SendAsync<T>(RequestSpec spec, Func<HttpResponseMessage, CancellationToken, Task<T>> readResponse, CancellationToken cancellationToken) =>
        ExecuteAsync(spec, cancellationToken, async (attempt, timeout, token, callerToken) =>
        {
            using (timeout)
            {
                try
                {
                    using var response = await SendOnceAsync(spec, attempt, token).ConfigureAwait(false);
                    return await readResponse(response, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (timeout is { IsCancellationRequested: true } && !callerToken.IsCancellationRequested)
                {
                    throw AttemptTimedOut(spec);
                }
            }
        });

    /// <summary>As <see cref="SendAsync{T}(RequestSpec, Func{HttpResponseMessage, CancellationToken, Task{T}}, CancellationToken)"/>, once the request is prepared (usually at once).</summary>
    internal Task<T> SendAsync<T>(ValueTask<RequestSpec> prepare, Func<HttpResponseMessage, CancellationToken, Task<T>> readResponse, CancellationToken cancellationToken)
    {
        return prepare.IsCompletedSuccessfully ? SendAsync(prepare.Result, readResponse, cancellationToken) : PrepareThenSendAsync();

        async Task<T> PrepareThenSendAsync() => await SendAsync(await prepare.ConfigureAwait(false), readResponse, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a request with retries until a successful response's headers arrive, and hands the open
    /// response over for streaming. The network timeout keeps running until the returned object is disposed.
    /// </summary>
    internal Task<StreamingResponse> SendStreamingAsync(RequestSpec spec, CancellationToken cancellationToken) =>
        ExecuteAsync(spec, cancellationToken, async (attempt, timeout, token, callerToken) =>
        {
            try
            {
                var response = await SendOnceAsync(spec, attempt, token).ConfigureAwait(false);
                return new StreamingResponse(response, timeout, token, () => AttemptTimedOut(spec), callerToken);
            }
            catch (OperationCanceledException) when (timeout is { IsCancellationRequested: true } && !callerToken.IsCancellationRequested)
            {
                timeout.Dispose();
                throw AttemptTimedOut(spec);
            }
            catch
            {
                timeout?.Dispose();
                throw;
            }
        });

    /// <summary>
    /// Runs attempts through the retry pipeline. Each attempt gets its number, its own timeout source
    /// (null when the timeout is off; the attempt owns and disposes it), the token to send with, and the caller's token.
    /// </summary>
    private async Task<T> ExecuteAsync<T>(RequestSpec spec, CancellationToken cancellationToken, Func<int, CancellationTokenSource?, CancellationToken, CancellationToken, Task<T>> attempt)
    {
        using var activity = Telemetry.Source.HasListeners() ? Telemetry.Source.StartActivity("audiosdk." + spec.Operation, ActivityKind.Client) : null;
        if (activity is not null)
        {
            activity.SetTag("audiosdk.operation", spec.Operation);
            activity.SetTag("gen_ai.request.model", spec.Model);
            activity.SetTag("server.address", _baseUri.Host);
            activity.SetTag("server.port", _baseUri.Port);
            activity.SetTag("http.request.method", spec.Method.Method);
            activity.SetTag("url.path", spec.LogPath);
            if (spec.UploadBytes is { } bytes)
            {
                activity.SetTag("audiosdk.request.body.size", bytes);
            }
        }

        var started = _options.TimeProvider.GetTimestamp();
        string? errorType = null;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(AudioResilience.Request, spec);
        var number = 0;
        Func<ResilienceContext, ValueTask<T>> run = ctx =>
        {
            var timeout = CreateAttemptTimeout(ctx.CancellationToken, out var token);
            return new ValueTask<T>(attempt(++number, timeout, token, ctx.CancellationToken));
        };
        try
        {
            T result;
            try
            {
                result = await _pipeline.ExecuteAsync(run, context).ConfigureAwait(false);
            }
            catch (Security.TlsPinMismatchException) when (spec.Replayable && _handler is Security.PinnedHttpHandler)
            {
                // The pinned handler has marked its pins stale: one forced re-attestation, one retry. Never unpinned.
                result = await _pipeline.ExecuteAsync(run, context).ConfigureAwait(false);
            }

            activity?.SetStatus(ActivityStatusCode.Ok);
            return result;
        }
        catch (Exception ex)
        {
            var thrown = Explain(ex, spec, number, cancellationToken);
            errorType = thrown is AudioServiceException service ? ((int)service.Status).ToString(System.Globalization.CultureInfo.InvariantCulture) : thrown.GetType().FullName;
            if (activity is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, thrown.GetType().Name);
                activity.SetTag("error.type", errorType);
                if (thrown is AudioServiceException s)
                {
                    activity.SetTag("http.response.status_code", (int)s.Status);
                    activity.SetTag("audiosdk.error.code", s.Code);
                }
            }

            if (ReferenceEquals(thrown, ex))
            {
                throw;
            }

            throw thrown;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
            if (Telemetry.RequestDuration.Enabled)
            {
                Telemetry.RequestDuration.Record(
                    _options.TimeProvider.GetElapsedTime(started).TotalSeconds,
                    new KeyValuePair<string, object?>("audiosdk.operation", spec.Operation),
                    new KeyValuePair<string, object?>("gen_ai.request.model", spec.Model),
                    new KeyValuePair<string, object?>("server.address", _baseUri.Host),
                    new KeyValuePair<string, object?>("error.type", errorType));
            }
        }
    }

    /// <summary>
    /// The exception to give the caller for a failed operation: a connection failure after retries says how many
    /// attempts were made and to what; a Retry-After the client would not wait for says so, and which option allows it.
    /// </summary>
    private Exception Explain(Exception ex, RequestSpec spec, int attempts, CancellationToken cancellationToken)
    {
        switch (ex)
        {
            case HttpRequestException http when !cancellationToken.IsCancellationRequested:
                return new HttpRequestException(
                    http.HttpRequestError,
                    $"{spec.Description} to {_baseUri.Authority} failed after {attempts} attempt{(attempts == 1 ? string.Empty : "s")}: {http.Message}",
                    http,
                    http.StatusCode);
            case AudioServiceException { IsTransient: true, RetryAfter: { } wait } service
                when spec.Replayable && _options.Retry.MaxRetries > 0 && wait > _options.Retry.MaxRetryAfter:
                return new AudioServiceException(
                    $"{service.Message} The service asked to wait {wait.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s before a retry, longer than " +
                    $"AudioClientRetryOptions.MaxRetryAfter ({_options.Retry.MaxRetryAfter}), so the client did not wait; raise MaxRetryAfter to allow it.",
                    service.Status,
                    service.ErrorType,
                    service.Code,
                    service.Param,
                    service.RequestId,
                    service.RawBody,
                    service.Metadata,
                    service.RetryAfter);
            default:
                return ex;
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(RequestSpec spec, int attempt, CancellationToken token)
    {
        using var request = new HttpRequestMessage(spec.Method, new Uri(_baseUri, spec.Path)) { Content = spec.CreateContent() };
        ApplyHeaders(request);
        request.Headers.TryAddWithoutValidation("Accept", spec.Accept);
        Log.Sending(_logger, spec.Method.Method, spec.LogPath, attempt);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (Security.TlsPinMismatchException.Find(ex) is { } mismatch)
        {
            throw new Security.TlsPinMismatchException(mismatch.Authority, mismatch.ExpectedPins, mismatch.ActualPin, ex);
        }

        SecretRedactor.RedactResponse(response, _options.ApiKey);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Answered(_logger, spec.Method.Method, spec.LogPath, (int)response.StatusCode, ResponseMetadata.FromResponse(response).RequestId);
        }

        Activity.Current?.SetTag("http.response.status_code", (int)response.StatusCode);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ErrorResponseReader.ReadAsync(response, _options.ApiKey, _options.TimeProvider, token).ConfigureAwait(false);
            }
        }

        return response;
    }

    private void ApplyHeaders(HttpRequestMessage request)
    {
        var headers = request.Headers;
        if (_authorization is not null)
        {
            headers.TryAddWithoutValidation("Authorization", _authorization);
        }

        if (!string.IsNullOrEmpty(_options.Organization))
        {
            headers.TryAddWithoutValidation("OpenAI-Organization", _options.Organization);
        }

        if (!string.IsNullOrEmpty(_options.Project))
        {
            headers.TryAddWithoutValidation("OpenAI-Project", _options.Project);
        }

        headers.TryAddWithoutValidation("User-Agent", _userAgent);
        foreach (var header in _options.DefaultHeaders)
        {
            headers.Remove(header.Key);
            headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    private CancellationTokenSource? CreateAttemptTimeout(CancellationToken cancellationToken, out CancellationToken token)
    {
        if (_options.NetworkTimeout == Timeout.InfiniteTimeSpan)
        {
            token = cancellationToken;
            return null;
        }

        if (ReferenceEquals(_options.TimeProvider, TimeProvider.System))
        {
            // One source: linked to the caller's token (when it can cancel at all) and cancelled by its own timer.
            var source = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : new CancellationTokenSource();
            source.CancelAfter(_options.NetworkTimeout);
            token = source.Token;
            return source;
        }

        // An injected clock drives the timer; the caller's token is linked in.
        var timeout = new CancellationTokenSource(_options.NetworkTimeout, _options.TimeProvider);
        if (!cancellationToken.CanBeCanceled)
        {
            token = timeout.Token;
            return timeout;
        }

        var linked = new LinkedTimeout(timeout, cancellationToken);
        token = linked.Token;
        return linked;
    }

    /// <summary>A streamed response's body, failing with a <see cref="TimeoutException"/> after <see cref="AudioClientOptions.StreamIdleTimeout"/> without a byte.</summary>
    private async Task<Stream> ReadStreamedBodyAsync(StreamingResponse streaming, RequestSpec spec) =>
        IdleTimeoutStream.Wrap(
            await streaming.Response.Content.ReadAsStreamAsync(streaming.Token).ConfigureAwait(false),
            _options.StreamIdleTimeout,
            _options.TimeProvider,
            streaming.Token,
            () => new TimeoutException($"{spec.Method} {spec.LogPath}: the streamed response sent no byte for {_options.StreamIdleTimeout} (StreamIdleTimeout)."));

    private TimeoutException AttemptTimedOut(RequestSpec spec) =>
        new($"{spec.Description} did not complete within the network timeout of {_options.NetworkTimeout}.");

    private static SocketsHttpHandler CreateHandler() =>
        new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

    private static string BuildUserAgent()
    {
        var version = typeof(AudioClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        if (plus > 0)
        {
            version = version[..plus];
        }

        return $"AudioSdk/{version} ({RuntimeInformation.FrameworkDescription}; {RuntimeInformation.OSDescription})".Replace("\n", " ", StringComparison.Ordinal);
    }
}
