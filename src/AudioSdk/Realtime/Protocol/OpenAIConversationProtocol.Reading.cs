using System.Text.Json;

namespace AudioSdk.Realtime.Protocol;

internal sealed partial class OpenAIConversationProtocol
{
    protected override RealtimeEvent? Read(string type, JsonElement root, string? currentItemId)
    {
        switch (type)
        {
            case "response.created":
                return new ResponseCreated(String(Member(root, "response"), "id"), root);
            case "response.done":
                return ReadResponseDone(root);
            case "response.output_audio.delta":
            case "response.audio.delta":
                var audio = Member(root, "delta");
                return new OutputAudioDelta(String(root, "response_id"), String(root, "item_id"), Int(root, "output_index") ?? 0,
                    Int(root, "content_index") ?? 0, audio.ValueKind == JsonValueKind.String
                    && audio.TryGetBytesFromBase64(out var bytes) ? bytes : Empty(audio));
            case "response.output_audio.done":
            case "response.audio.done":
                return new OutputAudioDone(String(root, "response_id"), String(root, "item_id"), root);
            case "response.output_audio_transcript.delta":
            case "response.audio_transcript.delta":
                return new OutputAudioTranscriptDelta(String(root, "response_id"), String(root, "item_id"), String(root, "delta")
                    ?? string.Empty, root);
            case "response.output_audio_transcript.done":
            case "response.audio_transcript.done":
                return new OutputAudioTranscriptDone(String(root, "response_id"), String(root, "item_id"), String(root, "transcript")
                    ?? string.Empty, root);
            case "response.output_text.delta":
            case "response.text.delta":
                return new OutputTextDelta(String(root, "response_id"), String(root, "item_id"), String(root, "delta") ?? string.Empty,
                    root);
            case "response.output_text.done":
            case "response.text.done":
                return new OutputTextDone(String(root, "response_id"), String(root, "item_id"), String(root, "text") ?? string.Empty, root);
            case "response.function_call_arguments.delta":
                return new FunctionCallArgumentsDelta(String(root, "response_id"), String(root, "item_id"), String(root, "call_id"),
                    String(root, "delta") ?? string.Empty, root);
            case "response.function_call_arguments.done":
                return new FunctionCallArgumentsDone(String(root, "response_id"), String(root, "item_id"), String(root, "call_id"),
                    String(root, "name"), String(root, "arguments") ?? string.Empty, root);
            case "response.output_item.added":
                return new OutputItemAdded(String(root, "response_id"), Int(root, "output_index") ?? 0, Item(Member(root, "item")), root);
            case "response.output_item.done":
                return new OutputItemDone(String(root, "response_id"), Int(root, "output_index") ?? 0, Item(Member(root, "item")), root);
            case "response.content_part.added":
            case "response.content_part.done":
                var part = Member(root, "part");
                var partText = String(part, "text") ?? String(part, "transcript") ?? string.Empty;
                return type == "response.content_part.added"
                    ? new ContentPartAdded(String(root, "response_id"), String(root, "item_id"), Int(root, "output_index") ?? 0,
                        Int(root, "content_index") ?? 0, String(part, "type"), partText, root)
                    : new ContentPartDone(String(root, "response_id"), String(root, "item_id"), Int(root, "output_index") ?? 0,
                        Int(root, "content_index") ?? 0, String(part, "type"), partText, root);
            case "conversation.item.added":
            case "conversation.item.created":
                return new ConversationItemAdded(Item(Member(root, "item")), String(root, "previous_item_id"), root);
            case "conversation.item.done":
                return new ConversationItemDone(Item(Member(root, "item")), String(root, "previous_item_id"), root);
            case "conversation.item.truncated":
                return new ConversationItemTruncated(String(root, "item_id"), Int(root, "content_index") ?? 0, Int(root, "audio_end_ms")
                    ?? 0, root);
            case "conversation.item.deleted":
                return new ConversationItemDeleted(String(root, "item_id"), root);
            case "rate_limits.updated":
                return new RateLimitsUpdated(RateLimits(Member(root, "rate_limits")), root);
            default:
                return base.Read(type, root, currentItemId);
        }
    }

