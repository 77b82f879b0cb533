using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>The assistant's whole text answer for one item (<c>response.output_text.done</c>, conversation dialect).</summary>
/// <param name="responseId">The response it belongs to.</param>
/// <param name="itemId">The assistant item.</param>
/// <param name="text">The whole text.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class OutputTextDone(string? responseId, string? itemId, string text,
    JsonElement raw) : RealtimeEvent("response.output_text.done", raw)
{
    /// <summary>The response it belongs to.</summary>
    public string? ResponseId { get; } = responseId;

    /// <summary>The assistant item.</summary>
    public string? ItemId { get; } = itemId;

    /// <summary>The whole text.</summary>
    public string Text { get; } = text;

    /// <inheritdoc />
    public override string ToString() => $"OutputTextDone {ResponseId} {ItemId}";
}
