using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>
/// An event of a realtime session, the same whichever dialect the server speaks. Switch on the subtype;
/// <see cref="UnknownEvent"/> carries anything the SDK does not model.
/// </summary>
public abstract class RealtimeEvent
{
    /// <summary>Creates an event.</summary>
    /// <param name="eventType">The wire <c>type</c>, or the SDK's name for an event it synthesized.</param>
    /// <param name="raw">The event's JSON as received; <see langword="default"/> when the SDK synthesized it.</param>
    protected RealtimeEvent(string eventType, JsonElement raw)
    {
        EventType = eventType ?? throw new ArgumentNullException(nameof(eventType));
        Raw = raw;
    }

    /// <summary>The wire <c>type</c> (for example <c>conversation.item.input_audio_transcription.delta</c>), or the SDK's name for a synthesized event.</summary>
    public string EventType { get; }

    /// <summary>The JSON as received; <see cref="JsonValueKind.Undefined"/> for events the SDK synthesized (native dialect).</summary>
    public JsonElement Raw { get; }

    /// <summary>True when the SDK made this event up because the dialect has no such event (native Committed, SessionUpdated).</summary>
    public bool IsSynthesized => Raw.ValueKind == JsonValueKind.Undefined;

    /// <inheritdoc />
    public override string ToString() => GetType().Name;
}