    /// <summary>
    /// The hot path: a well-formed <c>response.output_audio.delta</c> read field by field; the base64 is decoded once
    /// into the event's own array, the JSON is not kept, ids repeated from the last delta share one string.
    /// </summary>
    protected override bool TryReadFast(ReadOnlySpan<byte> utf8, out RealtimeEvent? evt)
    {
        evt = null;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var isAudio = false;
            string? responseId = null;
            string? itemId = null;
            int outputIndex = 0, contentIndex = 0;
            byte[]? audio = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.String
                        || !(reader.ValueTextEquals("response.output_audio.delta"u8) || reader.ValueTextEquals("response.audio.delta"u8)))
                    {
                        return false;
                    }

                    isAudio = true;
                }
                else if (reader.ValueTextEquals("delta"u8))
                {
                    if (!isAudio || !reader.Read() || reader.TokenType != JsonTokenType.String || !reader.TryGetBytesFromBase64(out audio))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("response_id"u8))
                {
                    if (!ReadId(ref reader, ref _lastResponseId, out responseId))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("item_id"u8))
                {
                    if (!ReadId(ref reader, ref _lastOutputItemId, out itemId))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("output_index"u8) || reader.ValueTextEquals("content_index"u8))
                {
                    var isOutput = reader.ValueTextEquals("output_index"u8);
                    if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var index))
                    {
                        return false;
                    }

                    if (isOutput)
                    {
                        outputIndex = index;
                    }
                    else
                    {
                        contentIndex = index;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (!isAudio || audio is null || reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false;
            }

            evt = new OutputAudioDelta(responseId, itemId, outputIndex, contentIndex, audio);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private static bool ReadId(ref Utf8JsonReader reader, ref string? last, out string? id)
    {
        id = null;
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        var previous = Volatile.Read(ref last);
        if (previous is not null && reader.ValueTextEquals(previous))
        {
            id = previous;
            return true;
        }

        id = reader.GetString();
        Volatile.Write(ref last, id);
        return true;
    }

    private static byte[] Empty(JsonElement field)
    {
        if (field.ValueKind != JsonValueKind.Undefined)
        {
            LeftOut("delta", field.ValueKind == JsonValueKind.String ? "not base64" : field.ValueKind.ToString());
        }

        return [];
    }

    private static ResponseDone ReadResponseDone(JsonElement root)
    {
        var response = Member(root, "response");
        var ids = new List<string>();
        if (Member(response, "output") is { ValueKind: JsonValueKind.Array } output)
        {
            foreach (var item in output.EnumerateArray())
            {
                if (String(item, "id") is { } id)
                {
                    ids.Add(id);
                }
            }
        }

        return new ResponseDone(String(response, "id"), String(response, "status"), String(Member(response, "status_details"), "reason"),
            ids, Usage(response), root);
    }

    private static RealtimeItem Item(JsonElement item)
    {
        string? text = null;
        if (Member(item, "content") is { ValueKind: JsonValueKind.Array } content)
        {
            foreach (var part in content.EnumerateArray())
            {
                text = String(part, "text") ?? String(part, "transcript");
                if (text is not null)
                {
                    break;
                }
            }
        }

        return new RealtimeItem(String(item, "id"), String(item, "type"), String(item, "role"), String(item, "status"),
            String(item, "call_id"), String(item, "name"), text, item);
    }

    private static List<RealtimeRateLimit> RateLimits(JsonElement limits)
    {
        var list = new List<RealtimeRateLimit>();
        if (limits.ValueKind == JsonValueKind.Array)
        {
            foreach (var limit in limits.EnumerateArray())
            {
                list.Add(new RealtimeRateLimit(String(limit, "name"), Long(limit, "limit"), Long(limit, "remaining"),
                    Double(limit, "reset_seconds")));
            }
        }
        else if (limits.ValueKind != JsonValueKind.Undefined)
        {
            LeftOut("rate_limits", limits.ValueKind.ToString());
        }

        return list;
    }
}
