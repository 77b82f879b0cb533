using System.Text.Json;

namespace AudioSdk.Realtime.Protocol;

/// <summary>
/// OpenAI's conversational realtime dialect (GA <c>type: "realtime"</c> sessions): the transcription dialect's input
/// events plus responses, output audio, text and transcripts, function calls and conversation items. GA names on send;
/// GA and beta names on receive. Output audio deltas are read on a fast path that decodes the base64 once.
/// </summary>
internal sealed class OpenAIConversationProtocol : OpenAITranscriptionProtocol
{
    public new static readonly OpenAIConversationProtocol Instance = new();

    /// <summary>The only PCM rate of the dialect, both ways.</summary>
    public const int Rate = 24000;

    private string? _lastResponseId;
    private string? _lastOutputItemId;

    public override string Query(RealtimeSessionOptions options) => "model=" + Uri.EscapeDataString(options.Model ?? string.Empty);

    public override void WriteSessionUpdate(Utf8JsonWriter writer, RealtimeSessionOptions options, int eventId)
    {
        var conversation = options.Conversation ?? new RealtimeConversationOptions();
        writer.WriteStartObject();
        writer.WriteString("type"u8, "session.update"u8);
        WriteEventId(writer, eventId);
        writer.WriteStartObject("session"u8);
        writer.WriteString("type"u8, "realtime"u8);
        if (conversation.Instructions is { } instructions)
        {
            writer.WriteString("instructions"u8, instructions);
        }

        WriteModality(writer, conversation.OutputModality);
        writer.WriteStartObject("audio"u8);
        writer.WriteStartObject("input"u8);
        WriteFormat(writer, conversation.InputAudioFormat);
        if (conversation.InputTranscriptionModel is { } transcription)
        {
            writer.WriteStartObject("transcription"u8);
            writer.WriteString("model"u8, transcription);
            if (options.Language is { } language)
            {
                writer.WriteString("language"u8, language);
            }

            writer.WriteEndObject();
        }

        WriteTurnDetection(writer, options.TurnDetection, conversation: true);
        writer.WriteEndObject();
        writer.WriteStartObject("output"u8);
        WriteFormat(writer, conversation.OutputAudioFormat);
        if (conversation.Voice is { } voice)
        {
            writer.WriteString("voice"u8, voice);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        if (conversation.Tools is { Count: > 0 } tools)
        {
            WriteTools(writer, tools);
        }

        WriteToolChoice(writer, conversation.ToolChoice);
        if (conversation.MaxOutputTokens is { } max)
        {
            writer.WriteNumber("max_output_tokens"u8, max);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>
    /// An item of the conversation so far, for a new connection: messages as text (the assistant's as <c>output_text</c>,
    /// since an <c>output_audio</c> part is refused), function calls and outputs as they were, under their known id.
    /// </summary>
    private static void WriteSeedItem(Utf8JsonWriter writer, Continuity.SeedItem item)
    {
        writer.WriteStartObject("item"u8);
        if (item.Id is { } id)
        {
            writer.WriteString("id"u8, id);
        }

        writer.WriteString("type"u8, item.Type);
        switch (item.Type)
        {
            case "function_call":
                writer.WriteString("call_id"u8, item.CallId);
                writer.WriteString("name"u8, item.Name);
                writer.WriteString("arguments"u8, item.Arguments);
                break;
            case "function_call_output":
                writer.WriteString("call_id"u8, item.CallId);
                writer.WriteString("output"u8, item.Text);
                break;
            default:
                writer.WriteString("role"u8, item.Role);
                writer.WriteStartArray("content"u8);
                writer.WriteStartObject();
                writer.WriteString("type"u8, item.Role == "assistant" ? "output_text"u8 : "input_text"u8);
                writer.WriteString("text"u8, item.Text);
                writer.WriteEndObject();
                writer.WriteEndArray();
                break;
        }

        writer.WriteEndObject();
    }

    protected override void WriteConversation(Utf8JsonWriter writer, ConversationCommand command, int eventId)
    {
        writer.WriteStartObject();
        switch (command)
        {
            case UserTextCommand text:
                writer.WriteString("type"u8, "conversation.item.create"u8);
                WriteEventId(writer, eventId);
                writer.WriteStartObject("item"u8);
                writer.WriteString("type"u8, "message"u8);
                writer.WriteString("role"u8, "user"u8);
                writer.WriteStartArray("content"u8);
                writer.WriteStartObject();
                writer.WriteString("type"u8, "input_text"u8);
                writer.WriteString("text"u8, text.Text);
                writer.WriteEndObject();
                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            case FunctionOutputCommand output:
                writer.WriteString("type"u8, "conversation.item.create"u8);
                WriteEventId(writer, eventId);
                writer.WriteStartObject("item"u8);
                writer.WriteString("type"u8, "function_call_output"u8);
                writer.WriteString("call_id"u8, output.CallId);
                writer.WriteString("output"u8, output.Output);
                writer.WriteEndObject();
                break;
            case SeedItemCommand seed:
                writer.WriteString("type"u8, "conversation.item.create"u8);
                WriteEventId(writer, eventId);
                WriteSeedItem(writer, seed.Item);
                break;
            case CreateResponseCommand create:
                writer.WriteString("type"u8, "response.create"u8);
                WriteEventId(writer, eventId);
                if (create.Options is { } overrides)
                {
                    WriteResponse(writer, overrides);
                }

                break;
            case CancelResponseCommand cancel:
                writer.WriteString("type"u8, "response.cancel"u8);
                WriteEventId(writer, eventId);
                if (cancel.ResponseId is { } responseId)
                {
                    writer.WriteString("response_id"u8, responseId);
                }

                break;
            case TruncateCommand truncate:
                writer.WriteString("type"u8, "conversation.item.truncate"u8);
                WriteEventId(writer, eventId);
                writer.WriteString("item_id"u8, truncate.ItemId);
                writer.WriteNumber("content_index"u8, truncate.ContentIndex);
                writer.WriteNumber("audio_end_ms"u8, truncate.AudioEndMs);
                break;
            case DeleteItemCommand delete:
                writer.WriteString("type"u8, "conversation.item.delete"u8);
                WriteEventId(writer, eventId);
                writer.WriteString("item_id"u8, delete.ItemId);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(command));
        }

        writer.WriteEndObject();
    }

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
                return new OutputAudioDelta(String(root, "response_id"), String(root, "item_id"), Int(root, "output_index") ?? 0, Int(root, "content_index") ?? 0, audio.ValueKind == JsonValueKind.String && audio.TryGetBytesFromBase64(out var bytes) ? bytes : Empty(audio));
            case "response.output_audio.done":
            case "response.audio.done":
                return new OutputAudioDone(String(root, "response_id"), String(root, "item_id"), root);
            case "response.output_audio_transcript.delta":
            case "response.audio_transcript.delta":
                return new OutputAudioTranscriptDelta(String(root, "response_id"), String(root, "item_id"), String(root, "delta") ?? string.Empty, root);
            case "response.output_audio_transcript.done":
            case "response.audio_transcript.done":
                return new OutputAudioTranscriptDone(String(root, "response_id"), String(root, "item_id"), String(root, "transcript") ?? string.Empty, root);
            case "response.output_text.delta":
            case "response.text.delta":
                return new OutputTextDelta(String(root, "response_id"), String(root, "item_id"), String(root, "delta") ?? string.Empty, root);
            case "response.output_text.done":
            case "response.text.done":
                return new OutputTextDone(String(root, "response_id"), String(root, "item_id"), String(root, "text") ?? string.Empty, root);
            case "response.function_call_arguments.delta":
                return new FunctionCallArgumentsDelta(String(root, "response_id"), String(root, "item_id"), String(root, "call_id"), String(root, "delta") ?? string.Empty, root);
            case "response.function_call_arguments.done":
                return new FunctionCallArgumentsDone(String(root, "response_id"), String(root, "item_id"), String(root, "call_id"), String(root, "name"), String(root, "arguments") ?? string.Empty, root);
            case "response.output_item.added":
                return new OutputItemAdded(String(root, "response_id"), Int(root, "output_index") ?? 0, Item(Member(root, "item")), root);
            case "response.output_item.done":
                return new OutputItemDone(String(root, "response_id"), Int(root, "output_index") ?? 0, Item(Member(root, "item")), root);
            case "response.content_part.added":
            case "response.content_part.done":
                var part = Member(root, "part");
                var partText = String(part, "text") ?? String(part, "transcript") ?? string.Empty;
                return type == "response.content_part.added"
                    ? new ContentPartAdded(String(root, "response_id"), String(root, "item_id"), Int(root, "output_index") ?? 0, Int(root, "content_index") ?? 0, String(part, "type"), partText, root)
                    : new ContentPartDone(String(root, "response_id"), String(root, "item_id"), Int(root, "output_index") ?? 0, Int(root, "content_index") ?? 0, String(part, "type"), partText, root);
            case "conversation.item.added":
            case "conversation.item.created":
                return new ConversationItemAdded(Item(Member(root, "item")), String(root, "previous_item_id"), root);
            case "conversation.item.done":
                return new ConversationItemDone(Item(Member(root, "item")), String(root, "previous_item_id"), root);
            case "conversation.item.truncated":
                return new ConversationItemTruncated(String(root, "item_id"), Int(root, "content_index") ?? 0, Int(root, "audio_end_ms") ?? 0, root);
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

        return new ResponseDone(String(response, "id"), String(response, "status"), String(Member(response, "status_details"), "reason"), ids, Usage(response), root);
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

        return new RealtimeItem(String(item, "id"), String(item, "type"), String(item, "role"), String(item, "status"), String(item, "call_id"), String(item, "name"), text, item);
    }

    private static List<RealtimeRateLimit> RateLimits(JsonElement limits)
    {
        var list = new List<RealtimeRateLimit>();
        if (limits.ValueKind == JsonValueKind.Array)
        {
            foreach (var limit in limits.EnumerateArray())
            {
                list.Add(new RealtimeRateLimit(String(limit, "name"), Long(limit, "limit"), Long(limit, "remaining"), Double(limit, "reset_seconds")));
            }
        }
        else if (limits.ValueKind != JsonValueKind.Undefined)
        {
            LeftOut("rate_limits", limits.ValueKind.ToString());
        }

        return list;
    }

    private static void WriteFormat(Utf8JsonWriter writer, RealtimeAudioEncoding format)
    {
        writer.WriteStartObject("format"u8);
        switch (format)
        {
            case RealtimeAudioEncoding.G711MuLaw:
                writer.WriteString("type"u8, "audio/pcmu"u8);
                break;
            case RealtimeAudioEncoding.G711ALaw:
                writer.WriteString("type"u8, "audio/pcma"u8);
                break;
            default:
                writer.WriteString("type"u8, "audio/pcm"u8);
                writer.WriteNumber("rate"u8, Rate);
                break;
        }

        writer.WriteEndObject();
    }

    private static void WriteModality(Utf8JsonWriter writer, RealtimeOutputModality modality)
    {
        writer.WriteStartArray("output_modalities"u8);
        writer.WriteStringValue(modality == RealtimeOutputModality.Text ? "text"u8 : "audio"u8);
        writer.WriteEndArray();
    }

    private static void WriteTools(Utf8JsonWriter writer, IList<RealtimeFunctionTool> tools)
    {
        writer.WriteStartArray("tools"u8);
        foreach (var tool in tools)
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "function"u8);
            writer.WriteString("name"u8, tool.Name);
            if (tool.Description is { } description)
            {
                writer.WriteString("description"u8, description);
            }

            writer.WritePropertyName("parameters"u8);
            if (tool.ParametersJsonSchema is { } schema)
            {
                writer.WriteRawValue(schema, skipInputValidation: false);
            }
            else
            {
                writer.WriteRawValue("{\"type\":\"object\",\"properties\":{}}"u8, skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteToolChoice(Utf8JsonWriter writer, string? choice)
    {
        switch (choice)
        {
            case null:
                return;
            case "auto" or "none" or "required":
                writer.WriteString("tool_choice"u8, choice);
                return;
            default:
                writer.WriteStartObject("tool_choice"u8);
                writer.WriteString("type"u8, "function"u8);
                writer.WriteString("name"u8, choice);
                writer.WriteEndObject();
                return;
        }
    }

    private static void WriteResponse(Utf8JsonWriter writer, RealtimeResponseOptions options)
    {
        writer.WriteStartObject("response"u8);
        if (options.OutOfBand)
        {
            writer.WriteString("conversation"u8, "none"u8);
        }

        if (options.Instructions is { } instructions)
        {
            writer.WriteString("instructions"u8, instructions);
        }

        if (options.OutputModality is { } modality)
        {
            WriteModality(writer, modality);
        }

        if (options.Voice is { } voice)
        {
            writer.WriteStartObject("audio"u8);
            writer.WriteStartObject("output"u8);
            writer.WriteString("voice"u8, voice);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        if (options.Tools is { } tools)
        {
            WriteTools(writer, tools);
        }

        WriteToolChoice(writer, options.ToolChoice);
        if (options.MaxOutputTokens is { } max)
        {
            writer.WriteNumber("max_output_tokens"u8, max);
        }

        if (options.Metadata is { Count: > 0 } metadata)
        {
            writer.WriteStartObject("metadata"u8);
            foreach (var pair in metadata)
            {
                writer.WriteString(pair.Key, pair.Value);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
