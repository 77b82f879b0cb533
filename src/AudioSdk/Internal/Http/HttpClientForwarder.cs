namespace AudioSdk.Internal.Http;

/// <summary>
/// A handler that sends through a caller's <see cref="HttpClient"/> (whose handler chain is private to it), reading
/// only the headers, so a WebSocket upgrade goes through the same chain as the REST requests. Does not dispose it.
/// </summary>
internal sealed class HttpClientForwarder(HttpClient client) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
}
