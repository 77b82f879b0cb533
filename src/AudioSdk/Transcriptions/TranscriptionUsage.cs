using System.Text.Json;
using System.Text.Json.Serialization;
using AudioSdk.Internal.Json;

namespace AudioSdk.Transcriptions;

/// <summary>What a transcription was billed for: tokens (<c>type: tokens</c>) or audio duration (<c>type: duration</c>).</summary>
public sealed class TranscriptionUsage : ServiceObject
{
    /// <summary><c>tokens</c> or <c>duration</c> (or a provider's own).</summary>
    [JsonInclude]
    public string? Type { get; internal set; }

    /// <summary>Input tokens billed, for token usage.</summary>
    [JsonInclude]
    public int? InputTokens { get; internal set; }

    /// <summary>Output tokens generated, for token usage.</summary>
    [JsonInclude]
    public int? OutputTokens { get; internal set; }

    /// <summary>Input plus output tokens, for token usage.</summary>
    [JsonInclude]
    public int? TotalTokens { get; internal set; }

    /// <summary>The text and audio split of the input tokens, when reported.</summary>
    [JsonInclude]
    public TranscriptionInputTokenDetails? InputTokenDetails { get; internal set; }

    /// <summary>The billed audio duration, for duration usage (<c>seconds</c>).</summary>
    [JsonInclude]
    [JsonPropertyName("seconds")]
    [JsonConverter(typeof(NullableSecondsConverter))]
    public TimeSpan? Duration { get; internal set; }
}
