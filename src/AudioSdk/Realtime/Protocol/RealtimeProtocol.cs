using System.Globalization;
using System.Text;
using System.Text.Json;
using AudioSdk.Internal.Json;
using AudioSdk.Transcriptions;

namespace AudioSdk.Realtime.Protocol;

/// <summary>
/// A dialect's wire format, without a socket: writes client events into a buffer and reads server events from
/// UTF-8 bytes. The only place that knows wire names (event types, error codes, id formats); pure, so it is tested
/// without a network. Reading never throws: what does not fit becomes an event with the field missing, or an
/// <see cref="UnknownMessage"/>.
/// </summary>
internal abstract partial class RealtimeProtocol
{
    /// <summary>The first field left out of the message being read (for the Debug log); reset per message.</summary>
    [ThreadStatic]
    private static string? t_fieldProblem;

    /// <summary>The last item id read on the fast path: an utterance's deltas share one string instead of one each.</summary>
    private string? _lastItemId;

    /// <summary>The query that selects this dialect (and model) on <c>/v1/realtime</c>.</summary>
    public abstract string Query(RealtimeSessionOptions options);

    public abstract void WriteSessionUpdate(Utf8JsonWriter writer, RealtimeSessionOptions options, int eventId);

    /// <summary>One client command, written with its event id.</summary>
    public void Write(Utf8JsonWriter writer, ClientCommand command, RealtimeSessionOptions options, ReadOnlySpan<byte> audio, int eventId,
        ConversationCommand? payload = null)
    {
        switch (command)
        {
            case ClientCommand.Configure:
                WriteSessionUpdate(writer, options, eventId);
                break;
            case ClientCommand.Append:
                WriteAppend(writer, audio, eventId);
                break;
            case ClientCommand.StartTurn:
                WriteCommit(writer, final: false, eventId);
                break;
            case ClientCommand.Commit:
                WriteCommit(writer, final: true, eventId);
                break;
            case ClientCommand.Clear:
                WriteClear(writer, eventId);
                break;
            case ClientCommand.Conversation when payload is not null:
                WriteConversation(writer, payload, eventId);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(command));
        }
    }

    /// <summary>An <c>input_audio_buffer.append</c> with the PCM16 bytes base64-encoded straight into the buffer.</summary>
    public void WriteAppend(Utf8JsonWriter writer, ReadOnlySpan<byte> pcm16, int eventId)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "input_audio_buffer.append"u8);
        WriteEventId(writer, eventId);
        writer.WriteBase64String("audio"u8, pcm16);
        writer.WriteEndObject();
    }

    /// <summary>A conversation dialect command; other dialects have none.</summary>
    protected virtual void WriteConversation(Utf8JsonWriter writer, ConversationCommand command, int eventId) =>
        throw new InvalidOperationException("This dialect has no conversation commands.");

    /// <summary>A message read on a dialect's own fast path before the general reader (conversation audio deltas); false to go
    /// on.</summary>
    protected virtual bool TryReadFast(ReadOnlySpan<byte> utf8, out RealtimeEvent? evt)
    {
        evt = null;
        return false;
    }

    /// <summary>A commit: the end of an utterance (<c>final: true</c> in the native dialect), or the native start of one.</summary>
    public abstract void WriteCommit(Utf8JsonWriter writer, bool final, int eventId);

    public void WriteClear(Utf8JsonWriter writer, int eventId)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "input_audio_buffer.clear"u8);
        WriteEventId(writer, eventId);
        writer.WriteEndObject();
    }

    /// <summary>The id the codec writes for a client event number, as a server echoes it in errors.</summary>
    public static string EventId(int eventId) => "evt_" + eventId.ToString(CultureInfo.InvariantCulture);

    /// <summary>A <see cref="SessionCreated"/> made up when a server's first message is something else.</summary>
    public static SessionCreated SynthesizedSessionCreated() => new(null, "session.created", default);

    /// <summary>A <see cref="SessionUpdated"/> made up when the dialect has no acknowledgement.</summary>
    public static SessionUpdated SynthesizedSessionUpdated() => new("session.updated", default);

    /// <summary>The error the OpenAI dialect's server gives for a commit with no audio, raised by the SDK where a dialect has
    /// none.</summary>
    public static ServerError EmptyCommitError() =>
        new("invalid_request_error", "input_audio_buffer_commit_empty", "There is no audio to commit in this utterance.", null, null,
            default);

    /// <summary>Reads one server message. Returns <see langword="null"/> for messages that are dropped (native empty deltas).</summary>
    /// <param name="utf8">The message.</param>
    /// <param name="currentItemId">The SDK's item id for the utterance under way (native dialect).</param>
    public RealtimeEvent? Parse(ReadOnlySpan<byte> utf8, string? currentItemId) => Parse(utf8, currentItemId, out _);

    /// <summary>Reads one server message; <paramref name="problem"/> says why it became an <see cref="UnknownMessage"/> when it
    /// did.</summary>
    public RealtimeEvent? Parse(ReadOnlySpan<byte> utf8, string? currentItemId, out string? problem)
    {
        problem = null;
        if (TryReadFast(utf8, out var fast))
        {
            return fast;
        }

        if (TryReadDelta(utf8, currentItemId, out var delta))
        {
            return delta;
        }

        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(utf8.ToArray());
            root = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            problem = "not JSON: " + ex.Message;
            return new UnknownMessage("(not json)", default, Encoding.UTF8.GetString(utf8));
        }

        if (root.ValueKind != JsonValueKind.Object || String(root, "type") is not { } type)
        {
            problem = "no string 'type'";
            return new UnknownMessage("(no type)", root, RawText(root, utf8));
        }

        try
        {
            t_fieldProblem = null;
            var evt = Read(type, root, currentItemId);
            if (evt is null && !IsDropped(type))
            {
                problem = "an event type the SDK does not model";
                return new UnknownMessage(type, root, RawText(root, utf8));
            }

            problem = t_fieldProblem;
            return evt;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException or ArgumentException or JsonException or NotSupportedException)
        {
            problem = $"unreadable {type}: {ex.GetType().Name}";
            return new UnknownMessage(type, root, RawText(root, utf8));
        }
    }

    /// <summary>The message's text for an <see cref="UnknownMessage"/>; invalid UTF-8 inside it becomes replacement characters.</summary>
    private static string RawText(JsonElement root, ReadOnlySpan<byte> utf8)
    {
        try
        {
            return root.GetRawText();
        }
        catch (InvalidOperationException)
        {
            return Encoding.UTF8.GetString(utf8);
        }
    }

    /// <summary>Whether the server's error is about the session configuration (for example an unknown model).</summary>
    public virtual bool IsConfigurationError(ServerError error) => false;

    /// <summary>Writes <c>event_id</c> as <c>evt_N</c> without allocating.</summary>
    protected static void WriteEventId(Utf8JsonWriter writer, int eventId)
    {
        Span<char> chars = stackalloc char[16];
        "evt_".CopyTo(chars);
        eventId.TryFormat(chars[4..], out var written, default, CultureInfo.InvariantCulture);
        writer.WriteString("event_id"u8, chars[..(4 + written)]);
    }

    /// <summary>The dialect's delta <c>type</c>, read on the fast path.</summary>
    protected abstract ReadOnlySpan<byte> DeltaType { get; }

    /// <summary>A delta from its fields (the fast path); <see langword="null"/> drops it.</summary>
    protected abstract RealtimeEvent? CreateDelta(string? itemId, string? delta, int? contentIndex, string? currentItemId, byte[] raw);

    protected abstract RealtimeEvent? Read(string type, JsonElement root, string? currentItemId);

    protected virtual bool IsDropped(string type) => false;
}
