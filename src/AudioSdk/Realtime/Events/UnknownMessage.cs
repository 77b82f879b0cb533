using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>A message the SDK does not model (or one that is not JSON), kept whole.</summary>
/// <param name="eventType">Its <c>type</c>, or <c>(not json)</c>.</param>
/// <param name="raw">The JSON, when it was JSON.</param>
/// <param name="rawText">The message text.</param>
public sealed class UnknownMessage(string eventType, JsonElement raw, string rawText) : RealtimeEvent(eventType, raw)
{
    /// <summary>The message text as received.</summary>
    public string RawText { get; } = rawText;
}
