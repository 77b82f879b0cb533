using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>
/// An item joined the conversation (<c>conversation.item.added</c>, or the beta <c>conversation.item.created</c>;
/// conversation dialect): one the client created, a committed user turn, or an output item the model started (in progress).
/// </summary>
/// <param name="item">The item.</param>
/// <param name="previousItemId">The item before it in the conversation.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class ConversationItemAdded(RealtimeItem item, string? previousItemId,
    JsonElement raw) : RealtimeEvent("conversation.item.added", raw)
{
    /// <summary>The item.</summary>
    public RealtimeItem Item { get; } = item;

    /// <summary>The item before it in the conversation.</summary>
    public string? PreviousItemId { get; } = previousItemId;

    /// <inheritdoc />
    public override string ToString() => $"ConversationItemAdded {Item.Id} {Item.Type} {Item.Role}";
}
