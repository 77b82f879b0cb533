using System.Diagnostics;
using AudioSdk.Internal.Diagnostics;
using AudioSdk.Internal.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace AudioSdk.Internal.Http;

/// <summary>
/// The one HTTP pipeline every operation goes through: the request from its spec, the headers (shared with the
/// realtime WebSocket upgrade), a timeout per attempt, retries on Polly.Core, the one forced re-attestation after a
/// pin mismatch, telemetry, logging and error reading. Operations describe a request and read its response; they do
/// not know how it was sent.
/// </summary>
internal sealed class HttpPipeline(AudioClientOptions options, HttpClient http, HttpMessageHandler? handler, ResiliencePipeline resilience,
    ILogger logger, Uri baseUri, string userAgent)
{
    private readonly AudioClientOptions _options = options;
    private readonly HttpClient _http = http;
    private readonly HttpMessageHandler? _handler = handler;
    private readonly ResiliencePipeline _resilience = resilience;
    private readonly ILogger _logger = logger;
    private readonly Uri _baseUri = baseUri;
    private readonly string _userAgent = userAgent;
    private readonly string? _authorization = string.IsNullOrEmpty(options.ApiKey) ? null : "Bearer " + options.ApiKey;

    /// <summary>
    /// Every header the client sends, HTTP and WebSocket alike: authorization (the key, or <paramref name="bearer"/>),
    /// organization, project, user agent, then the default headers, which win. Written through <paramref name="add"/>
    /// so the request path allocates nothing for it.
    /// </summary>
    public void WriteHeaders<TState>(TState state, Action<TState, string, string> add, string? bearer = null)
    {
        var authorization = bearer is null ? _authorization : "Bearer " + bearer;
        if (authorization is not null)
        {
            add(state, "Authorization", authorization);
        }

        if (!string.IsNullOrEmpty(_options.Organization))
        {
            add(state, "OpenAI-Organization", _options.Organization);
        }

        if (!string.IsNullOrEmpty(_options.Project))
        {
            add(state, "OpenAI-Project", _options.Project);
        }

        add(state, "User-Agent", _userAgent);
        foreach (var header in _options.DefaultHeaders)
        {
            add(state, header.Key, header.Value);
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/>, and once more if the pinned handler saw another key (it has marked its pins stale
    /// and re-attests on the next connection). Never unpinned: the second attempt is checked like the first.
    /// </summary>
    public async Task<T> WithPinRetryAsync<TState, T>(TState state, Func<TState, Task<T>> action, bool replayable = true)
    {
        try
        {
            return await action(state).ConfigureAwait(false);
        }
        catch (Security.TlsPinMismatchException) when (RetriesPinMismatch(replayable))
        {
            return await action(state).ConfigureAwait(false);
        }
    }

    /// <summary>The one forced re-attestation: only through a pinned handler, only for a request that can be sent again.</summary>
    private bool RetriesPinMismatch(bool replayable) => replayable && _handler is Security.PinnedHttpHandler;

    /// <summary>A 422 key-config answer to a sealed request: the EHBP stage has marked its attestation stale.</summary>
    private static bool IsKeyConfigMismatch(Exception ex) =>
        ex is Security.AttestationException { Code: Security.Ehbp.EhbpHttpHandler.KeyConfigMismatchCode };

    /// <summary>Sends a request with retries and the network timeout, and reads the successful response inside the attempt.</summary>
    public Task<T> SendAsync<T>(RequestSpec spec, Func<HttpResponseMessage, CancellationToken, Task<T>> readResponse,
        CancellationToken cancellationToken) =>
        ExecuteAsync(spec, cancellationToken, async (attempt, timeout, token, callerToken) =>
        {
            using (timeout)
            {
                try
                {
                    using var response = await SendOnceAsync(spec, attempt, token).ConfigureAwait(false);
                    return await readResponse(response, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (timeout is { IsCancellationRequested: true }
                    && !callerToken.IsCancellationRequested)
                {
                    throw AttemptTimedOut(spec);
                }
            }
        });

    /// <summary>As <see cref="SendAsync{T}(RequestSpec, Func{HttpResponseMessage, CancellationToken, Task{T}}, CancellationToken)"/>, once
    /// the request is prepared (usually at once).</summary>
    public Task<T> SendAsync<T>(ValueTask<RequestSpec> prepare, Func<HttpResponseMessage, CancellationToken, Task<T>> readResponse,
        CancellationToken cancellationToken)
    {
        return prepare.IsCompletedSuccessfully ? SendAsync(prepare.Result, readResponse, cancellationToken) : PrepareThenSendAsync();

        async Task<T> PrepareThenSendAsync() =>
            await SendAsync(await prepare.ConfigureAwait(false), readResponse, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a request with retries until a successful response's headers arrive, and hands the open
    /// response over for streaming. The network timeout keeps running until the returned object is disposed.
    /// </summary>
    public Task<StreamingResponse> SendStreamingAsync(RequestSpec spec, CancellationToken cancellationToken) =>
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
    private async Task<T> ExecuteAsync<T>(RequestSpec spec, CancellationToken cancellationToken, Func<int, CancellationTokenSource?,
        CancellationToken, CancellationToken, Task<T>> attempt)
    {
        using var activity = Telemetry.Source.HasListeners() ? Telemetry.Source.StartActivity("audiosdk." + spec.Operation,
            ActivityKind.Client) : null;
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
                result = await _resilience.ExecuteAsync(run, context).ConfigureAwait(false);
            }
            catch (Security.TlsPinMismatchException) when (RetriesPinMismatch(spec.Replayable))
            {
                // Inline rather than through WithPinRetryAsync: no extra state machine on every request.
                result = await _resilience.ExecuteAsync(run, context).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsKeyConfigMismatch(ex) && spec.Replayable)
            {
                // The server could not open the sealed body: attest again (the stage marked itself stale) and resend once.
                result = await _resilience.ExecuteAsync(run, context).ConfigureAwait(false);
            }

            activity?.SetStatus(ActivityStatusCode.Ok);
            return result;
        }
        catch (Exception ex)
        {
            var thrown = SecretRedactor.Scrub(Explain(ex, spec, number, cancellationToken), _options.ApiKey);

            // A transport failure is reported by its cause (refused, TLS, timeout...), which says more than the SDK's wrapper.
            var reported = thrown is AudioTransportException { InnerException: { } cause } ? cause : thrown;
            errorType = thrown is AudioServiceException service ? ((int)service.Status).ToString(System.Globalization.CultureInfo.InvariantCulture) : reported.GetType().FullName;
            if (activity is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, reported.GetType().Name);
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
            case HttpRequestException or IOException when !cancellationToken.IsCancellationRequested:
                return new AudioTransportException(
                    $"{spec.Description} to {_baseUri.Authority} failed after {Attempts(attempts)}: {ex.Message}",
                    ex,
                    isTimeout: false,
                    attempts);
            case TimeoutException timeout when !cancellationToken.IsCancellationRequested:
                return new AudioTransportException($"{timeout.Message} ({Attempts(attempts)})", timeout, isTimeout: true, attempts);
            case AudioTransportException:
                return ex;
            case OperationCanceledException when !cancellationToken.IsCancellationRequested:
                // Cancelled, but not by the caller: a timeout of the HttpClient under the SDK (HttpClient.Timeout).
                return new AudioTransportException($"{spec.Description} to {_baseUri.Authority} timed out after {Attempts(attempts)}: {ex.Message}", ex, isTimeout: true, attempts);
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
            case Security.AttestationException attestation when IsKeyConfigMismatch(attestation) && !spec.Replayable:
                return new Security.AttestationException(
                    attestation.Message + $" The body of {spec.Description} is a stream that cannot be read twice, so it was not resent: send it again.",
                    attestation.Stage,
                    attestation) { Code = attestation.Code };
            default:
                return ex;
        }
    }

    private static string Attempts(int attempts) => attempts == 1 ? "1 attempt" : $"{attempts} attempts";

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
            Log.Answered(_logger, spec.Method.Method, spec.LogPath, (int)response.StatusCode,
                ResponseMetadata.FromResponse(response).RequestId);
        }

        Activity.Current?.SetTag("http.response.status_code", (int)response.StatusCode);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                var error = await ErrorResponseReader.ReadAsync(response, _options.ApiKey, _options.TimeProvider,
                    token).ConfigureAwait(false);
                throw Security.Ehbp.EhbpHttpHandler.IsUnauthenticated(response) ? Unauthenticated(error) : error;
            }
        }

        return response;
    }

    /// <summary>An error answer to a sealed request that came without a response nonce: kept, and said to be unauthenticated.</summary>
    private static AudioServiceException Unauthenticated(AudioServiceException error) => new(
        "Unauthenticated error: the answer to this sealed (EHBP) request carried no response nonce, so it may come from an intermediary (a proxy, " +
        "load balancer or rate limiter) rather than the attested service. " + error.Message,
        error.Status,
        error.ErrorType,
        error.Code,
        error.Param,
        error.RequestId,
        error.RawBody,
        error.Metadata,
        error.RetryAfter);

    private void ApplyHeaders(HttpRequestMessage request) =>
        WriteHeaders(request.Headers, static (headers, name, value) =>
        {
            headers.Remove(name);
            headers.TryAddWithoutValidation(name, value);
        });

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

    /// <summary>
    /// A streamed response's body as the one <see cref="StreamedBody"/> reader: failing with a <see cref="TimeoutException"/>
    /// after <see cref="AudioClientOptions.StreamIdleTimeout"/> without a byte or past the attempt's timeout, and, for an
    /// event stream (<paramref name="events"/>), past <see cref="StreamedBody.MaxLineBytes"/> in one line. The body owns
    /// <paramref name="streaming"/> and <paramref name="owned"/>.
    /// </summary>
    public async Task<StreamedBody> ReadStreamedBodyAsync(StreamingResponse streaming, RequestSpec spec, bool events = false,
        string? emptyProblem = null, IDisposable? owned = null)
    {
        var body = IdleTimeoutStream.Wrap(
            await streaming.Response.Content.ReadAsStreamAsync(streaming.Token).ConfigureAwait(false),
            _options.StreamIdleTimeout,
            _options.TimeProvider,
            streaming.Token,
            _options.ApiKey,
            () =>
                new TimeoutException($"{spec.Method} {spec.LogPath}: the streamed response sent no byte for {_options.StreamIdleTimeout} (StreamIdleTimeout)."));
        return new StreamedBody(body, streaming, events, emptyProblem, owned);
    }

    private TimeoutException AttemptTimedOut(RequestSpec spec) =>
        new($"{spec.Description} did not complete within the network timeout of {_options.NetworkTimeout}.");
}
