using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>The model started a content part of an output item (<c>response.content_part.added</c>; conversation dialect): empty so
/// far.</summary>
/// <param name="responseId">The response.</param>
/// <param name="itemId">The output item.</param>
/// <param name="outputIndex">The item's place in the response's output.</param>
/// <param name="contentIndex">The part's place in the item's content.</param>
/// <param name="partType">The part's type as sent: <c>audio</c> or <c>text</c> (some servers say <c>output_audio</c>,
/// <c>output_text</c>).</param>
/// <param name="text">The part's text, or its audio's transcript (empty when added).</param>
/// <param name="raw">The JSON as received.</param>
public sealed class ContentPartAdded(string? responseId, string? itemId, int outputIndex, int contentIndex, string? partType, string text,
    JsonElement raw) : RealtimeEvent("response.content_part.added", raw)
{
    /// <summary>The response.</summary>
    public string? ResponseId { get; } = responseId;

    /// <summary>The output item.</summary>
    public string? ItemId { get; } = itemId;

    /// <summary>The item's place in the response's output.</summary>
    public int OutputIndex { get; } = outputIndex;

    /// <summary>The part's place in the item's content.</summary>
    public int ContentIndex { get; } = contentIndex;

    /// <summary>The part's type as sent: <c>audio</c> or <c>text</c> (some servers say <c>output_audio</c>, <c>output_text</c>).</summary>
    public string? PartType { get; } = partType;

    /// <summary>The part's text, or its audio's transcript.</summary>
    public string Text { get; } = text;

    /// <inheritdoc />
    public override string ToString() => $"ContentPartAdded {ItemId} {ContentIndex} {PartType}";
}
