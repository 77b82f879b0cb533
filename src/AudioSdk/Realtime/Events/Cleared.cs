using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>The input buffer was cleared (<c>input_audio_buffer.cleared</c>).</summary>
/// <param name="raw">The JSON as received.</param>
public sealed class Cleared(JsonElement raw) : RealtimeEvent("input_audio_buffer.cleared", raw)
{
}
