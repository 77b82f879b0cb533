using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>Server VAD heard speech end (<c>input_audio_buffer.speech_stopped</c>).</summary>
/// <param name="itemId">The item.</param>
/// <param name="audioEndMs">Where, in milliseconds of session audio.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class SpeechStopped(string? itemId, int audioEndMs, JsonElement raw) : RealtimeEvent("input_audio_buffer.speech_stopped", raw)
{
    /// <summary>The item.</summary>
    public string? ItemId { get; internal set; } = itemId;

    /// <summary>Where speech ended, in milliseconds of session audio.</summary>
    public int AudioEndMs { get; } = audioEndMs;
}
