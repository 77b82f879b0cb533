using System.Text.Json;
using System.Text.Json.Serialization;
using AudioSdk.Internal.Json;

namespace AudioSdk.Transcriptions;

/// <summary>A word of a <c>verbose_json</c> transcript with its timestamps.</summary>
/// <remarks>Fields it does not model (a probability, from some servers) are in <see cref="ServiceObject.AdditionalProperties"/>.</remarks>
public sealed class TranscriptionWord : ServiceObject
{
    /// <summary>The word.</summary>
    [JsonInclude]
    public string Word { get; internal set; } = string.Empty;

    /// <summary>When the word starts.</summary>
    [JsonInclude]
    [JsonConverter(typeof(SecondsConverter))]
    public TimeSpan Start { get; internal set; }

    /// <summary>When the word ends.</summary>
    [JsonInclude]
    [JsonConverter(typeof(SecondsConverter))]
    public TimeSpan End { get; internal set; }

    internal TranscriptionWord ShiftedBy(TimeSpan offset) =>
        new() { Word = Word, Start = Start + offset, End = End + offset, ExtensionData = ExtensionData };
}
