using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>The configuration took effect (<c>session.updated</c>, beta <c>transcription_session.updated</c>; synthesized for the native
/// dialect).</summary>
/// <param name="eventType">The wire type.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class SessionUpdated(string eventType, JsonElement raw) : RealtimeEvent(eventType, raw)
{
}
