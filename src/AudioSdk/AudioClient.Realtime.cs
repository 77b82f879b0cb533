using AudioSdk.Realtime;
using AudioSdk.Realtime.Drivers;
using AudioSdk.Realtime.Transport;

namespace AudioSdk;

public partial class AudioClient
{
    /// <summary>
    /// Opens a realtime session (<c>/v1/realtime</c> over a WebSocket) in one of three dialects: OpenAI's transcription
    /// dialect, vLLM's native one, or OpenAI's conversational dialect for voice agents. The socket goes through the same handler as the
    /// client's HTTP requests, so
    /// proxy, TLS and pinning settings apply; it sends the Bearer key and no subprotocols. For the OpenAI dialect
    /// and conversation dialects the call returns once the server has confirmed the configuration (<c>session.updated</c>).
    /// </summary>
    /// <param name="options">The dialect, model, rates and timeouts; <see cref="RealtimeSessionOptions.Model"/> is required.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <returns>The open session; dispose it to close the connection.</returns>
    /// <exception cref="ArgumentException">The options are invalid (the message names every problem), or
    /// <see cref="RealtimeSessionOptions.ClientSecret"/> has expired.</exception>
    /// <exception cref="RealtimeException">The connection could not be opened, the server refused the configuration, or the connection
    /// closed during it.</exception>
    /// <exception cref="AudioServiceException">
    /// The server refused the WebSocket upgrade (for example 401, 403, 404, 429): <see cref="AudioServiceException.Status"/>
    /// and <see cref="AudioServiceException.RawBody"/> carry its answer, and the message says what to check.
    /// </exception>
    /// <exception cref="AudioTransportException">A timeout (<see cref="AudioTransportException.IsTimeout"/>): the connection or the
    /// configuration was not confirmed within <see cref="RealtimeSessionOptions.ConnectTimeout"/>.</exception>
    public virtual Task<RealtimeSession> StartRealtimeSessionAsync(RealtimeSessionOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var driver = RealtimeDriver.Create(options);
        options.Validate(driver);
        if (options.ClientSecret is { } secret && secret.IsExpired(_options.TimeProvider))
        {
            throw new ArgumentException($"RealtimeSessionOptions.ClientSecret expired at {secret.ExpiresAt:O}; mint a new one (CreateRealtimeClientSecretAsync).", nameof(options));
        }

        var uri = RealtimeUri(options, driver);
        var headers = RealtimeHeaders(options);
        var bearer = options.ClientSecret?.Value ?? _options.ApiKey;
        return RealtimeSession.StartAsync(options, ConnectAsync, _options.TimeProvider, cancellationToken, _logger,
            uri.GetLeftPart(UriPartial.Path), bearer, driver);

        // A failed ClientWebSocket cannot be reused: each try is a new instance; a pin mismatch gets the pipeline's one forced
        // re-attestation.
        Task<IRealtimeConnection> ConnectAsync(CancellationToken ct) =>
            Http.WithPinRetryAsync<CancellationToken, IRealtimeConnection>(ct, async token =>
                await RealtimeConnection.ConnectAsync(uri, RealtimeInvoker(), headers, options.KeepAliveInterval, options.ConnectTimeout,
                options.MaxMessageBytes, bearer, _options.TimeProvider, token).ConfigureAwait(false));
    }

    private Uri RealtimeUri(RealtimeSessionOptions options, RealtimeDriver driver)
    {
        var builder = new UriBuilder(new Uri(_baseUri, options.Path.TrimStart('/')));
        builder.Scheme = builder.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        var query = driver.Codec.Query(options);
        foreach (var parameter in options.AdditionalQueryParameters)
        {
            query += "&" + Uri.EscapeDataString(parameter.Key) + "=" + Uri.EscapeDataString(parameter.Value);
        }

        builder.Query = query;
        return builder.Uri;
    }

    /// <summary>The upgrade's headers: the client's own (the same builder as HTTP requests, with the client secret when set), then the
    /// session's.</summary>
    private List<KeyValuePair<string, string>> RealtimeHeaders(RealtimeSessionOptions options)
    {
        var headers = new List<KeyValuePair<string, string>>();
        Http.WriteHeaders(headers, static (list, name, value) => list.Add(new(name, value)), options.ClientSecret?.Value);
        headers.AddRange(options.AdditionalHeaders);
        return headers;
    }

    /// <summary>
    /// An invoker over the client's handler (not disposed with it), or, when the caller supplied only an HttpClient, over
    /// that HttpClient: its handler chain (a PinnedHttpHandler included) carries the upgrade, so it is never unpinned.
    /// </summary>
    private HttpMessageInvoker RealtimeInvoker() =>
        new(_handler ?? new Internal.Http.HttpClientForwarder(_http), disposeHandler: _handler is null);
}
