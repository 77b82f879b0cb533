namespace AudioSdk.Internal.Http;

/// <summary>
/// One operation's request, as a recipe: each attempt builds a fresh <see cref="HttpRequestMessage"/>
/// (and fresh content, re-reading the upload's source), since a sent message cannot be sent again.
/// </summary>
internal sealed class RequestSpec(HttpMethod method, string path, Func<HttpContent?> createContent, bool replayable)
{
    private string? _logPath;
    private string? _description;

    /// <summary>The <c>Accept</c> value of JSON operations.</summary>
    public const string JsonMediaType = "application/json";

    /// <summary>The <c>Accept</c> value of streamed (server-sent event) operations.</summary>
    public const string EventStreamMediaType = "text/event-stream";

    /// <summary>The <c>Accept</c> value of operations whose body is text (text, srt, vtt).</summary>
    public const string TextMediaType = "text/plain, */*";

    /// <summary>The operation's name for telemetry (<c>transcribe</c>, <c>speech</c>, ...).</summary>
    public string Operation { get; init; } = "request";

    /// <summary>The model asked for, for telemetry.</summary>
    public string? Model { get; init; }

    /// <summary>The <c>Accept</c> header: what the operation can read (JSON by default).</summary>
    public string Accept { get; init; } = JsonMediaType;

    /// <summary>The size of the upload, when known, for telemetry.</summary>
    public long? UploadBytes { get; init; }

    /// <summary>The path without its query, for logs and spans (a query may carry credentials).</summary>
    public string LogPath => _logPath ??= Path.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? Path[..q] : Path;

    /// <summary>The method and <see cref="LogPath"/>, such as <c>POST audio/transcriptions</c>, for messages.</summary>
    public string Description => _description ??= Method.Method + " " + LogPath;

    public HttpMethod Method { get; } = method;

    /// <summary>The path relative to the endpoint, with query, such as <c>audio/transcriptions</c>.</summary>
    public string Path { get; } = path;

    public bool Replayable { get; } = replayable;

    public HttpContent? CreateContent() => createContent();

    public static RequestSpec Get(string path, string operation) =>
        new(HttpMethod.Get, path, static () => null, true) { Operation = operation };
}
