using System.Text.Json;

namespace AudioSdk.Realtime.Protocol;

/// <summary>
/// OpenAI's conversational realtime dialect (GA <c>type: "realtime"</c> sessions): the transcription dialect's input
/// events plus responses, output audio, text and transcripts, function calls and conversation items. GA names on send;
/// GA and beta names on receive. Output audio deltas are read on a fast path that decodes the base64 once.
/// </summary>
internal sealed partial class OpenAIConversationProtocol : OpenAITranscriptionProtocol
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
}
