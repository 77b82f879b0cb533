namespace AudioSdk.Testing;

/// <summary>A scripted function call of a <see cref="ConversationReply"/>.</summary>
/// <param name="Name">The function's name.</param>
/// <param name="ArgumentsJson">Its arguments, a JSON text, streamed in up to three deltas.</param>
public sealed record ConversationToolCall(string Name, string ArgumentsJson);
