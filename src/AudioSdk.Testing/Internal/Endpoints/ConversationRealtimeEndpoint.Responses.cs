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
            await ErrorAsync("conversation_already_has_active_response",
                $"Conversation already has an active response in progress: {busy}. Wait until the response is finished before creating a new one.", eventId).ConfigureAwait(false);
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
            reply = new ConversationReply { Text = Recite(), ToolCalls = reply.ToolCalls, FailAfterDeltas = reply.FailAfterDeltas,
                FailureCode = reply.FailureCode, DropConnectionAfterDeltas = reply.DropConnectionAfterDeltas };
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
                { Heard: { } heard } =>
                    string.Create(CultureInfo.InvariantCulture,
                    $"I heard {heard.Duration.TotalSeconds:0.00} seconds at {heard.FrequencyHz:0} Hz. How can I help?"),
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
                _ =>
                    i.Said is { } said ? $"{i.Role}: {said}" : string.Create(CultureInfo.InvariantCulture,
                    $"{i.Role}: (audio {i.Heard?.Duration.TotalSeconds ?? 0:0.00} s)"),
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
        var evt = new JsonObject { ["type"] = type, ["response_id"] = active.Id, ["item_id"] = item.Id, ["output_index"] = outputIndex,
            ["content_index"] = 0 };
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

    private static JsonObject Response(Active active, Plan plan, string status, JsonObject? details, JsonArray output,
        JsonObject? usage) => new()
    {
        ["object"] = "realtime.response",
        ["id"] = active.Id,
        ["status"] = status,
        ["status_details"] = details?.DeepClone(),
        ["output"] = output.DeepClone(),
        ["conversation_id"] = plan.OutOfBand ? null : "conv_1",
        ["output_modalities"] = new JsonArray(plan.Modality),
        ["max_output_tokens"] = plan.MaxTokens is { } max ? max : "inf",
        ["audio"] = new JsonObject { ["output"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "audio/pcm", ["rate"] = Rate },
            ["voice"] = plan.Voice?.DeepClone() } },
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
    private sealed record Plan(string Modality, string Instructions, JsonNode? Voice, string ToolChoice, int? MaxTokens,
        JsonNode? Metadata, bool OutOfBand);

    private sealed class Active(string id, bool outOfBand)
    {
        public string Id { get; } = id;

        public bool OutOfBand { get; } = outOfBand;

        public volatile bool Cancelled;

        public string? Reason { get; set; }

        public Task? Task { get; set; }
    }
}
