using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>The server cut an assistant item's audio where playback stopped (<c>conversation.item.truncated</c>, conversation dialect); its
/// text transcript is gone.</summary>
/// <param name="itemId">The item.</param>
/// <param name="contentIndex">The content part.</param>
/// <param name="audioEndMs">Where the audio now ends, in milliseconds.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class ConversationItemTruncated(string? itemId, int contentIndex, int audioEndMs,
    JsonElement raw) : RealtimeEvent("conversation.item.truncated", raw)
{
    /// <summary>The item.</summary>
    public string? ItemId { get; } = itemId;

    /// <summary>The content part.</summary>
    public int ContentIndex { get; } = contentIndex;

    /// <summary>Where the audio now ends, in milliseconds.</summary>
    public int AudioEndMs { get; } = audioEndMs;

    /// <inheritdoc />
    public override string ToString() => $"ConversationItemTruncated {ItemId} {ContentIndex}";
}
