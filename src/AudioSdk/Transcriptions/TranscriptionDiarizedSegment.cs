using System.Text.Json;
using System.Text.Json.Serialization;
using AudioSdk.Internal.Json;

namespace AudioSdk.Transcriptions;

/// <summary>A segment of a <c>diarized_json</c> transcript, labelled with its speaker.</summary>
/// <remarks>Fields it does not model (including <c>type</c>) are in <see cref="ServiceObject.AdditionalProperties"/>.</remarks>
public sealed class TranscriptionDiarizedSegment : ServiceObject
{
    /// <summary>The segment's id, such as <c>seg_001</c>.</summary>
    [JsonInclude]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Id { get; internal set; }

    /// <summary>When the segment starts.</summary>
    [JsonInclude]
    [JsonConverter(typeof(SecondsConverter))]
    public TimeSpan Start { get; internal set; }

    /// <summary>When the segment ends.</summary>
    [JsonInclude]
    [JsonConverter(typeof(SecondsConverter))]
    public TimeSpan End { get; internal set; }

    /// <summary>The segment's text.</summary>
    [JsonInclude]
    public string Text { get; internal set; } = string.Empty;

    /// <summary>The speaker: a name from the known speakers, or <c>A</c>, <c>B</c>, ... in order of appearance.</summary>
    [JsonInclude]
    public string Speaker { get; internal set; } = string.Empty;

    internal TranscriptionDiarizedSegment ShiftedBy(TimeSpan offset, string id) =>
        new() { Id = id, Start = Start + offset, End = End + offset, Text = Text, Speaker = Speaker, ExtensionData = ExtensionData };
}
