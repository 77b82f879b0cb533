namespace AudioSdk.Testing;

/// <summary>A request the test server received, recorded for assertions.</summary>
public sealed class ReceivedRequest
{
    internal ReceivedRequest(string id, string method, string path, string query, IReadOnlyDictionary<string, string> headers)
    {
        Id = id;
        Method = method;
        Path = path;
        Query = query;
        Headers = headers;
    }

    /// <summary>The request id the server assigned and sent back as <c>x-request-id</c>.</summary>
    public string Id { get; }

    /// <summary>The HTTP method.</summary>
    public string Method { get; }

    /// <summary>The path, such as <c>/v1/audio/transcriptions</c>.</summary>
    public string Path { get; }

    /// <summary>The query string including <c>?</c>, or empty.</summary>
    public string Query { get; }

    /// <summary>Request headers by case-insensitive name (values joined by commas).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Multipart form fields other than the file, in the order received (repeated names appear repeatedly).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> FormFields { get; internal set; } = [];

    /// <summary>The uploaded file's audio facts, for multipart uploads.</summary>
    public ReceivedAudio? Audio { get; internal set; }

    /// <summary>The JSON body as text, for JSON requests.</summary>
    public string? JsonBody { get; internal set; }

    /// <summary>The raw <c>Content-Type</c> of the request.</summary>
    public string? ContentType { get; internal set; }

    /// <summary>The value of a header, or <see langword="null"/>.</summary>
    /// <param name="name">The header name, in any case.</param>
    public string? GetHeader(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The first value of a form field, or <see langword="null"/>.</summary>
    /// <param name="name">The field name as sent, such as <c>timestamp_granularities[]</c>.</param>
    public string? GetField(string name) => FormFields.FirstOrDefault(f => f.Key == name).Value;

    /// <summary>Every value of a (repeated) form field.</summary>
    /// <param name="name">The field name as sent.</param>
    public IReadOnlyList<string> GetFields(string name) => FormFields.Where(f => f.Key == name).Select(f => f.Value).ToList();

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Path}{Query} ({Id})";
}
