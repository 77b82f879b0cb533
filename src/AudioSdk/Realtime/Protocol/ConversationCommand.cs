namespace AudioSdk.Realtime.Protocol;

/// <summary>A conversation dialect command with its arguments; the codec writes it.</summary>
internal abstract record ConversationCommand;

/// <summary>A user text message (<c>conversation.item.create</c>).</summary>
internal sealed record UserTextCommand(string Text) : ConversationCommand;

/// <summary>A function call's output (<c>conversation.item.create</c>, <c>function_call_output</c>).</summary>
internal sealed record FunctionOutputCommand(string CallId, string Output) : ConversationCommand;

/// <summary><c>response.create</c> with this response's overrides.</summary>
internal sealed record CreateResponseCommand(RealtimeResponseOptions? Options) : ConversationCommand;

/// <summary><c>response.cancel</c>, of one response or of the default conversation's.</summary>
internal sealed record CancelResponseCommand(string? ResponseId) : ConversationCommand;

/// <summary><c>conversation.item.truncate</c>.</summary>
internal sealed record TruncateCommand(string ItemId, int ContentIndex, int AudioEndMs) : ConversationCommand;

/// <summary><c>conversation.item.delete</c>.</summary>
internal sealed record DeleteItemCommand(string ItemId) : ConversationCommand;

/// <summary>An item of the conversation so far, created again on a new connection after a drop (<c>conversation.item.create</c>).</summary>
internal sealed record SeedItemCommand(Continuity.SeedItem Item) : ConversationCommand;
