namespace AudioSdk.Testing;

/// <summary>
/// What the conversation endpoint answers the next response with (<see cref="AudioTestServer.EnqueueConversationReply"/>):
/// sentences, spoken as one tone per sentence (or written, for text responses), and/or function calls.
/// </summary>
public sealed class ConversationReply
{
    /// <summary>
    /// The answer's text, split into sentences after <c>.</c>, <c>!</c> or <c>?</c>. Spoken, sentence <c>n</c> (from 0)
    /// is a tone of 300 + 100·n Hz lasting 60 ms per word. Empty with only tool calls.
    /// </summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>Function calls the model makes in this response, after the text, in order (none when the tool choice is
    /// <c>none</c>).</summary>
    public IReadOnlyList<ConversationToolCall> ToolCalls { get; init; } = [];

    /// <summary>
    /// Fails the response after this many deltas (audio, transcript, text and argument deltas all count): an <c>error</c>
    /// event of type <c>server_error</c> with <see cref="FailureCode"/>, the done events, and <c>response.done</c> with
    /// status <c>failed</c>. The session stays open.
    /// </summary>
    public int? FailAfterDeltas { get; init; }

    /// <summary>
    /// Drops the TCP connection, without a close handshake, after this many deltas (counted as for
    /// <see cref="FailAfterDeltas"/>): a server lost in the middle of a response. The drop waits 150 ms so the events sent
    /// before it reach the client first.
    /// </summary>
    public int? DropConnectionAfterDeltas { get; init; }

    /// <summary>
    /// Answers with the whole conversation as the server holds it instead of <see cref="Text"/>: one entry per item, in
    /// order, joined by <c> | </c> (<c>user: text</c>, <c>assistant: text</c>, <c>system: text</c>, <c>call name(arguments)</c>,
    /// <c>output text</c>; a user audio turn as <c>user: (audio N.NN s)</c>), so a test can see what a response sees.
    /// </summary>
    public bool RecitesConversation { get; init; }

    /// <summary>The error code of a <see cref="FailAfterDeltas"/> failure. Default <c>internal_error</c>.</summary>
    public string FailureCode { get; init; } = "internal_error";
}
