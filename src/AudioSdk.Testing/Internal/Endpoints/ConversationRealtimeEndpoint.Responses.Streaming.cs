using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using static AudioSdk.Testing.Internal.ConversationConfig;

namespace AudioSdk.Testing.Internal.Endpoints;

internal sealed partial class ConversationRealtimeEndpoint
{
    /// <summary>The response lifecycle in the reference's push-to-talk order; a cancel, a scripted failure or the token limit cuts it and
    /// still sends the dones.</summary>
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
                await DropAsync().ConfigureAwait(false);
                status = "dropped";
                return false;
            }

            if (reply.FailAfterDeltas is { } limit && deltas >= limit)
            {
                status = "failed";
                var code = reply.FailureCode;
                details = new JsonObject { ["type"] = "failed", ["error"] = new JsonObject { ["type"] = "server_error", ["code"] = code } };
                await ErrorAsync(code, "The server had an error while processing your request.", null,
                    type: "server_error").ConfigureAwait(false);
                return false;
            }

            deltas++;
            return true;
        }

        try
        {
            await SendEventAsync(new JsonObject { ["type"] = "response.created",
                ["response"] = Response(active, plan, "in_progress", null, new JsonArray(), null) }).ConfigureAwait(false);
            await SendEventAsync(new JsonObject
            {
                ["type"] = "rate_limits.updated",
                ["rate_limits"] = new JsonArray(
                    new JsonObject { ["name"] = "requests", ["limit"] = 1000, ["remaining"] = 999, ["reset_seconds"] = 60 },
                    new JsonObject { ["name"] = "tokens", ["limit"] = 50000, ["remaining"] = 50000 - (plan.MaxTokens ?? 4096),
                        ["reset_seconds"] = 60 }),
            }).ConfigureAwait(false);
            var outputIndex = 0;
            var sentences = ConversationVoice.Sentences(reply.Text);
            if (sentences.Count > 0)
            {
                var part = text ? "text" : "audio";
                var field = text ? "text" : "transcript";
                var item = new Item(NextId("item"), "message", "assistant")
                {
                    Json = new JsonObject { ["id"] = string.Empty, ["object"] = "realtime.item", ["type"] = "message",
                        ["status"] = "in_progress", ["role"] = "assistant", ["content"] = new JsonArray() },
                };
                item.Json["id"] = item.Id;
                var previous = plan.OutOfBand ? null : Insert(item, null);
                await SendEventAsync(new JsonObject { ["type"] = "response.output_item.added", ["response_id"] = active.Id,
                    ["output_index"] = outputIndex, ["item"] = item.Json.DeepClone() }).ConfigureAwait(false);
                if (!plan.OutOfBand)
                {
                    await SendEventAsync(new JsonObject { ["type"] = "conversation.item.added", ["previous_item_id"] = previous,
                        ["item"] = item.Json.DeepClone() }).ConfigureAwait(false);
                }

                await SendEventAsync(Content("response.content_part.added", active, item, outputIndex,
                    new JsonObject { ["part"] = new JsonObject { ["type"] = part, [field] = string.Empty } })).ConfigureAwait(false);
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
                            await SendEventAsync(Content("response.output_audio.delta", active, item, outputIndex,
                                new JsonObject { ["delta"] = Convert.ToBase64String(chunk) })).ConfigureAwait(false);
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
                    await SendEventAsync(Content(text ? "response.output_text.delta" : "response.output_audio_transcript.delta", active,
                        item, outputIndex, new JsonObject { ["delta"] = delta })).ConfigureAwait(false);
                    await Task.Delay(delay).ConfigureAwait(false);
                }

                var whole = string.Join(" ", said);
                if (!text)
                {
                    await SendEventAsync(Content("response.output_audio.done", active, item, outputIndex,
                        new JsonObject())).ConfigureAwait(false);
                }

                await SendEventAsync(Content(text ? "response.output_text.done" : "response.output_audio_transcript.done", active, item,
                    outputIndex, new JsonObject { [field] = whole })).ConfigureAwait(false);
                await SendEventAsync(Content("response.content_part.done", active, item, outputIndex,
                    new JsonObject { ["part"] = new JsonObject { ["type"] = part, [field] = whole } })).ConfigureAwait(false);
                lock (_gate)
                {
                    item.Json["status"] = Going() ? "completed" : "incomplete";
                    item.Json["content"] = new JsonArray(new JsonObject { ["type"] = text ? "output_text" : "output_audio",
                        [field] = whole });
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
                callItem.Json = new JsonObject { ["id"] = callItem.Id, ["object"] = "realtime.item", ["type"] = "function_call",
                    ["status"] = "in_progress", ["name"] = call.Name, ["call_id"] = callId, ["arguments"] = string.Empty };
                var previous = plan.OutOfBand ? null : Insert(callItem, null);
                await SendEventAsync(new JsonObject { ["type"] = "response.output_item.added", ["response_id"] = active.Id,
                    ["output_index"] = outputIndex, ["item"] = callItem.Json.DeepClone() }).ConfigureAwait(false);
                if (!plan.OutOfBand)
                {
                    await SendEventAsync(new JsonObject { ["type"] = "conversation.item.added", ["previous_item_id"] = previous,
                        ["item"] = callItem.Json.DeepClone() }).ConfigureAwait(false);
                }

                var sent = 0;
                foreach (var piece in Pieces(call.ArgumentsJson))
                {
                    if (!await MayDeltaAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    sent += piece.Length;
                    await SendEventAsync(new JsonObject { ["type"] = "response.function_call_arguments.delta", ["response_id"] = active.Id,
                        ["item_id"] = callItem.Id, ["output_index"] = outputIndex, ["call_id"] = callId,
                        ["delta"] = piece }).ConfigureAwait(false);
                    await Task.Delay(delay).ConfigureAwait(false);
                }

                var complete = sent == call.ArgumentsJson.Length && Going();
                if (complete)
                {
                    await SendEventAsync(new JsonObject { ["type"] = "response.function_call_arguments.done", ["response_id"] = active.Id,
                        ["item_id"] = callItem.Id, ["output_index"] = outputIndex, ["call_id"] = callId, ["name"] = call.Name,
                        ["arguments"] = call.ArgumentsJson }).ConfigureAwait(false);
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
            Record.Responses.Enqueue(new ReceivedResponse(active.Id, status, status == "cancelled" ? active.Reason : null,
                string.Join(" ", said))
            {
                OutputModality = plan.Modality,
                Instructions = plan.Instructions,
                OutOfBand = plan.OutOfBand,
                AudioMs = audioMs,
                FunctionCalls = [.. output.Where(o => Text(o?["type"]) == "function_call").Select(o => Text(o!["name"])!)],
            });
            await SendEventAsync(new JsonObject { ["type"] = "response.done",
                ["response"] = Response(active, plan, status, details, output, usage) }).ConfigureAwait(false);
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

        await SendEventAsync(new JsonObject { ["type"] = "response.output_item.done", ["response_id"] = active.Id,
            ["output_index"] = outputIndex, ["item"] = done.DeepClone() }).ConfigureAwait(false);
        if (!plan.OutOfBand)
        {
            await SendEventAsync(new JsonObject { ["type"] = "conversation.item.done", ["previous_item_id"] = previous,
                ["item"] = done.DeepClone() }).ConfigureAwait(false);
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
}
