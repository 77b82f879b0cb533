using System.Text.Json;
using System.Text.Json.Serialization;
using AudioSdk.Internal.Json;

namespace AudioSdk.Transcriptions;

/// <summary>A segment of a <c>verbose_json</c> transcript or translation, with Whisper's decoding statistics.</summary>
public sealed class TranscriptionSegment : ServiceObject
{
    /// <summary>The segment's index.</summary>
    [JsonInclude]
    public int Id { get; internal set; }

    /// <summary>The seek offset of the segment, in frames.</summary>
    [JsonInclude]
    public int Seek { get; internal set; }

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

    /// <summary>The token ids of the text.</summary>
    [JsonInclude]
    public IReadOnlyList<int> Tokens { get; internal set; } = [];

    /// <summary>The sampling temperature used for this segment.</summary>
    [JsonInclude]
    public float Temperature { get; internal set; }

    /// <summary>The average token log probability; below -1 the decoding likely failed.</summary>
    [JsonInclude]
    [JsonPropertyName("avg_logprob")]
    public float AverageLogProbability { get; internal set; }

    /// <summary>The text's compression ratio; above 2.4 the decoding likely repeated itself.</summary>
    [JsonInclude]
    public float CompressionRatio { get; internal set; }

    /// <summary>The probability that the segment holds no speech.</summary>
    [JsonInclude]
    [JsonPropertyName("no_speech_prob")]
    public float NoSpeechProbability { get; internal set; }

    internal TranscriptionSegment ShiftedBy(TimeSpan offset, int id) => new()
    {
        Id = id,
        Seek = Seek + (int)Math.Round(offset.TotalSeconds * 100),
        Start = Start + offset,
        End = End + offset,
        Text = Text,
        Tokens = Tokens,
        Temperature = Temperature,
        AverageLogProbability = AverageLogProbability,
        CompressionRatio = CompressionRatio,
        NoSpeechProbability = NoSpeechProbability,
        ExtensionData = ExtensionData,
    };
}
