using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>An utterance could not be transcribed (<c>...input_audio_transcription.failed</c>).</summary>
/// <param name="itemId">The utterance's item id.</param>
/// <param name="errorType">The error type.</param>
/// <param name="code">The error code.</param>
/// <param name="message">The message.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class TranscriptFailed(string? itemId, string? errorType, string? code, string? message, JsonElement raw)
    : RealtimeEvent("conversation.item.input_audio_transcription.failed", raw)
{
    /// <summary>The utterance's item id.</summary>
    public string? ItemId { get; internal set; } = itemId;

    /// <summary>The error type.</summary>
    public string? ErrorType { get; } = errorType;

    /// <summary>The error code.</summary>
    public string? Code { get; } = code;

    /// <summary>The message.</summary>
    public string? Message { get; } = message;
}
