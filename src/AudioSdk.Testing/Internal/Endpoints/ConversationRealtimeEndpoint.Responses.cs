using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using static AudioSdk.Testing.Internal.ConversationConfig;

namespace AudioSdk.Testing.Internal.Endpoints;

/// <summary>The response streamer: plans a response, streams its items, content and usage, and ends or cancels it.</summary>
internal sealed partial class ConversationRealtimeEndpoint
{
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
        var reply = _takeReply() ?? DefaultReply(overrides?["input"] as JsonArray);
        if (reply.RecitesConversation)
        {
            reply = new ConversationReply { Text = Recite(), ToolCalls = reply.ToolCalls, FailAfterDeltas = reply.FailAfterDeltas, FailureCode = reply.FailureCode, DropConnectionAfterDeltas = reply.DropConnectionAfterDeltas };
        }

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

    /// <summary>The conversation as a response sees it, for <see cref="ConversationReply.RecitesConversation"/>.</summary>
    private string Recite()
    {
        lock (_gate)
        {
            return string.Join(" | ", _items.Select(i => i.Type switch
            {
                "function_call" => $"call {Text(i.Json["name"])}({Text(i.Json["arguments"])})",
                "function_call_output" => $"output {i.Said}",
                _ => i.Said is { } said ? $"{i.Role}: {said}" : string.Create(CultureInfo.InvariantCulture, $"{i.Role}: (audio {i.Heard?.Duration.TotalSeconds ?? 0:0.00} s)"),
            }));
        }
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

            if (reply.DropConnectionAfterDeltas is { } dropAt && deltas >= dropAt)
            {
                Abort?.Invoke();
                status = "dropped";
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

    /// <summary>What a response was asked for: the session's config with the response's overrides.</summary>
    private sealed record Plan(string Modality, string Instructions, JsonNode? Voice, string ToolChoice, int? MaxTokens, JsonNode? Metadata, bool OutOfBand);

    private sealed class Active(string id, bool outOfBand)
    {
        public string Id { get; } = id;

        public bool OutOfBand { get; } = outOfBand;

        public volatile bool Cancelled;

        public string? Reason { get; set; }

        public Task? Task { get; set; }
    }
}
