using System.Text.Json.Serialization;

namespace AudioSdk.Transcriptions;

/// <summary>How the input tokens of a transcription split into text and audio.</summary>
public sealed class TranscriptionInputTokenDetails
{
    /// <summary>Text tokens (the prompt).</summary>
    [JsonInclude]
    public int? TextTokens { get; internal set; }

    /// <summary>Audio tokens.</summary>
    [JsonInclude]
    public int? AudioTokens { get; internal set; }
}
