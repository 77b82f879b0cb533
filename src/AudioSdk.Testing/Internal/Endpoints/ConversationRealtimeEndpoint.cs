using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AudioSdk.Testing.Internal.Endpoints;

/// <summary>
/// OpenAI's conversational realtime dialect (GA <c>type:"realtime"</c>), written from the wire reference: session
/// configuration, user audio and text, responses with a real PCM tone per sentence and its transcript (or text), function
/// calls from a scripted list, server VAD turns with automatic responses and barge-in, cancellation, truncation and
/// deletion. One response at a time, streamed in the background so a client can cancel or barge in.
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
    private const int Rate = 24000;
    private readonly object _gate = new();
    private readonly Dictionary<string, Item> _items = new(StringComparer.Ordinal);
    private readonly HashSet<string> _openCalls = new(StringComparer.Ordinal);
    private readonly JsonObject _session = DefaultSession();
    private ServerVad? _vad;
    private int _counter;
    private string? _lastItem;
    private Item? _lastUser;
    private Active? _active;

    protected override Task GreetAsync()
    {
        Record.SampleRate = Rate;
        _vad = VadOf(_session);
        return SendEventAsync(new JsonObject { ["type"] = "session.created", ["session"] = _session.DeepClone() });
    }

    protected override Task<bool> HandleMalformedAsync() =>
        ErrorAsync("invalid_request_error", "invalid_json", "The message is not valid JSON.", null).ContinueWith(_ => true, TaskScheduler.Default);

    protected override async Task HandleAsync(string? type, JsonObject msg)
    {
        var eventId = Text(msg["event_id"]);
        switch (type)
        {
            case "session.update":
                await SessionUpdateAsync(msg["session"] as JsonObject, eventId).ConfigureAwait(false);
                break;
            case "input_audio_buffer.append":
                if (Base64(msg) is not { } audio)
                {
                    await ErrorAsync("invalid_request_error", "invalid_value", "The audio is not valid base64.", eventId, "audio").ConfigureAwait(false);
                    break;
                }

                Buffer.Write(audio);
                await VadAsync(audio).ConfigureAwait(false);
                break;
            case "input_audio_buffer.commit":
                if (Buffer.Length < Rate / 10 * 2)
                {
                    await ErrorAsync("invalid_request_error", "input_audio_buffer_commit_empty", $"Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has {Buffer.Length / 48.0:0.00}ms of audio.", eventId).ConfigureAwait(false);
                    break;
                }

                await CommitAsync(NextId("item")).ConfigureAwait(false);
                break;
            case "input_audio_buffer.clear":
                Buffer.SetLength(0);
                await SendEventAsync(new JsonObject { ["type"] = "input_audio_buffer.cleared" }).ConfigureAwait(false);
                break;
            case "conversation.item.create":
                await CreateItemAsync(msg["item"] as JsonObject, eventId).ConfigureAwait(false);
                break;
            case "conversation.item.delete":
                await DeleteAsync(Text(msg["item_id"]), eventId).ConfigureAwait(false);
                break;
            case "conversation.item.truncate":
                await TruncateAsync(msg, eventId).ConfigureAwait(false);
                break;
            case "response.create":
                await CreateResponseAsync(msg["response"] as JsonObject, eventId).ConfigureAwait(false);
                break;
            case "response.cancel":
                if (!Cancel("client_cancelled"))
                {
                    await ErrorAsync("invalid_request_error", "response_cancel_not_active", "Cancellation failed: no active response found", eventId).ConfigureAwait(false);
                }

                break;
            default:
                await ErrorAsync("invalid_request_error", "invalid_value", $"Invalid value: '{type}'. Supported values are client events.", eventId, "type").ConfigureAwait(false);
                break;
        }
    }

    private static JsonObject DefaultSession() => new()
    {
        ["type"] = "realtime",
        ["object"] = "realtime.session",
        ["id"] = "sess_" + Guid.NewGuid().ToString("N")[..12],
        ["model"] = "gpt-realtime-2025-08-28",
        ["output_modalities"] = new JsonArray("audio"),
        ["instructions"] = "You are a helpful assistant.",
        ["tools"] = new JsonArray(),
        ["tool_choice"] = "auto",
        ["max_output_tokens"] = "inf",
        ["audio"] = new JsonObject
        {
            ["input"] = new JsonObject
            {
                ["format"] = new JsonObject { ["type"] = "audio/pcm", ["rate"] = Rate },
                ["transcription"] = null,
                ["noise_reduction"] = null,
                ["turn_detection"] = new JsonObject { ["type"] = "server_vad", ["threshold"] = 0.5, ["prefix_padding_ms"] = 300, ["silence_duration_ms"] = 200, ["create_response"] = true, ["interrupt_response"] = true },
            },
            ["output"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "audio/pcm", ["rate"] = Rate }, ["voice"] = "alloy", ["speed"] = 1 },
        },
    };

    private static ServerVad? VadOf(JsonObject session) =>
        session["audio"]?["input"]?["turn_detection"] is JsonObject vad && Text(vad["type"]) is "server_vad" or "semantic_vad"
            ? new ServerVad(Rate, Text(vad["type"]) == "semantic_vad" ? 500 : (int?)Number(vad["silence_duration_ms"]) ?? 500, (int?)Number(vad["prefix_padding_ms"]) ?? 300)
            : null;

    private static double? Number(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.Number ? double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture) : null;

    private static bool Flag(JsonNode? vad, string name) => vad?[name] is not JsonValue value || !value.TryGetValue<bool>(out var flag) || flag;

    private async Task SessionUpdateAsync(JsonObject? update, string? eventId)
    {
        if (update is null || Text(update["type"]) != "realtime")
        {
            await ErrorAsync("invalid_request_error", "missing_required_parameter", "Missing required parameter: 'session.type'.", eventId, "session.type").ConfigureAwait(false);
            return;
        }

        foreach (var path in new[] { "input", "output" })
        {
            if (update["audio"]?[path]?["format"] is JsonObject format && (Text(format["type"]) is not ("audio/pcm" or "audio/pcmu" or "audio/pcma") || (Text(format["type"]) == "audio/pcm" && Number(format["rate"]) is { } rate && (int)rate != Rate)))
            {
                await ErrorAsync("invalid_request_error", "invalid_value", "Only 24kHz PCM16 (audio/pcm), audio/pcmu and audio/pcma are supported.", eventId, $"session.audio.{path}.format").ConfigureAwait(false);
                return;
            }
        }

        if (update["temperature"] is not null)
        {
            await ErrorAsync("invalid_request_error", "unknown_parameter", "Unknown parameter: 'session.temperature'.", eventId, "session.temperature").ConfigureAwait(false);
            return;
        }

        Merge(_session, update);
        _vad = VadOf(_session);
        await SendEventAsync(new JsonObject { ["type"] = "session.updated", ["session"] = _session.DeepClone() }).ConfigureAwait(false);
    }

    /// <summary>Only the fields present change; objects merge, anything else (null, arrays, values) replaces.</summary>
    private static void Merge(JsonObject target, JsonObject update)
    {
        foreach (var (key, value) in update)
        {
            if (value is JsonObject child && target[key] is JsonObject existing)
            {
                Merge(existing, child);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    private async Task VadAsync(byte[] audio)
    {
        if (_vad is null)
        {
            return;
        }

        var turns = _session["audio"]?["input"]?["turn_detection"];
        foreach (var (started, ms) in _vad.Feed(audio))
        {
            if (started)
            {
                if (Flag(turns, "interrupt_response"))
                {
                    Cancel("turn_detected");
                }

                await SendEventAsync(new JsonObject { ["type"] = "input_audio_buffer.speech_started", ["item_id"] = PeekId("item"), ["audio_start_ms"] = ms }).ConfigureAwait(false);
            }
            else
            {
                var itemId = NextId("item");
                await SendEventAsync(new JsonObject { ["type"] = "input_audio_buffer.speech_stopped", ["item_id"] = itemId, ["audio_end_ms"] = ms }).ConfigureAwait(false);
                await CommitAsync(itemId).ConfigureAwait(false);
                if (Flag(turns, "create_response"))
                {
                    await CreateResponseAsync(null, null).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task CommitAsync(string itemId)
    {
        var heard = Transcribe(itemId, Rate);
        var item = new Item(itemId, "message", "user") { Heard = heard.Transcript };
        Add(item);
        await SendEventAsync(new JsonObject { ["type"] = "input_audio_buffer.committed", ["item_id"] = itemId, ["previous_item_id"] = item.Previous }).ConfigureAwait(false);
        var json = new JsonObject { ["id"] = itemId, ["type"] = "message", ["status"] = "completed", ["role"] = "user", ["content"] = new JsonArray(new JsonObject { ["type"] = "input_audio", ["transcript"] = null }) };
        await ItemAddedAndDoneAsync(json, item.Previous).ConfigureAwait(false);
        if (_session["audio"]?["input"]?["transcription"] is JsonObject)
        {
            await SendEventAsync(new JsonObject { ["type"] = "conversation.item.input_audio_transcription.completed", ["item_id"] = itemId, ["content_index"] = 0, ["transcript"] = heard.Transcript }).ConfigureAwait(false);
        }

        _lastUser = item;
    }

    private async Task CreateItemAsync(JsonObject? item, string? eventId)
    {
        switch (Text(item?["type"]))
        {
            case "message" when Text(item!["role"]) is "user" or "system" or "assistant":
                var id = Text(item["id"]) ?? NextId("item");
                var text = item["content"] is JsonArray parts ? string.Join(" ", parts.Select(p => Text(p?["text"]) ?? Text(p?["transcript"])).Where(t => t is not null)) : string.Empty;
                var created = new Item(id, "message", Text(item["role"])!) { Said = text };
                Add(created);
                if (created.Role == "user")
                {
                    _lastUser = created;
                }

                var json = (JsonObject)item.DeepClone();
                json["id"] = id;
                json["status"] = "completed";
                await ItemAddedAndDoneAsync(json, created.Previous).ConfigureAwait(false);
                break;
            case "function_call_output":
                var callId = Text(item!["call_id"]);
                if (callId is null || !_openCalls.Remove(callId))
                {
                    await ErrorAsync("invalid_request_error", "invalid_value", $"No function call with call_id '{callId}' found.", eventId, "item.call_id").ConfigureAwait(false);
                    return;
                }

                var output = Text(item["output"]) ?? string.Empty;
                Record.FunctionOutputs.Enqueue(new ReceivedFunctionOutput(callId, output));
                var outputItem = new Item(NextId("item"), "function_call_output", null) { Said = output };
                Add(outputItem);
                _lastUser = outputItem;
                await ItemAddedAndDoneAsync(new JsonObject { ["id"] = outputItem.Id, ["type"] = "function_call_output", ["call_id"] = callId, ["output"] = output, ["status"] = "completed" }, outputItem.Previous).ConfigureAwait(false);
                break;
            default:
                await ErrorAsync("invalid_request_error", "invalid_value", "Unsupported item.", eventId, "item.type").ConfigureAwait(false);
                break;
        }
    }

    private async Task DeleteAsync(string? itemId, string? eventId)
    {
        bool removed;
        lock (_gate)
        {
            removed = itemId is not null && _items.Remove(itemId);
        }

        await (removed
            ? SendEventAsync(new JsonObject { ["type"] = "conversation.item.deleted", ["item_id"] = itemId })
            : ErrorAsync("invalid_request_error", "item_not_found", $"Item with item_id '{itemId}' not found.", eventId, "item_id")).ConfigureAwait(false);
    }

    private async Task TruncateAsync(JsonObject msg, string? eventId)
    {
        var itemId = Text(msg["item_id"]);
        var ms = msg["audio_end_ms"] is JsonValue v && v.TryGetValue<int>(out var end) ? end : (int?)null;
        var index = msg["content_index"] is JsonValue c && c.TryGetValue<int>(out var ci) ? ci : 0;
        Item? item;
        lock (_gate)
        {
            _items.TryGetValue(itemId ?? string.Empty, out item);
        }

        if (item is not { Role: "assistant" })
        {
            await ErrorAsync("invalid_request_error", "invalid_value", $"Item '{itemId}' is not an assistant message.", eventId, "item_id").ConfigureAwait(false);
        }
        else if (ms is not { } audioEnd || audioEnd < 0)
        {
            await ErrorAsync("invalid_request_error", "integer_below_min_value", "Invalid 'audio_end_ms': integer below minimum value.", eventId, "audio_end_ms").ConfigureAwait(false);
        }
        else if (audioEnd > item.AudioMs)
        {
            await ErrorAsync("invalid_request_error", "invalid_value", $"Audio content of {item.AudioMs}ms is already shorter than {audioEnd}ms", eventId, "audio_end_ms").ConfigureAwait(false);
        }
        else
        {
            item.AudioMs = audioEnd;
            Record.Truncations.Enqueue(new ReceivedTruncation(item.Id, index, audioEnd));
            await SendEventAsync(new JsonObject { ["type"] = "conversation.item.truncated", ["item_id"] = item.Id, ["content_index"] = index, ["audio_end_ms"] = audioEnd }).ConfigureAwait(false);
        }
    }

    private async Task CreateResponseAsync(JsonObject? overrides, string? eventId)
    {
        Active active;
        lock (_gate)
        {
            if (_active is { } running)
            {
                active = null!;
            }
            else
            {
                active = _active = new Active(NextId("resp"));
            }
        }

        if (active is null)
        {
            await ErrorAsync("invalid_request_error", "conversation_already_has_active_response", $"Conversation already has an active response in progress: {_active?.Id}. Wait until the response is finished before creating a new one.", eventId).ConfigureAwait(false);
            return;
        }

        var modality = Text((overrides?["output_modalities"] as JsonArray)?.FirstOrDefault()) ?? Text((_session["output_modalities"] as JsonArray)?.FirstOrDefault()) ?? "audio";
        var reply = takeReply() ?? DefaultReply();
        active.Task = Task.Run(() => StreamAsync(active, reply, modality == "text", Text(overrides?["conversation"]) == "none"));
    }

    private ConversationReply DefaultReply() => new()
    {
        Text = _lastUser switch
        {
            { Type: "function_call_output" } tool => $"The tool returned {tool.Said}. Anything else?",
            { Heard: { } heard } => $"I heard: {heard.Trim()} How can I help?",
            { Said: { } said } => $"You said: {said}. How can I help?",
            _ => "Hello. How can I help?",
        },
    };

    /// <summary>The response lifecycle, in the reference's push-to-talk order; cancellation cuts it and still sends the dones.</summary>
    private async Task StreamAsync(Active active, ConversationReply reply, bool text, bool outOfBand)
    {
        var output = new JsonArray();
        var said = new List<string>();
        var status = "completed";
        string? reason = null;
        JsonObject? failure = null;
        var deltas = 0;
        await SendEventAsync(new JsonObject { ["type"] = "response.created", ["response"] = Response(active.Id, "in_progress", null, new JsonArray(), outOfBand) }).ConfigureAwait(false);
        await SendEventAsync(new JsonObject { ["type"] = "rate_limits.updated", ["rate_limits"] = new JsonArray(new JsonObject { ["name"] = "requests", ["limit"] = 1000, ["remaining"] = 999, ["reset_seconds"] = 60 }, new JsonObject { ["name"] = "tokens", ["limit"] = 50000, ["remaining"] = 49000, ["reset_seconds"] = 60 }) }).ConfigureAwait(false);
        var outputIndex = 0;
        try
        {
            var sentences = Sentences(reply.Text);
            if (sentences.Count > 0)
            {
                var item = new Item(NextId("item"), "message", "assistant");
                if (!outOfBand)
                {
                    Add(item);
                }

                var part = text ? "text" : "audio";
                var itemJson = new JsonObject { ["id"] = item.Id, ["object"] = "realtime.item", ["type"] = "message", ["status"] = "in_progress", ["role"] = "assistant", ["content"] = new JsonArray() };
                await SendEventAsync(new JsonObject { ["type"] = "response.output_item.added", ["response_id"] = active.Id, ["output_index"] = outputIndex, ["item"] = itemJson.DeepClone() }).ConfigureAwait(false);
                await SendEventAsync(new JsonObject { ["type"] = "conversation.item.added", ["previous_item_id"] = item.Previous, ["item"] = itemJson.DeepClone() }).ConfigureAwait(false);
                await SendEventAsync(new JsonObject { ["type"] = "response.content_part.added", ["response_id"] = active.Id, ["item_id"] = item.Id, ["output_index"] = outputIndex, ["content_index"] = 0, ["part"] = new JsonObject { ["type"] = part, [text ? "text" : "transcript"] = string.Empty } }).ConfigureAwait(false);
                for (var s = 0; s < sentences.Count && !active.Cancelled; s++)
                {
                    if (!text)
                    {
                        foreach (var chunk in Tone(sentences[s], s))
                        {
                            await Fail(reply, ref deltas).ConfigureAwait(false);
                            if (active.Cancelled)
                            {
                                break;
                            }

                            item.AudioMs += chunk.Length / 48;
                            await SendEventAsync(new JsonObject { ["type"] = "response.output_audio.delta", ["response_id"] = active.Id, ["item_id"] = item.Id, ["output_index"] = outputIndex, ["content_index"] = 0, ["delta"] = Convert.ToBase64String(chunk) }).ConfigureAwait(false);
                            await Task.Delay(Options.ConversationDeltaInterval).ConfigureAwait(false);
                        }
                    }

                    if (active.Cancelled)
                    {
                        break;
                    }

                    await Fail(reply, ref deltas).ConfigureAwait(false);
                    said.Add(sentences[s]);
                    var delta = (s == 0 ? string.Empty : " ") + sentences[s];
                    await SendEventAsync(new JsonObject { ["type"] = text ? "response.output_text.delta" : "response.output_audio_transcript.delta", ["response_id"] = active.Id, ["item_id"] = item.Id, ["output_index"] = outputIndex, ["content_index"] = 0, ["delta"] = delta }).ConfigureAwait(false);
                    await Task.Delay(Options.ConversationDeltaInterval).ConfigureAwait(false);
                }

                var whole = string.Join(" ", said);
                if (!text)
                {
                    await SendEventAsync(new JsonObject { ["type"] = "response.output_audio.done", ["response_id"] = active.Id, ["item_id"] = item.Id, ["output_index"] = outputIndex, ["content_index"] = 0 }).ConfigureAwait(false);
                }

                await SendEventAsync(new JsonObject { ["type"] = text ? "response.output_text.done" : "response.output_audio_transcript.done", ["response_id"] = active.Id, ["item_id"] = item.Id, ["output_index"] = outputIndex, ["content_index"] = 0, [text ? "text" : "transcript"] = whole }).ConfigureAwait(false);
                await SendEventAsync(new JsonObject { ["type"] = "response.content_part.done", ["response_id"] = active.Id, ["item_id"] = item.Id, ["output_index"] = outputIndex, ["content_index"] = 0, ["part"] = new JsonObject { ["type"] = part, [text ? "text" : "transcript"] = whole } }).ConfigureAwait(false);
                var done = new JsonObject { ["id"] = item.Id, ["object"] = "realtime.item", ["type"] = "message", ["status"] = active.Cancelled ? "incomplete" : "completed", ["role"] = "assistant", ["content"] = new JsonArray(new JsonObject { ["type"] = text ? "output_text" : "output_audio", [text ? "text" : "transcript"] = whole }) };
                await SendEventAsync(new JsonObject { ["type"] = "response.output_item.done", ["response_id"] = active.Id, ["output_index"] = outputIndex, ["item"] = done.DeepClone() }).ConfigureAwait(false);
                await SendEventAsync(new JsonObject { ["type"] = "conversation.item.done", ["previous_item_id"] = item.Previous, ["item"] = done.DeepClone() }).ConfigureAwait(false);
                output.Add(done);
                outputIndex++;
            }

            foreach (var call in reply.ToolCalls)
            {
                if (active.Cancelled)
                {
                    break;
                }

                var callItem = new Item(NextId("fc"), "function_call", null);
                var callId = NextId("call");
                Add(callItem);
                lock (_gate)
                {
                    _openCalls.Add(callId);
                }

                var added = new JsonObject { ["id"] = callItem.Id, ["object"] = "realtime.item", ["type"] = "function_call", ["status"] = "in_progress", ["name"] = call.Name, ["call_id"] = callId, ["arguments"] = string.Empty };
                await SendEventAsync(new JsonObject { ["type"] = "response.output_item.added", ["response_id"] = active.Id, ["output_index"] = outputIndex, ["item"] = added }).ConfigureAwait(false);
                var half = call.ArgumentsJson.Length / 2;
                foreach (var piece in new[] { call.ArgumentsJson[..half], call.ArgumentsJson[half..] })
                {
                    await Fail(reply, ref deltas).ConfigureAwait(false);
                    await SendEventAsync(new JsonObject { ["type"] = "response.function_call_arguments.delta", ["response_id"] = active.Id, ["item_id"] = callItem.Id, ["output_index"] = outputIndex, ["call_id"] = callId, ["delta"] = piece }).ConfigureAwait(false);
                }

                await SendEventAsync(new JsonObject { ["type"] = "response.function_call_arguments.done", ["response_id"] = active.Id, ["item_id"] = callItem.Id, ["output_index"] = outputIndex, ["call_id"] = callId, ["name"] = call.Name, ["arguments"] = call.ArgumentsJson }).ConfigureAwait(false);
                var callDone = new JsonObject { ["id"] = callItem.Id, ["object"] = "realtime.item", ["type"] = "function_call", ["status"] = "completed", ["name"] = call.Name, ["call_id"] = callId, ["arguments"] = call.ArgumentsJson };
                await SendEventAsync(new JsonObject { ["type"] = "response.output_item.done", ["response_id"] = active.Id, ["output_index"] = outputIndex, ["item"] = callDone.DeepClone() }).ConfigureAwait(false);
                output.Add(callDone);
                outputIndex++;
            }
        }
        catch (FailedResponse)
        {
            status = "failed";
            failure = new JsonObject { ["type"] = "server_error", ["code"] = "internal_error" };
            await SendEventAsync(new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = "server_error", ["code"] = "internal_error", ["message"] = "The server had an error while processing your request.", ["param"] = null, ["event_id"] = null } }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            return;
        }

        if (active.Cancelled)
        {
            status = "cancelled";
            reason = active.Reason;
        }

        lock (_gate)
        {
            _active = null;
        }

        var words = said.Sum(s => s.Split(' ').Length);
        var response = Response(active.Id, status, reason is null ? failure is null ? null : new JsonObject { ["type"] = "failed", ["error"] = failure } : new JsonObject { ["type"] = "cancelled", ["reason"] = reason }, output, outOfBand);
        response["usage"] = new JsonObject { ["total_tokens"] = 20 + (words * 3), ["input_tokens"] = 20, ["output_tokens"] = words * 3, ["input_token_details"] = new JsonObject { ["text_tokens"] = 20, ["audio_tokens"] = 0, ["image_tokens"] = 0, ["cached_tokens"] = 0 }, ["output_token_details"] = new JsonObject { ["text_tokens"] = words, ["audio_tokens"] = words * 2 } };
        Record.Responses.Enqueue(new ReceivedResponse(active.Id, status, reason, string.Join(" ", said)));
        await SendEventAsync(new JsonObject { ["type"] = "response.done", ["response"] = response }).ConfigureAwait(false);
    }

    private static Task Fail(ConversationReply reply, ref int deltas) =>
        reply.FailAfterDeltas is { } limit && deltas++ >= limit ? throw new FailedResponse() : Task.CompletedTask;

    private static JsonObject Response(string id, string status, JsonObject? details, JsonArray output, bool outOfBand) => new()
    {
        ["object"] = "realtime.response",
        ["id"] = id,
        ["status"] = status,
        ["status_details"] = details,
        ["output"] = output.DeepClone(),
        ["conversation_id"] = outOfBand ? null : "conv_1",
        ["usage"] = null,
        ["metadata"] = null,
    };

    /// <summary>One tone per sentence (300 Hz plus 100 Hz per sentence), 60 ms per word, in 100 ms deltas.</summary>
    private static IEnumerable<byte[]> Tone(string sentence, int index)
    {
        var samples = sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length * Rate * 6 / 100;
        var frequency = 300 + (100 * index);
        for (var start = 0; start < samples; start += Rate / 10)
        {
            var count = Math.Min(Rate / 10, samples - start);
            var chunk = new byte[count * 2];
            for (var i = 0; i < count; i++)
            {
                var v = (short)(Math.Sin(2 * Math.PI * frequency * (start + i) / Rate) * 12000);
                chunk[2 * i] = (byte)v;
                chunk[(2 * i) + 1] = (byte)(v >> 8);
            }

            yield return chunk;
        }
    }

    private static List<string> Sentences(string text) =>
        [.. SentenceEnd().Split(text.Trim()).Select(s => s.Trim()).Where(s => s.Length > 0)];

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceEnd();

    private bool Cancel(string reason)
    {
        lock (_gate)
        {
            if (_active is not { Cancelled: false } active)
            {
                return false;
            }

            active.Reason = reason;
            active.Cancelled = true;
            return true;
        }
    }

    private void Add(Item item)
    {
        lock (_gate)
        {
            item.Previous = _lastItem;
            _items[item.Id] = item;
            _lastItem = item.Id;
        }
    }

    private Task ItemAddedAndDoneAsync(JsonObject item, string? previous) =>
        SendEventAsync(new JsonObject { ["type"] = "conversation.item.added", ["previous_item_id"] = previous, ["item"] = item.DeepClone() })
            .ContinueWith(_ => SendEventAsync(new JsonObject { ["type"] = "conversation.item.done", ["previous_item_id"] = previous, ["item"] = item.DeepClone() }), TaskScheduler.Default).Unwrap();

    private string NextId(string prefix) => prefix + "_" + Interlocked.Increment(ref _counter).ToString("D3", CultureInfo.InvariantCulture);

    private string PeekId(string prefix) => prefix + "_" + (Volatile.Read(ref _counter) + 1).ToString("D3", CultureInfo.InvariantCulture);

    private Task ErrorAsync(string type, string code, string message, string? eventId, string? param = null) =>
        SendEventAsync(new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = type, ["code"] = code, ["message"] = message, ["param"] = param, ["event_id"] = eventId } });

    private sealed class Item(string id, string type, string? role)
    {
        public string Id { get; } = id;

        public string Type { get; } = type;

        public string? Role { get; } = role;

        public string? Previous { get; set; }

        public string? Heard { get; init; }

        public string? Said { get; init; }

        public int AudioMs { get; set; }
    }

    private sealed class Active(string id)
    {
        public string Id { get; } = id;

        public volatile bool Cancelled;

        public string? Reason { get; set; }

        public Task? Task { get; set; }
    }

    private sealed class FailedResponse : Exception;
}
