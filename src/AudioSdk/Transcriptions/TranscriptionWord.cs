using System.Text.Json;
using System.Text.Json.Serialization;
using AudioSdk.Internal.Json;

namespace AudioSdk.Transcriptions;

/// <summary>A word of a <c>verbose_json</c> transcript with its timestamps.</summary>
public sealed class TranscriptionWord
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

    /// <summary>Fields the service sent that this type does not model (some servers add a probability).</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, JsonElement> AdditionalProperties => ExtensionData ?? JsonDefaults.EmptyProperties;

    internal TranscriptionWord ShiftedBy(TimeSpan offset) => new() { Word = Word, Start = Start + offset, End = End + offset, ExtensionData = ExtensionData };

    [JsonInclude]
    [JsonExtensionData]
    internal Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
