using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>The model started an output item of a response (<c>response.output_item.added</c>; conversation dialect): it arrives in
/// progress and empty.</summary>
/// <param name="responseId">The response.</param>
/// <param name="outputIndex">The item's place in the response's output.</param>
/// <param name="item">The item.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class OutputItemAdded(string? responseId, int outputIndex, RealtimeItem item,
    JsonElement raw) : RealtimeEvent("response.output_item.added", raw)
{
    /// <summary>The response.</summary>
    public string? ResponseId { get; } = responseId;

    /// <summary>The item's place in the response's output.</summary>
    public int OutputIndex { get; } = outputIndex;

    /// <summary>The item.</summary>
    public RealtimeItem Item { get; } = item;

    /// <inheritdoc />
    public override string ToString() => $"OutputItemAdded {ResponseId} {OutputIndex} {Item.Id} {Item.Type}";
}
