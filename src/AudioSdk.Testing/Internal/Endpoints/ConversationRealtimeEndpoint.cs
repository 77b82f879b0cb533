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
internal sealed class ConversationRealtimeEndpoint(
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

    private readonly object _gate = new();
    private readonly List<Item> _items = [];
    private readonly Dictionary<string, Active> _running = new(StringComparer.Ordinal);
    private JsonObject _session = null!;
    private ServerVad? _vad;
    private int _counter;
    private long _storedBytes;
    private string? _speechItem;
    private Active? _active;
    private Task _previousResponse = Task.CompletedTask;
    private volatile bool _audioProduced;

    protected override Task GreetAsync()
    {
        Record.SampleRate = Rate;
        var model = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Record.Query).TryGetValue("model", out var m) && m.Count > 0 ? m[0]! : "gpt-realtime";
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
                    await ErrorAsync("input_audio_buffer_commit_empty", string.Create(CultureInfo.InvariantCulture, $"Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has {Buffer.Length / 48.0:0.00}ms of audio."), eventId).ConfigureAwait(false);
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
                    await ErrorAsync("response_cancel_not_active", "Cancellation failed: no active response found", eventId).ConfigureAwait(false);
                }

                break;
            default:
                await ErrorAsync("invalid_value", $"Invalid value: '{type}'. Supported values are the conversation session's client events.", eventId, "type").ConfigureAwait(false);
                break;
        }
    }

    private static ServerVad? VadOf(JsonObject session) =>
        session["audio"]?["input"]?["turn_detection"] is JsonObject vad && Text(vad["type"]) is "server_vad" or "semantic_vad"
            ? new ServerVad(Rate, Text(vad["type"]) == "semantic_vad" ? 500 : (int?)Number(vad["silence_duration_ms"]) ?? 200, (int?)Number(vad["prefix_padding_ms"]) ?? 300)
            : null;

    private JsonNode? TurnDetection => _session["audio"]?["input"]?["turn_detection"];

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

    private async Task AppendAsync(JsonObject msg, string? eventId)
    {
        if (Base64(msg) is not { } audio)
        {
            await ErrorAsync("invalid_value", "The audio is not valid base64.", eventId, "audio").ConfigureAwait(false);
            return;
        }

        if (audio.Length > MaxAppendBytes)
        {
            await ErrorAsync("invalid_value", "An append carries at most 15 MiB of audio.", eventId, "audio").ConfigureAwait(false);
            return;
        }

        if (_vad is { Speaking: false } && Buffer.Length + audio.Length > MaxIdleBufferBytes)
        {
            // Nobody is speaking: keep only the latest audio, whole samples.
            var keep = (int)Math.Max(0, MaxIdleBufferBytes - audio.Length) & ~1;
            var tail = Buffer.GetBuffer().AsSpan((int)Buffer.Length - Math.Min(keep, (int)Buffer.Length & ~1)).ToArray();
            Buffer.SetLength(0);
            Buffer.Write(tail);
        }

        if (Buffer.Length + audio.Length > MaxBufferBytes)
        {
            await ErrorAsync("input_audio_buffer_full", "The input audio buffer holds at most 10 minutes of audio; commit or clear it.", eventId, "audio").ConfigureAwait(false);
            return;
        }

        Buffer.Write(audio);
        await VadAsync(audio).ConfigureAwait(false);
    }

    private async Task VadAsync(byte[] audio)
    {
        if (_vad is null)
        {
            return;
        }

        foreach (var (started, ms) in _vad.Feed(audio))
        {
            if (started)
            {
                _speechItem = NextId("item");
                await SendEventAsync(new JsonObject { ["type"] = "input_audio_buffer.speech_started", ["item_id"] = _speechItem, ["audio_start_ms"] = ms }).ConfigureAwait(false);
                if (Flag(TurnDetection, "interrupt_response"))
                {
                    Cancel(null, "turn_detected");
                }
            }
            else
            {
                var itemId = _speechItem ?? NextId("item");
                _speechItem = null;
                await SendEventAsync(new JsonObject { ["type"] = "input_audio_buffer.speech_stopped", ["item_id"] = itemId, ["audio_end_ms"] = ms }).ConfigureAwait(false);
                if (Buffer.Length == 0)
                {
                    continue;
                }

                await CommitAsync(itemId).ConfigureAwait(false);
                if (Flag(TurnDetection, "create_response"))
                {
                    await CreateResponseAsync(null, null, automatic: true).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task CommitAsync(string itemId)
    {
        var heard = Transcribe(itemId, Rate);
        var item = new Item(itemId, "message", "user")
        {
            Heard = heard,
            Audio = heard.Bytes,
            Json = new JsonObject { ["id"] = itemId, ["object"] = "realtime.item", ["type"] = "message", ["status"] = "completed", ["role"] = "user", ["content"] = new JsonArray(new JsonObject { ["type"] = "input_audio", ["transcript"] = null }) },
        };
        var previous = Insert(item, null);
        await SendEventAsync(new JsonObject { ["type"] = "input_audio_buffer.committed", ["item_id"] = itemId, ["previous_item_id"] = previous }).ConfigureAwait(false);
        await ItemAddedAndDoneAsync(item, previous).ConfigureAwait(false);
        await InputTranscriptionAsync(item).ConfigureAwait(false);
    }

    /// <summary>With <c>audio.input.transcription</c> set: a delta and the completed transcript ("Heard D seconds at F Hz.").</summary>
    private async Task InputTranscriptionAsync(Item item)
    {
        if (_session["audio"]?["input"]?["transcription"] is not JsonObject || item.Heard is not { } heard)
        {
            return;
        }

        await SendEventAsync(new JsonObject { ["type"] = "conversation.item.input_audio_transcription.delta", ["item_id"] = item.Id, ["content_index"] = 0, ["delta"] = heard.Transcript }).ConfigureAwait(false);
        await SendEventAsync(new JsonObject
        {
            ["type"] = "conversation.item.input_audio_transcription.completed",
            ["item_id"] = item.Id,
            ["content_index"] = 0,
            ["transcript"] = heard.Transcript,
            ["usage"] = new JsonObject { ["type"] = "duration", ["seconds"] = Math.Round(heard.Duration.TotalSeconds, 3) },
        }).ConfigureAwait(false);
    }

    private async Task CreateItemAsync(JsonObject msg, string? eventId)
    {
        if (msg["item"] is not JsonObject input)
        {
            await ErrorAsync("missing_required_parameter", "Missing required parameter: 'item'.", eventId, "item").ConfigureAwait(false);
            return;
        }

        var previousId = Text(msg["previous_item_id"]);
        var id = Text(input["id"]) ?? NextId("item");
        lock (_gate)
        {
            if (previousId is not null and not "root" && IndexOf(previousId) < 0)
            {
                id = null;
            }
            else if (IndexOf(id) >= 0)
            {
                id = string.Empty;
            }
        }

        if (id is null)
        {
            await ErrorAsync("item_not_found", $"Item with item_id '{previousId}' not found.", eventId, "previous_item_id").ConfigureAwait(false);
            return;
        }

        if (id.Length == 0)
        {
            await ErrorAsync("invalid_value", $"Item with id '{Text(input["id"])}' already exists.", eventId, "item.id").ConfigureAwait(false);
            return;
        }

        var (item, error) = ItemOf(id, input);
        if (error is not null)
        {
            await ErrorAsync(error.Code, error.Message, eventId, error.Param).ConfigureAwait(false);
            return;
        }

        if (item!.Type == "function_call_output")
        {
            Record.FunctionOutputs.Enqueue(new ReceivedFunctionOutput(item.CallId!, item.Said!));
        }

        var previous = Insert(item, previousId);
        await ItemAddedAndDoneAsync(item, previous).ConfigureAwait(false);
        await InputTranscriptionAsync(item).ConfigureAwait(false);
    }

    /// <summary>An item the client created, checked as the reference describes.</summary>
    private (Item? Item, ConfigError? Error) ItemOf(string id, JsonObject input)
    {
        var json = (JsonObject)input.DeepClone();
        json["id"] = id;
        json["object"] = "realtime.item";
        json["status"] = "completed";
        switch (Text(input["type"]))
        {
            case "message":
                var role = Text(input["role"]);
                if (role is not ("user" or "system" or "assistant"))
                {
                    return (null, new("invalid_value", "Invalid 'item.role': use 'user', 'system' or 'assistant'.", "item.role"));
                }

                if (input["content"] is not JsonArray { Count: > 0 } parts)
                {
                    return (null, new("missing_required_parameter", "Missing required parameter: 'item.content'.", "item.content"));
                }

                var item = new Item(id, "message", role) { Json = json };
                var texts = new List<string>();
                for (var i = 0; i < parts.Count; i++)
                {
                    var type = Text(parts[i]?["type"]);
                    var allowed = role switch
                    {
                        "user" => type is "input_text" or "input_audio" or "input_image",
                        "system" => type is "input_text",
                        _ => type is "output_text" or "output_audio",
                    };
                    if (!allowed)
                    {
                        return (null, new("invalid_value", $"Invalid 'item.content[{i}].type' for a {role} message.", $"item.content[{i}].type"));
                    }

                    if (type is "input_text" or "output_text" or "output_audio" && Text(parts[i]?["text"]) is null)
                    {
                        // An assistant output_audio part cannot be replayed: the server wants its transcript as text.
                        return (null, new("missing_required_parameter", $"Missing required parameter: 'item.content[{i}].text'.", $"item.content[{i}].text"));
                    }

                    if (type is "input_text" or "output_text")
                    {
                        texts.Add(Text(parts[i]!["text"])!);
                    }
                    else if (type == "input_audio")
                    {
                        byte[]? audio;
                        try
                        {
                            audio = Convert.FromBase64String(Text(parts[i]?["audio"]) ?? string.Empty);
                        }
                        catch (FormatException)
                        {
                            audio = null;
                        }

                        if (audio is null or { Length: 0 } || audio.Length > MaxAppendBytes)
                        {
                            return (null, new("invalid_value", $"Invalid 'item.content[{i}].audio': base64 PCM16 at 24 kHz, at most 15 MiB.", $"item.content[{i}].audio"));
                        }

                        item.Audio = audio;
                        ((JsonObject)json["content"]![i]!).Remove("audio");
                        json["content"]![i]!["transcript"] ??= null;
                    }
                    else if (type == "input_image" && Text(parts[i]?["image_url"]) is null)
                    {
                        return (null, new("missing_required_parameter", $"Missing required parameter: 'item.content[{i}].image_url'.", $"item.content[{i}].image_url"));
                    }
                }

                if (item.Audio is { } bytes)
                {
                    // Heard as an appended turn would be, without disturbing audio appended but not yet committed.
                    var pending = Buffer.ToArray();
                    Buffer.SetLength(0);
                    Buffer.Write(bytes);
                    item.Heard = Transcribe(id, Rate);
                    Buffer.Write(pending);
                }

                item.Said = texts.Count > 0 ? string.Join(" ", texts) : null;
                return (item, null);
            case "function_call":
                foreach (var field in new[] { "call_id", "name", "arguments" })
                {
                    if (Text(input[field]) is null)
                    {
                        return (null, new("missing_required_parameter", $"Missing required parameter: 'item.{field}'.", $"item.{field}"));
                    }
                }

                return (new Item(id, "function_call", null) { Json = json, CallId = Text(input["call_id"]) }, null);
            case "function_call_output":
                var callId = Text(input["call_id"]);
                if (callId is null || Text(input["output"]) is not { } output)
                {
                    return (null, new("missing_required_parameter", $"Missing required parameter: 'item.{(callId is null ? "call_id" : "output")}'.", callId is null ? "item.call_id" : "item.output"));
                }

                bool known;
                lock (_gate)
                {
                    known = _items.Exists(i => i.Type == "function_call" && i.CallId == callId);
                }

                return known
                    ? (new Item(id, "function_call_output", null) { Json = json, CallId = callId, Said = output }, null)
                    : (null, new("invalid_value", $"No function call with call_id '{callId}' found.", "item.call_id"));
            default:
                return (null, new("invalid_value", "Invalid 'item.type': use 'message', 'function_call' or 'function_call_output'.", "item.type"));
        }
    }

    private async Task RetrieveAsync(string? itemId, string? eventId)
    {
        Item? item;
        lock (_gate)
        {
            item = _items.Find(i => i.Id == itemId);
        }

        if (item is null)
        {
            await ErrorAsync("item_not_found", $"Item with item_id '{itemId}' not found.", eventId, "item_id").ConfigureAwait(false);
            return;
        }

        var json = (JsonObject)item.Json.DeepClone();
        if (item.Audio is { } audio && json["content"] is JsonArray parts && parts.FirstOrDefault(p => Text(p?["type"]) == "input_audio") is JsonObject part)
        {
            part["audio"] = Convert.ToBase64String(audio);
        }

        await SendEventAsync(new JsonObject { ["type"] = "conversation.item.retrieved", ["item"] = json }).ConfigureAwait(false);
    }

    private async Task DeleteAsync(string? itemId, string? eventId)
    {
        bool removed;
        lock (_gate)
        {
            var index = IndexOf(itemId);
            removed = index >= 0;
            if (removed)
            {
                _storedBytes -= _items[index].Size;
                _items.RemoveAt(index);
            }
        }

        await (removed
            ? SendEventAsync(new JsonObject { ["type"] = "conversation.item.deleted", ["item_id"] = itemId })
            : ErrorAsync("item_not_found", $"Item with item_id '{itemId}' not found.", eventId, "item_id")).ConfigureAwait(false);
    }

    private async Task TruncateAsync(JsonObject msg, string? eventId)
    {
        foreach (var field in new[] { "item_id", "content_index", "audio_end_ms" })
        {
            if (msg[field] is null)
            {
                await ErrorAsync("missing_required_parameter", $"Missing required parameter: '{field}'.", eventId, field).ConfigureAwait(false);
                return;
            }
        }

        var itemId = Text(msg["item_id"]);
        var index = msg["content_index"] is JsonValue c && c.TryGetValue<int>(out var ci) ? ci : -1;
        var end = msg["audio_end_ms"] is JsonValue v && v.TryGetValue<int>(out var e) ? e : (int?)null;
        Item? item;
        lock (_gate)
        {
            item = _items.Find(i => i.Id == itemId);
        }

        ConfigError? error = item switch
        {
            null => new("item_not_found", $"Item with item_id '{itemId}' not found.", "item_id"),
            { Role: not "assistant" } => new("invalid_value", $"Only assistant message items can be truncated; '{itemId}' is not one.", "item_id"),
            _ when index != 0 => new("invalid_value", "Invalid 'content_index': assistant messages have one content part, index 0.", "content_index"),
            _ when end is null => new("invalid_type", "Invalid 'audio_end_ms': expected an integer.", "audio_end_ms"),
            _ when end < 0 => new("integer_below_min_value", $"Invalid 'audio_end_ms': integer below minimum value. Expected a value >= 0, but got {end} instead.", "audio_end_ms"),
            _ when end > item!.AudioMs => new("invalid_value", $"Audio content of {item.AudioMs}ms is already shorter than {end}ms", "audio_end_ms"),
            _ => null,
        };
        if (error is not null)
        {
            await ErrorAsync(error.Code, error.Message, eventId, error.Param).ConfigureAwait(false);
            return;
        }

        lock (_gate)
        {
            item!.AudioMs = end!.Value;

            // The server-side transcript goes; no truncated transcript is produced.
            if (item.Json["content"] is JsonArray { Count: > 0 } parts && parts[0] is JsonObject part && part.ContainsKey("transcript"))
            {
                part["transcript"] = string.Empty;
            }
        }

        Record.Truncations.Enqueue(new ReceivedTruncation(item!.Id, index, end!.Value));
        await SendEventAsync(new JsonObject { ["type"] = "conversation.item.truncated", ["item_id"] = item.Id, ["content_index"] = index, ["audio_end_ms"] = end }).ConfigureAwait(false);
    }

    private async Task CreateResponseAsync(JsonObject? overrides, string? eventId, bool automatic)
    {
        if (overrides is not null && ValidateResponse(overrides) is { } invalid)
        {
            await ErrorAsync(invalid.Code, invalid.Message, eventId, invalid.Param).ConfigureAwait(false);
            return;
        }

        var outOfBand = Text(overrides?["conversation"]) == "none";
        if (automatic && _active is { Cancelled: true, Task: { } ending })
        {
            // A turn that interrupted the previous response: its remaining done events are on their way.
            await ending.ConfigureAwait(false);
        }

        Active? active = null;
        string? busy = null;
        lock (_gate)
        {
            if (!outOfBand && _active is { } running)
            {
                busy = running.Id;
            }
            else
            {
                active = new Active(NextId("resp"), outOfBand);
                _running[active.Id] = active;
                if (!outOfBand)
                {
                    _active = active;
                }
            }
        }

        if (active is null)
        {
            await ErrorAsync("conversation_already_has_active_response", $"Conversation already has an active response in progress: {busy}. Wait until the response is finished before creating a new one.", eventId).ConfigureAwait(false);
            return;
        }

        var plan = new Plan(
            Modality(overrides) ?? Modality(_session) ?? "audio",
            Text(overrides?["instructions"]) ?? Text(_session["instructions"]) ?? string.Empty,
            (overrides?["audio"]?["output"]?["voice"] ?? _session["audio"]?["output"]?["voice"])?.DeepClone(),
            Text(overrides?["tool_choice"] ?? _session["tool_choice"]) ?? "auto",
            overrides?.ContainsKey("max_output_tokens") == true ? MaxTokens(overrides["max_output_tokens"]) : MaxTokens(_session["max_output_tokens"]),
            overrides?["metadata"]?.DeepClone(),
            outOfBand);
        var reply = takeReply() ?? DefaultReply(overrides?["input"] as JsonArray);
        if (outOfBand)
        {
            active.Task = Task.Run(() => StreamAsync(active, reply, plan));
            return;
        }

        // The previous response leaves the conversation just before its response.done goes out: this one starts after it.
        var previous = _previousResponse;
        active.Task = _previousResponse = Task.Run(async () =>
        {
            await previous.ConfigureAwait(false);
            await StreamAsync(active, reply, plan).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// The default answer to the latest user turn: "I heard D seconds at F Hz. How can I help?" for audio, "You said:
    /// T. How can I help?" for text, "The tool returned O. Anything else?" after a function output.
    /// </summary>
    private ConversationReply DefaultReply(JsonArray? input)
    {
        Item? last;
        lock (_gate)
        {
            last = input is null
                ? _items.LastOrDefault(i => i.Role == "user" || i.Type == "function_call_output")
                : input.Select(InputItem).LastOrDefault(i => i is not null && (i.Role == "user" || i.Type == "function_call_output"));
        }

        return new ConversationReply
        {
            Text = last switch
            {
                { Type: "function_call_output" } tool => $"The tool returned {tool.Said}. Anything else?",
                { Heard: { } heard } => string.Create(CultureInfo.InvariantCulture, $"I heard {heard.Duration.TotalSeconds:0.00} seconds at {heard.FrequencyHz:0} Hz. How can I help?"),
                { Said: { } said } => $"You said: {said.Trim().TrimEnd('.', '!', '?')}. How can I help?",
                _ => "Hello. How can I help?",
            },
        };
    }

    /// <summary>An entry of <c>response.input</c>: a reference to a conversation item, or an inline user text message.</summary>
    private Item? InputItem(JsonNode? entry)
    {
        if (Text(entry?["type"]) == "item_reference")
        {
            var id = Text(entry!["id"]);
            return _items.Find(i => i.Id == id);
        }

        return entry is JsonObject { } inline && ItemOf("inline", inline) is ({ } item, null) ? item : null;
    }

    /// <summary>The response lifecycle in the reference's push-to-talk order; a cancel, a scripted failure or the token limit cuts it and still sends the dones.</summary>
    private async Task StreamAsync(Active active, ConversationReply reply, Plan plan)
    {
        var output = new JsonArray();
        var said = new List<string>();
        var audioMs = 0;
        var deltas = 0;
        var tokens = 0;
        var status = "completed";
        JsonObject? details = null;
        var text = plan.Modality == "text";
        var delay = Options.ConversationDeltaInterval;

        bool Going() => !active.Cancelled && status == "completed";

        async Task<bool> MayDeltaAsync()
        {
            if (!Going())
            {
                return false;
            }

            if (reply.FailAfterDeltas is { } limit && deltas >= limit)
            {
                status = "failed";
                var code = reply.FailureCode;
                details = new JsonObject { ["type"] = "failed", ["error"] = new JsonObject { ["type"] = "server_error", ["code"] = code } };
                await ErrorAsync(code, "The server had an error while processing your request.", null, type: "server_error").ConfigureAwait(false);
                return false;
            }

            deltas++;
            return true;
        }

        try
        {
            await SendEventAsync(new JsonObject { ["type"] = "response.created", ["response"] = Response(active, plan, "in_progress", null, new JsonArray(), null) }).ConfigureAwait(false);
            await SendEventAsync(new JsonObject
            {
                ["type"] = "rate_limits.updated",
                ["rate_limits"] = new JsonArray(
                    new JsonObject { ["name"] = "requests", ["limit"] = 1000, ["remaining"] = 999, ["reset_seconds"] = 60 },
                    new JsonObject { ["name"] = "tokens", ["limit"] = 50000, ["remaining"] = 50000 - (plan.MaxTokens ?? 4096), ["reset_seconds"] = 60 }),
            }).ConfigureAwait(false);
            var outputIndex = 0;
            var sentences = ConversationVoice.Sentences(reply.Text);
            if (sentences.Count > 0)
            {
                var part = text ? "text" : "audio";
                var field = text ? "text" : "transcript";
                var item = new Item(NextId("item"), "message", "assistant")
                {
                    Json = new JsonObject { ["id"] = string.Empty, ["object"] = "realtime.item", ["type"] = "message", ["status"] = "in_progress", ["role"] = "assistant", ["content"] = new JsonArray() },
                };
                item.Json["id"] = item.Id;
                var previous = plan.OutOfBand ? null : Insert(item, null);
                await SendEventAsync(new JsonObject { ["type"] = "response.output_item.added", ["response_id"] = active.Id, ["output_index"] = outputIndex, ["item"] = item.Json.DeepClone() }).ConfigureAwait(false);
                if (!plan.OutOfBand)
                {
                    await SendEventAsync(new JsonObject { ["type"] = "conversation.item.added", ["previous_item_id"] = previous, ["item"] = item.Json.DeepClone() }).ConfigureAwait(false);
                }

                await SendEventAsync(Content("response.content_part.added", active, item, outputIndex, new JsonObject { ["part"] = new JsonObject { ["type"] = part, [field] = string.Empty } })).ConfigureAwait(false);
                for (var s = 0; s < sentences.Count && Going(); s++)
                {
                    var words = ConversationVoice.Words(sentences[s]);
                    if (plan.MaxTokens is { } max && tokens + words > max)
                    {
                        status = "incomplete";
                        details = new JsonObject { ["type"] = "incomplete", ["reason"] = "max_output_tokens" };
                        break;
                    }

                    if (!text)
                    {
                        foreach (var chunk in ConversationVoice.Tone(sentences[s], s))
                        {
                            if (!await MayDeltaAsync().ConfigureAwait(false))
                            {
                                break;
                            }

                            lock (_gate)
                            {
                                item.AudioMs += chunk.Length / 48;
                            }

                            audioMs += chunk.Length / 48;
                            _audioProduced = true;
                            await SendEventAsync(Content("response.output_audio.delta", active, item, outputIndex, new JsonObject { ["delta"] = Convert.ToBase64String(chunk) })).ConfigureAwait(false);
                            await Task.Delay(delay).ConfigureAwait(false);
                        }
                    }

                    if (!await MayDeltaAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    tokens += words;
                    said.Add(sentences[s]);
                    var delta = (s == 0 ? string.Empty : " ") + sentences[s];
                    await SendEventAsync(Content(text ? "response.output_text.delta" : "response.output_audio_transcript.delta", active, item, outputIndex, new JsonObject { ["delta"] = delta })).ConfigureAwait(false);
                    await Task.Delay(delay).ConfigureAwait(false);
                }

                var whole = string.Join(" ", said);
                if (!text)
                {
                    await SendEventAsync(Content("response.output_audio.done", active, item, outputIndex, new JsonObject())).ConfigureAwait(false);
                }

                await SendEventAsync(Content(text ? "response.output_text.done" : "response.output_audio_transcript.done", active, item, outputIndex, new JsonObject { [field] = whole })).ConfigureAwait(false);
                await SendEventAsync(Content("response.content_part.done", active, item, outputIndex, new JsonObject { ["part"] = new JsonObject { ["type"] = part, [field] = whole } })).ConfigureAwait(false);
                lock (_gate)
                {
                    item.Json["status"] = Going() ? "completed" : "incomplete";
                    item.Json["content"] = new JsonArray(new JsonObject { ["type"] = text ? "output_text" : "output_audio", [field] = whole });
                    item.Said = whole;
                }

                await ItemDoneAsync(active, item, outputIndex, previous, plan, output).ConfigureAwait(false);
                outputIndex++;
            }

            foreach (var call in plan.ToolChoice == "none" ? Array.Empty<ConversationToolCall>() : reply.ToolCalls)
            {
                if (!Going())
                {
                    break;
                }

                var callId = NextId("call");
                var callItem = new Item(NextId("fc"), "function_call", null) { CallId = callId };
                callItem.Json = new JsonObject { ["id"] = callItem.Id, ["object"] = "realtime.item", ["type"] = "function_call", ["status"] = "in_progress", ["name"] = call.Name, ["call_id"] = callId, ["arguments"] = string.Empty };
                var previous = plan.OutOfBand ? null : Insert(callItem, null);
                await SendEventAsync(new JsonObject { ["type"] = "response.output_item.added", ["response_id"] = active.Id, ["output_index"] = outputIndex, ["item"] = callItem.Json.DeepClone() }).ConfigureAwait(false);
                if (!plan.OutOfBand)
                {
                    await SendEventAsync(new JsonObject { ["type"] = "conversation.item.added", ["previous_item_id"] = previous, ["item"] = callItem.Json.DeepClone() }).ConfigureAwait(false);
                }

                var sent = 0;
                foreach (var piece in Pieces(call.ArgumentsJson))
                {
                    if (!await MayDeltaAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    sent += piece.Length;
                    await SendEventAsync(new JsonObject { ["type"] = "response.function_call_arguments.delta", ["response_id"] = active.Id, ["item_id"] = callItem.Id, ["output_index"] = outputIndex, ["call_id"] = callId, ["delta"] = piece }).ConfigureAwait(false);
                    await Task.Delay(delay).ConfigureAwait(false);
                }

                var complete = sent == call.ArgumentsJson.Length && Going();
                if (complete)
                {
                    await SendEventAsync(new JsonObject { ["type"] = "response.function_call_arguments.done", ["response_id"] = active.Id, ["item_id"] = callItem.Id, ["output_index"] = outputIndex, ["call_id"] = callId, ["name"] = call.Name, ["arguments"] = call.ArgumentsJson }).ConfigureAwait(false);
                }

                lock (_gate)
                {
                    callItem.Json["status"] = complete ? "completed" : "incomplete";
                    callItem.Json["arguments"] = call.ArgumentsJson[..sent];
                }

                await ItemDoneAsync(active, callItem, outputIndex, previous, plan, output).ConfigureAwait(false);
                outputIndex++;
            }

            if (active.Cancelled && status == "completed")
            {
                status = "cancelled";
                details = new JsonObject { ["type"] = "cancelled", ["reason"] = active.Reason };
            }

            End(active);
            var usage = Usage(said.Sum(ConversationVoice.Words), audioMs);
            Record.Responses.Enqueue(new ReceivedResponse(active.Id, status, status == "cancelled" ? active.Reason : null, string.Join(" ", said))
            {
                OutputModality = plan.Modality,
                Instructions = plan.Instructions,
                OutOfBand = plan.OutOfBand,
                AudioMs = audioMs,
                FunctionCalls = [.. output.Where(o => Text(o?["type"]) == "function_call").Select(o => Text(o!["name"])!)],
            });
            await SendEventAsync(new JsonObject { ["type"] = "response.done", ["response"] = Response(active, plan, status, details, output, usage) }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            End(active);
        }
    }

    private async Task ItemDoneAsync(Active active, Item item, int outputIndex, string? previous, Plan plan, JsonArray output)
    {
        JsonObject done;
        lock (_gate)
        {
            done = (JsonObject)item.Json.DeepClone();
        }

        await SendEventAsync(new JsonObject { ["type"] = "response.output_item.done", ["response_id"] = active.Id, ["output_index"] = outputIndex, ["item"] = done.DeepClone() }).ConfigureAwait(false);
        if (!plan.OutOfBand)
        {
            await SendEventAsync(new JsonObject { ["type"] = "conversation.item.done", ["previous_item_id"] = previous, ["item"] = done.DeepClone() }).ConfigureAwait(false);
        }

        output.Add(done);
    }

    private void End(Active active)
    {
        lock (_gate)
        {
            _running.Remove(active.Id);
            if (_active == active)
            {
                _active = null;
            }
        }
    }

    /// <summary>Arguments in up to three pieces, as a model streams them.</summary>
    private static List<string> Pieces(string arguments)
    {
        var size = Math.Max(1, (arguments.Length + 2) / 3);
        var pieces = new List<string>();
        for (var i = 0; i < arguments.Length; i += size)
        {
            pieces.Add(arguments.Substring(i, Math.Min(size, arguments.Length - i)));
        }

        return pieces;
    }

    /// <summary>A content-level streaming event: response, item, output and content indexes, then the fields.</summary>
    private static JsonObject Content(string type, Active active, Item item, int outputIndex, JsonObject fields)
    {
        var evt = new JsonObject { ["type"] = type, ["response_id"] = active.Id, ["item_id"] = item.Id, ["output_index"] = outputIndex, ["content_index"] = 0 };
        foreach (var (key, value) in fields.ToList())
        {
            fields.Remove(key);
            evt[key] = value;
        }

        return evt;
    }

    /// <summary>Usage: one text token per word said, one audio token per 50 ms spoken; the input is the conversation so far.</summary>
    private JsonObject Usage(int words, int audioMs)
    {
        int textIn, audioIn;
        lock (_gate)
        {
            textIn = 10 + _items.Sum(i => ConversationVoice.Words(i.Said ?? string.Empty));
            audioIn = _items.Sum(i => (int)((i.Heard?.Duration.TotalMilliseconds ?? 0) / 50));
        }

        var audioOut = audioMs / 50;
        return new JsonObject
        {
            ["total_tokens"] = textIn + audioIn + words + audioOut,
            ["input_tokens"] = textIn + audioIn,
            ["output_tokens"] = words + audioOut,
            ["input_token_details"] = new JsonObject
            {
                ["cached_tokens"] = 0,
                ["text_tokens"] = textIn,
                ["audio_tokens"] = audioIn,
                ["image_tokens"] = 0,
                ["cached_tokens_details"] = new JsonObject { ["text_tokens"] = 0, ["audio_tokens"] = 0, ["image_tokens"] = 0 },
            },
            ["output_token_details"] = new JsonObject { ["text_tokens"] = words, ["audio_tokens"] = audioOut },
        };
    }

    private static JsonObject Response(Active active, Plan plan, string status, JsonObject? details, JsonArray output, JsonObject? usage) => new()
    {
        ["object"] = "realtime.response",
        ["id"] = active.Id,
        ["status"] = status,
        ["status_details"] = details?.DeepClone(),
        ["output"] = output.DeepClone(),
        ["conversation_id"] = plan.OutOfBand ? null : "conv_1",
        ["output_modalities"] = new JsonArray(plan.Modality),
        ["max_output_tokens"] = plan.MaxTokens is { } max ? max : "inf",
        ["audio"] = new JsonObject { ["output"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "audio/pcm", ["rate"] = Rate }, ["voice"] = plan.Voice?.DeepClone() } },
        ["usage"] = usage,
        ["metadata"] = plan.Metadata?.DeepClone(),
    };

    /// <summary>Marks the targeted response cancelled (the default conversation's, or the one named); false when none is active.</summary>
    private bool Cancel(string? responseId, string reason)
    {
        lock (_gate)
        {
            var target = responseId is null ? _active : _running.GetValueOrDefault(responseId);
            if (target is not { Cancelled: false })
            {
                return false;
            }

            target.Reason = reason;
            target.Cancelled = true;
            return true;
        }
    }

    /// <summary>Adds an item after <paramref name="previousId"/> (<c>root</c>: first; null: last); returns the id before it.</summary>
    private string? Insert(Item item, string? previousId)
    {
        lock (_gate)
        {
            var at = previousId switch
            {
                null => _items.Count,
                "root" => 0,
                _ => IndexOf(previousId) + 1,
            };
            _items.Insert(at, item);
            item.Size = (item.Audio?.Length ?? 0) + (item.Said?.Length ?? 0) + 256;
            _storedBytes += item.Size;
            while (_items.Count > 1 && (_items.Count > MaxItems || _storedBytes > MaxStoredBytes))
            {
                _storedBytes -= _items[0].Size;
                _items.RemoveAt(0);
            }

            var index = _items.IndexOf(item);
            return index > 0 ? _items[index - 1].Id : null;
        }
    }

    private int IndexOf(string? id) => id is null ? -1 : _items.FindIndex(i => i.Id == id);

    private async Task ItemAddedAndDoneAsync(Item item, string? previous)
    {
        JsonObject json;
        lock (_gate)
        {
            json = (JsonObject)item.Json.DeepClone();
        }

        await SendEventAsync(new JsonObject { ["type"] = "conversation.item.added", ["previous_item_id"] = previous, ["item"] = json.DeepClone() }).ConfigureAwait(false);
        await SendEventAsync(new JsonObject { ["type"] = "conversation.item.done", ["previous_item_id"] = previous, ["item"] = json }).ConfigureAwait(false);
    }

    private string NextId(string prefix) => prefix + "_" + Interlocked.Increment(ref _counter).ToString("D3", CultureInfo.InvariantCulture);

    private Task ErrorAsync(string code, string message, string? eventId, string? param = null, string type = "invalid_request_error") =>
        SendEventAsync(new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = type, ["code"] = code, ["message"] = message, ["param"] = param, ["event_id"] = eventId } });

    /// <summary>What a response was asked for: the session's config with the response's overrides.</summary>
    private sealed record Plan(string Modality, string Instructions, JsonNode? Voice, string ToolChoice, int? MaxTokens, JsonNode? Metadata, bool OutOfBand);

    private sealed class Item(string id, string type, string? role)
    {
        public string Id { get; } = id;

        public string Type { get; } = type;

        public string? Role { get; } = role;

        /// <summary>The item as the wire shows it (without audio bytes).</summary>
        public JsonObject Json { get; set; } = new();

        public ReceivedUtterance? Heard { get; set; }

        public byte[]? Audio { get; set; }

        public string? Said { get; set; }

        public string? CallId { get; init; }

        public int AudioMs { get; set; }

        public long Size { get; set; }
    }

    private sealed class Active(string id, bool outOfBand)
    {
        public string Id { get; } = id;

        public bool OutOfBand { get; } = outOfBand;

        public volatile bool Cancelled;

        public string? Reason { get; set; }

        public Task? Task { get; set; }
    }
}
