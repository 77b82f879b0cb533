namespace AudioSdk.Testing;

/// <summary>
/// What the conversation endpoint answers the next response with (<see cref="AudioTestServer.EnqueueConversationReply"/>):
/// sentences, spoken as one tone per sentence (or written, for text responses), and/or function calls.
/// </summary>
public sealed class ConversationReply
{
    /// <summary>The answer's text; each sentence becomes its own tone. Empty with only tool calls.</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>Function calls the model makes in this response, in order.</summary>
    public IReadOnlyList<ConversationToolCall> ToolCalls { get; init; } = [];

    /// <summary>Fails the response after this many deltas with a server error event and status <c>failed</c>.</summary>
    public int? FailAfterDeltas { get; init; }
}

/// <summary>A scripted function call.</summary>
/// <param name="Name">The function's name.</param>
/// <param name="ArgumentsJson">Its arguments, a JSON text.</param>
public sealed record ConversationToolCall(string Name, string ArgumentsJson);

/// <summary>A truncation the conversation endpoint applied.</summary>
/// <param name="ItemId">The assistant item.</param>
/// <param name="ContentIndex">The content part.</param>
/// <param name="AudioEndMs">Where its audio now ends.</param>
public sealed record ReceivedTruncation(string ItemId, int ContentIndex, int AudioEndMs);

/// <summary>A function call's output the conversation endpoint received.</summary>
/// <param name="CallId">The call id.</param>
/// <param name="Output">The output.</param>
public sealed record ReceivedFunctionOutput(string CallId, string Output);

/// <summary>A response the conversation endpoint produced, with how it ended.</summary>
/// <param name="ResponseId">The response id.</param>
/// <param name="Status"><c>completed</c>, <c>cancelled</c> or <c>failed</c>.</param>
/// <param name="StatusReason">Why it was cancelled (<c>client_cancelled</c>, <c>turn_detected</c>), when it was.</param>
/// <param name="Text">The text it said or wrote.</param>
public sealed record ReceivedResponse(string ResponseId, string Status, string? StatusReason, string Text);
