using System.Runtime.CompilerServices;
using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>
/// An event of a realtime session, the same whichever dialect the server speaks. Switch on the subtype;
/// <see cref="UnknownMessage"/> carries anything the SDK does not model.
/// </summary>
public abstract class RealtimeEvent
{
    private readonly JsonElement _raw;
    private readonly byte[]? _rawUtf8;
    private readonly bool _received;
    private StrongBox<JsonElement>? _parsed;

    /// <summary>Creates an event.</summary>
    /// <param name="eventType">The wire <c>type</c>, or the SDK's name for an event it synthesized.</param>
    /// <param name="raw">The event's JSON as received; <see langword="default"/> when the SDK synthesized it.</param>
    protected RealtimeEvent(string eventType, JsonElement raw)
    {
        EventType = eventType ?? throw new ArgumentNullException(nameof(eventType));
        _raw = raw;
    }

    /// <summary>
    /// An event received from the server whose JSON is not kept (large payloads such as audio): <see cref="Raw"/> is
    /// rebuilt from its fields by <see cref="BuildRaw"/> when read.
    /// </summary>
    private protected RealtimeEvent(string eventType)
    {
        EventType = eventType ?? throw new ArgumentNullException(nameof(eventType));
        _received = true;
    }

    /// <summary>An event whose JSON is kept as the bytes received and parsed only when <see cref="Raw"/> is read.</summary>
    private protected RealtimeEvent(string eventType, byte[] rawUtf8)
    {
        EventType = eventType ?? throw new ArgumentNullException(nameof(eventType));
        _rawUtf8 = rawUtf8;
    }

    /// <summary>The wire <c>type</c> (for example <c>conversation.item.input_audio_transcription.delta</c>), or the SDK's name for a
    /// synthesized event.</summary>
    public string EventType { get; }

    /// <summary>The JSON as received; <see cref="JsonValueKind.Undefined"/> for events the SDK synthesized (native dialect).</summary>
    public JsonElement Raw
    {
        get
        {
            if (_rawUtf8 is null && !_received)
            {
                return _raw;
            }

            if (Volatile.Read(ref _parsed) is not { } parsed)
            {
                var reader = new Utf8JsonReader(_rawUtf8 ?? BuildRaw());
                var fresh = new StrongBox<JsonElement>(JsonElement.ParseValue(ref reader));
                parsed = Interlocked.CompareExchange(ref _parsed, fresh, null) ?? fresh;
            }

            return parsed.Value;
        }
    }

    /// <summary>True when the SDK made this event up because the dialect has no such event (native Committed, SessionUpdated).</summary>
    public bool IsSynthesized => _raw.ValueKind == JsonValueKind.Undefined && _rawUtf8 is null && !_received;

    /// <summary>The JSON of an event received without keeping it, rebuilt from its fields.</summary>
    private protected virtual byte[] BuildRaw() => "{}"u8.ToArray();

    /// <inheritdoc />
    public override string ToString() => GetType().Name;
}
