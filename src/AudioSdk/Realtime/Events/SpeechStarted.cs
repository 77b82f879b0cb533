using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>Server VAD heard speech begin (<c>input_audio_buffer.speech_started</c>).</summary>
/// <param name="itemId">The item the speech will become.</param>
/// <param name="audioStartMs">Where, in milliseconds from the start of the session's audio (prefix padding included).</param>
/// <param name="raw">The JSON as received.</param>
public sealed class SpeechStarted(string? itemId, int audioStartMs, JsonElement raw) : RealtimeEvent("input_audio_buffer.speech_started",
    raw)
{
    /// <summary>The item the speech will become.</summary>
    public string? ItemId { get; internal set; } = itemId;

    /// <summary>Where speech began, in milliseconds of session audio.</summary>
    public int AudioStartMs { get; } = audioStartMs;
}
