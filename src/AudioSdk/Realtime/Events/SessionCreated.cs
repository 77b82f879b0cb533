using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>The server opened the session (<c>session.created</c>, or beta <c>transcription_session.created</c>).</summary>
/// <param name="sessionId">The session id, when the server gives one (<c>session.id</c>, or the native <c>id</c>).</param>
/// <param name="eventType">The wire type.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class SessionCreated(string? sessionId, string eventType, JsonElement raw) : RealtimeEvent(eventType, raw)
{
    /// <summary>The session id, when the server gives one.</summary>
    public string? SessionId { get; } = sessionId;
}
