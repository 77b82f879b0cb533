using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>
/// An item is final (<c>conversation.item.done</c>;
/// conversation dialect), with its final status and text.
/// </summary>
/// <param name="item">The item.</param>
/// <param name="previousItemId">The item before it in the conversation.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class ConversationItemDone(RealtimeItem item, string? previousItemId,
    JsonElement raw) : RealtimeEvent("conversation.item.done", raw)
{
    /// <summary>The item.</summary>
    public RealtimeItem Item { get; } = item;

    /// <summary>The item before it in the conversation.</summary>
    public string? PreviousItemId { get; } = previousItemId;

    /// <inheritdoc />
    public override string ToString() => $"ConversationItemDone {Item.Id} {Item.Type} {Item.Role}";
}
