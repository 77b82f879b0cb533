using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using static AudioSdk.Testing.Internal.ConversationConfig;

namespace AudioSdk.Testing.Internal.Endpoints;

/// <summary>
/// OpenAI's conversational realtime dialect (GA <c>type:"realtime"</c>), written from the wire reference: session
/// configuration, user audio and text, responses with a real PCM tone per sentence and its transcript (or text), function
/// calls from a scripted list, server VAD turns with automatic responses and barge-in, cancellation, truncation,
/// retrieval and deletion. One response at a time writes to the conversation, streamed in the background so a client can
/// cancel or barge in; out-of-band responses (<c>conversation:"none"</c>) may run beside it.
/// </summary>
internal sealed partial class ConversationRealtimeEndpoint(
    WebSocket socket,
    ReceivedRealtimeSession record,
    AudioTestServerOptions options,
    Func<string?, RealtimeScriptedAction?> takeScript,
    Func<ConversationReply?> takeReply,
    CancellationToken aborted)
    : RealtimeEndpoint(socket, record, options, takeScript, aborted)
{
    /// <summary>The largest decoded audio of one append (the reference's 15 MiB).</summary>
    private const int MaxAppendBytes = 15 * 1024 * 1024;

    /// <summary>The most audio the input buffer holds: 10 minutes.</summary>
    private const int MaxBufferBytes = Rate * 2 * 600;

    /// <summary>With server VAD, the most audio kept while nobody speaks: 10 s.</summary>
    private const int MaxIdleBufferBytes = Rate * 2 * 10;

    /// <summary>The conversation keeps at most this many items and bytes; the oldest go first (as <c>truncation:"auto"</c>).</summary>
    private const int MaxItems = 1000;

    private const long MaxStoredBytes = 64L * 1024 * 1024;

    private readonly Func<ConversationReply?> _takeReply = takeReply;
    private readonly object _gate = new();
    private readonly List<Item> _items = [];
    private readonly Dictionary<string, Active> _running = new(StringComparer.Ordinal);
    private JsonObject _session = null!;
    private ServerVad? _vad;
    private static int s_counter;
    private long _storedBytes;
    private string? _speechItem;
    private Active? _active;
    private Task _previousResponse = Task.CompletedTask;
    private volatile bool _audioProduced;

    protected override Task GreetAsync()
    {
        Record.SampleRate = Rate;
        var model = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Record.Query).TryGetValue("model", out var m)
            && m.Count > 0 ? m[0]! : "gpt-realtime";
        _session = Default(model, Options.TimeProvider.GetUtcNow().AddMinutes(60).ToUnixTimeSeconds());
        _vad = VadOf(_session);
        return SendEventAsync(new JsonObject { ["type"] = "session.created", ["session"] = _session.DeepClone() });
    }

    protected override async Task<bool> HandleMalformedAsync()
    {
        await ErrorAsync("invalid_json", "The message is not valid JSON.", null).ConfigureAwait(false);
        return true;
    }

    protected override async Task HandleAsync(string? type, JsonObject msg)
    {
        var eventId = Text(msg["event_id"]);
        switch (type)
        {
            case "session.update":
                await SessionUpdateAsync(msg["session"] as JsonObject, eventId).ConfigureAwait(false);
                break;
            case "input_audio_buffer.append":
                await AppendAsync(msg, eventId).ConfigureAwait(false);
                break;
            case "input_audio_buffer.commit":
                if (Buffer.Length < Rate / 10 * 2)
                {
                    await ErrorAsync("input_audio_buffer_commit_empty",
                        string.Create(CultureInfo.InvariantCulture,
                        $"Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has {Buffer.Length / 48.0:0.00}ms of audio."), eventId).ConfigureAwait(false);
                    break;
                }

                await CommitAsync(NextId("item")).ConfigureAwait(false);
                break;
            case "input_audio_buffer.clear":
                Buffer.SetLength(0);
                await SendEventAsync(new JsonObject { ["type"] = "input_audio_buffer.cleared" }).ConfigureAwait(false);
                break;
            case "conversation.item.create":
                await CreateItemAsync(msg, eventId).ConfigureAwait(false);
                break;
            case "conversation.item.retrieve":
                await RetrieveAsync(Text(msg["item_id"]), eventId).ConfigureAwait(false);
                break;
            case "conversation.item.delete":
                await DeleteAsync(Text(msg["item_id"]), eventId).ConfigureAwait(false);
                break;
            case "conversation.item.truncate":
                await TruncateAsync(msg, eventId).ConfigureAwait(false);
                break;
            case "response.create":
                if (msg["response"] is { } r && r.GetValueKind() != JsonValueKind.Null && r is not JsonObject)
                {
                    await ErrorAsync("invalid_value", "Invalid value for 'response'.", eventId, "response").ConfigureAwait(false);
                    break;
                }

                await CreateResponseAsync(msg["response"] as JsonObject, eventId, automatic: false).ConfigureAwait(false);
                break;
            case "response.cancel":
                if (!Cancel(Text(msg["response_id"]), "client_cancelled"))
                {
                    await ErrorAsync("response_cancel_not_active", "Cancellation failed: no active response found",
                        eventId).ConfigureAwait(false);
                }

                break;
            default:
                await ErrorAsync("invalid_value",
                    $"Invalid value: '{type}'. Supported values are the conversation session's client events.", eventId,
                    "type").ConfigureAwait(false);
                break;
        }
    }

    private async Task SessionUpdateAsync(JsonObject? update, string? eventId)
    {
        if (ValidateSession(update, _session, _audioProduced) is { } error)
        {
            await ErrorAsync(error.Code, error.Message, eventId, error.Param).ConfigureAwait(false);
            return;
        }

        var turnsBefore = TurnDetection?.ToJsonString();
        Merge(_session, update!);
        if (TurnDetection?.ToJsonString() != turnsBefore)
        {
            _vad = VadOf(_session);
        }

        await SendEventAsync(new JsonObject { ["type"] = "session.updated", ["session"] = _session.DeepClone() }).ConfigureAwait(false);
    }

    /// <summary>A new id, unique across the server's connections as a real server's are (a resumed conversation keeps its ids).</summary>
    private static string NextId(string prefix) =>
        prefix + "_" + Interlocked.Increment(ref s_counter).ToString("D3", CultureInfo.InvariantCulture);

    private Task ErrorAsync(string code, string message, string? eventId, string? param = null, string type = "invalid_request_error") =>
        SendEventAsync(new JsonObject { ["type"] = "error",
            ["error"] = new JsonObject { ["type"] = type, ["code"] = code, ["message"] = message, ["param"] = param,
            ["event_id"] = eventId } });
}
