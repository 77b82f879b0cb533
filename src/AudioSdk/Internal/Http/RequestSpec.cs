namespace AudioSdk.Internal.Http;

/// <summary>
/// One operation's request, as a recipe: each attempt builds a fresh <see cref="HttpRequestMessage"/>
/// (and fresh content, re-reading the upload's source), since a sent message cannot be sent again.
/// </summary>
internal sealed class RequestSpec(HttpMethod method, string path, Func<HttpContent?> createContent, bool replayable)
{
    public HttpMethod Method { get; } = method;

    /// <summary>The path relative to the endpoint, with query, such as <c>audio/transcriptions</c>.</summary>
    public string Path { get; } = path;

    public bool Replayable { get; } = replayable;

    public HttpContent? CreateContent() => createContent();

    public static RequestSpec Get(string path) => new(HttpMethod.Get, path, static () => null, true);
}
