using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>An output item of a response is final (<c>response.output_item.done</c>; conversation dialect), also when the response was cut
/// short.</summary>
/// <param name="responseId">The response.</param>
/// <param name="outputIndex">The item's place in the response's output.</param>
/// <param name="item">The item.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class OutputItemDone(string? responseId, int outputIndex, RealtimeItem item,
    JsonElement raw) : RealtimeEvent("response.output_item.done", raw)
{
    /// <summary>The response.</summary>
    public string? ResponseId { get; } = responseId;

    /// <summary>The item's place in the response's output.</summary>
    public int OutputIndex { get; } = outputIndex;

    /// <summary>The item.</summary>
    public RealtimeItem Item { get; } = item;

    /// <inheritdoc />
    public override string ToString() => $"OutputItemDone {ResponseId} {OutputIndex} {Item.Id} {Item.Type}";
}
