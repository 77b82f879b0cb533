using System.Text.Json;

namespace AudioSdk.Realtime.Protocol;

internal sealed partial class OpenAIConversationProtocol
{
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
