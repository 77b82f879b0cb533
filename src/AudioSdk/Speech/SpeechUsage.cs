using System.Text.Json.Serialization;

namespace AudioSdk.Speech;

/// <summary>Token usage of a speech request, reported by <c>speech.audio.done</c>.</summary>
public sealed class SpeechUsage
{
    /// <summary>Input tokens.</summary>
    [JsonInclude]
    public int InputTokens { get; internal set; }

    /// <summary>Output tokens.</summary>
    [JsonInclude]
    public int OutputTokens { get; internal set; }

    /// <summary>Input plus output tokens.</summary>
    [JsonInclude]
    public int TotalTokens { get; internal set; }
}
