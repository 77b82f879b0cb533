using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>The assistant item's audio is complete (<c>response.output_audio.done</c>, conversation dialect); also sent when a response is
/// cut short.</summary>
/// <param name="responseId">The response it belongs to.</param>
/// <param name="itemId">The assistant item.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class OutputAudioDone(string? responseId, string? itemId, JsonElement raw) : RealtimeEvent("response.output_audio.done", raw)
{
    /// <summary>The response it belongs to.</summary>
    public string? ResponseId { get; } = responseId;

    /// <summary>The assistant item.</summary>
    public string? ItemId { get; } = itemId;

    /// <inheritdoc />
    public override string ToString() => $"OutputAudioDone {ResponseId} {ItemId}";
}
