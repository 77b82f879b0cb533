using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>
/// A conversation item as the server describes it (conversation dialect): a user, assistant or system message, a
/// function call or a function call's output. The content stays in <see cref="Raw"/> (audio bytes never come here).
/// </summary>
/// <param name="Id">The item id.</param>
/// <param name="Type"><c>message</c>, <c>function_call</c> or <c>function_call_output</c>.</param>
/// <param name="Role">For messages: <c>user</c>, <c>assistant</c> or <c>system</c>.</param>
/// <param name="Status"><c>in_progress</c>, <c>completed</c> or <c>incomplete</c>.</param>
/// <param name="CallId">For function calls and outputs: the call id.</param>
/// <param name="Name">For function calls: the function's name.</param>
/// <param name="Text">The message's text, or its audio's transcript, when the item carries one.</param>
/// <param name="Raw">The item as received.</param>
public sealed record RealtimeItem(string? Id, string? Type, string? Role, string? Status, string? CallId, string? Name, string? Text,
    JsonElement Raw);
