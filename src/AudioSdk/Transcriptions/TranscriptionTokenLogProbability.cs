using System.Text.Json.Serialization;

namespace AudioSdk.Transcriptions;

/// <summary>A token of the transcript with its log probability (<c>include[]=logprobs</c>).</summary>
public sealed class TranscriptionTokenLogProbability
{
    /// <summary>The token.</summary>
    [JsonInclude]
    public string Token { get; internal set; } = string.Empty;

    /// <summary>The token's log probability.</summary>
    [JsonInclude]
    [JsonPropertyName("logprob")]
    public double LogProbability { get; internal set; }

    /// <summary>The token's UTF-8 bytes; entries that are not whole numbers from 0 to 255 are left out.</summary>
    [JsonInclude]
    [JsonConverter(typeof(AudioSdk.Internal.Json.TokenBytesConverter))]
    public IReadOnlyList<int> Bytes { get; internal set; } = [];
}
