using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>An item was removed from the conversation (<c>conversation.item.deleted</c>, conversation dialect).</summary>
/// <param name="itemId">The item.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class ConversationItemDeleted(string? itemId, JsonElement raw) : RealtimeEvent("conversation.item.deleted", raw)
{
    /// <summary>The item.</summary>
    public string? ItemId { get; } = itemId;

    /// <inheritdoc />
    public override string ToString() => $"ConversationItemDeleted {ItemId}";
}
