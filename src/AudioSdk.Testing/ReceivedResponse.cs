namespace AudioSdk.Testing;

/// <summary>A response the conversation endpoint produced, with how it ended (recorded just before its <c>response.done</c>).</summary>
/// <param name="ResponseId">The response id.</param>
/// <param name="Status"><c>completed</c>, <c>cancelled</c>, <c>failed</c> or <c>incomplete</c>.</param>
/// <param name="StatusReason">Why it was cancelled (<c>client_cancelled</c>, <c>turn_detected</c>), when it was.</param>
/// <param name="Text">The sentences it said or wrote in full.</param>
public sealed record ReceivedResponse(string ResponseId, string Status, string? StatusReason, string Text)
{
    /// <summary><c>audio</c> or <c>text</c>: the session's output modality or the response's override.</summary>
    public string OutputModality { get; init; } = "audio";

    /// <summary>The instructions it was given: the session's, or the response's override.</summary>
    public string Instructions { get; init; } = string.Empty;

    /// <summary>Whether it was out of band (<c>conversation:"none"</c>), its output kept out of the conversation.</summary>
    public bool OutOfBand { get; init; }

    /// <summary>How many milliseconds of audio it sent.</summary>
    public int AudioMs { get; init; }

    /// <summary>The names of the functions it called, in order.</summary>
    public IReadOnlyList<string> FunctionCalls { get; init; } = [];
}
