using System.Text.Json;

namespace AudioSdk.Realtime.Protocol;

/// <summary>OpenAI's Realtime transcription dialect: GA names on send, GA and beta names on receive.</summary>
internal class OpenAITranscriptionProtocol : RealtimeProtocol
{
    public static readonly OpenAITranscriptionProtocol Instance = new();

    /// <summary>How messages name the configuration's acknowledgement.</summary>
    public const string ConfigurationReplyName = "the session configuration (session.updated)";

    /// <summary>The rate declared when the options name none: OpenAI's only PCM rate.</summary>
    public const int DefaultRate = 24000;

    /// <summary>
    /// OpenAI's transcription models that have no server-side turn detection: the VAD guide says <c>gpt-live-transcribe</c>
    /// and <c>gpt-realtime-whisper</c> "require turn detection to be omitted or set to null" and that each audio turn is
    /// finished with <c>input_audio_buffer.commit</c> (https://developers.openai.com/api/docs/guides/realtime-vad);
    /// <c>gpt-transcribe</c> transcribes "committed turns in Realtime sessions"
    /// (https://developers.openai.com/api/docs/models/gpt-transcribe). With them the SDK sends <c>turn_detection: null</c>
    /// and refuses <see cref="RealtimeTurnDetectionMode.Server"/> before connecting.
    /// </summary>
    private static readonly string[] CommitOnlyModels = ["gpt-live-transcribe", "gpt-realtime-whisper", "gpt-transcribe"];

    /// <summary>
    /// No <c>model</c> in the URL: the transcription guide warns that a model-based URL "creates a conversation session
    /// and doesn't accept the transcription update" (https://developers.openai.com/api/docs/guides/realtime-transcription).
    /// </summary>
    public override string Query(RealtimeSessionOptions options) => "intent=transcription";

    /// <summary>The transcription dialect's own checks, field by field, before any connection.</summary>
    public static void Validate(RealtimeSessionOptions options, List<string> problems)
    {
        var model = options.Model ?? string.Empty;
        var commitOnly = Array.Exists(CommitOnlyModels, m => model.StartsWith(m, StringComparison.OrdinalIgnoreCase));
        if (commitOnly && options.TurnDetection is { Mode: RealtimeTurnDetectionMode.Server })
        {
            problems.Add($"{model} has no server-side turn detection: leave TurnDetection unset and commit each utterance, or use RealtimeTurnDetection.OnClient.");
        }

        if (options.Prompt is not null && model.StartsWith("gpt-realtime-whisper", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("gpt-realtime-whisper takes no Prompt; use Keywords or leave Prompt unset.");
        }

        if (options.Keywords is { } keywords && (keywords.Count == 0 || keywords.Any(string.IsNullOrWhiteSpace)))
        {
            problems.Add("Keywords must be non-empty words or phrases (leave it unset for none).");
        }

        if (options.NoiseReduction is { } noise && !Enum.IsDefined(noise))
        {
            problems.Add("NoiseReduction must be NearField or FarField.");
        }

        if (options.AdditionalQueryParameters.Keys.Any(k => string.Equals(k, "model", StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add("AdditionalQueryParameters must not carry 'model' in the transcription dialect: a model in the URL opens a conversation session instead; set Model.");
        }
    }

    public override void WriteSessionUpdate(Utf8JsonWriter writer, RealtimeSessionOptions options, int eventId)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "session.update"u8);
        WriteEventId(writer, eventId);
        writer.WriteStartObject("session"u8);
        writer.WriteString("type"u8, "transcription"u8);
        writer.WriteStartObject("audio"u8);
        writer.WriteStartObject("input"u8);
        writer.WriteStartObject("format"u8);
        writer.WriteString("type"u8, "audio/pcm"u8);
        writer.WriteNumber("rate"u8, options.SessionSampleRate ?? DefaultRate);
        writer.WriteEndObject();
        writer.WriteStartObject("transcription"u8);
        writer.WriteString("model"u8, options.Model);
        if (options.Language is { } language)
        {
            writer.WriteString("language"u8, language);
        }

        if (options.Prompt is { } prompt)
        {
            writer.WriteString("prompt"u8, prompt);
        }

        if (options.Keywords is { Count: > 0 } keywords)
        {
            writer.WriteStartArray("keywords"u8);
            foreach (var keyword in keywords)
            {
                writer.WriteStringValue(keyword);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        WriteTurnDetection(writer, options.TurnDetection, conversation: false);
        if (options.NoiseReduction is { } noise)
        {
            writer.WriteStartObject("noise_reduction"u8);
            writer.WriteString("type"u8, noise == RealtimeNoiseReduction.FarField ? "far_field"u8 : "near_field"u8);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        if (options.IncludeLogProbabilities)
        {
            writer.WriteStartArray("include"u8);
            writer.WriteStringValue("item.input_audio_transcription.logprobs"u8);
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>
    /// <c>turn_detection</c>: server (or, in the conversation dialect, semantic) VAD with the options set, or null for
    /// push-to-talk and client-side turns. The response flags exist only in the conversation dialect.
    /// </summary>
    protected static void WriteTurnDetection(Utf8JsonWriter writer, RealtimeTurnDetection? turns, bool conversation)
    {
        if (turns is not { Mode: RealtimeTurnDetectionMode.Server } vad)
        {
            writer.WriteNull("turn_detection"u8);
            return;
        }

        var semantic = conversation && vad.Semantic;
        writer.WriteStartObject("turn_detection"u8);
        writer.WriteString("type"u8, semantic ? "semantic_vad"u8 : "server_vad"u8);
        if (semantic && vad.Eagerness is { } eagerness)
        {
            writer.WriteString("eagerness"u8, eagerness);
        }

        if (!semantic && vad.Threshold is { } threshold)
        {
            writer.WriteNumber("threshold"u8, threshold);
        }

        if (!semantic && vad.PrefixPaddingMs is { } prefix)
        {
            writer.WriteNumber("prefix_padding_ms"u8, prefix);
        }

        if (!semantic && vad.SilenceDurationMs is { } silence)
        {
            writer.WriteNumber("silence_duration_ms"u8, silence);
        }

        if (conversation && vad.CreateResponse is { } create)
        {
            writer.WriteBoolean("create_response"u8, create);
        }

        if (conversation && vad.InterruptResponse is { } interrupt)
        {
            writer.WriteBoolean("interrupt_response"u8, interrupt);
        }

        writer.WriteEndObject();
    }

    public override void WriteCommit(Utf8JsonWriter writer, bool final, int eventId)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "input_audio_buffer.commit"u8);
        WriteEventId(writer, eventId);
        writer.WriteEndObject();
    }

    protected override ReadOnlySpan<byte> DeltaType => "conversation.item.input_audio_transcription.delta"u8;

    protected override RealtimeEvent? CreateDelta(string? itemId, string? delta, int? contentIndex, string? currentItemId, byte[] raw) =>
        new TranscriptDelta(itemId, delta ?? string.Empty, contentIndex, [], "conversation.item.input_audio_transcription.delta", raw);

    protected override RealtimeEvent? Read(string type, JsonElement root, string? currentItemId)
    {
        switch (type)
        {
            case "session.created":
            case "transcription_session.created":
                return new SessionCreated(String(Member(root, "session"), "id"), type, root);
            case "session.updated":
            case "transcription_session.updated":
                return new SessionUpdated(type, root);
            case "input_audio_buffer.committed":
                return new Committed(String(root, "item_id") ?? string.Empty, String(root, "previous_item_id"), root);
            case "input_audio_buffer.cleared":
                return new Cleared(root);
            case "input_audio_buffer.speech_started":
                return new SpeechStarted(String(root, "item_id"), Int(root, "audio_start_ms") ?? 0, root);
            case "input_audio_buffer.speech_stopped":
                return new SpeechStopped(String(root, "item_id"), Int(root, "audio_end_ms") ?? 0, root);
            case "conversation.item.input_audio_transcription.delta":
                return new TranscriptDelta(String(root, "item_id"), String(root, "delta") ?? string.Empty, Int(root, "content_index"),
                    LogProbs(root), type, root);
            case "conversation.item.input_audio_transcription.completed":
                return new TranscriptCompleted(String(root, "item_id"), String(root, "transcript") ?? string.Empty, Usage(root),
                    LogProbs(root), type, root);
            case "conversation.item.input_audio_transcription.failed":
                var failure = Member(root, "error");
                return new TranscriptFailed(String(root, "item_id"), String(failure, "type"), String(failure, "code"),
                    String(failure, "message"), root);
            case "error":
                var error = Member(root, "error");
                return error.ValueKind == JsonValueKind.String
                    ? new ServerError(null, String(root, "code"), String(root, "error") ?? "(no message)", null, null, root)
                    : new ServerError(String(error, "type"), String(error, "code"), String(error, "message") ?? "(no message)",
                        String(error, "param"), String(error, "event_id"), root);
            default:
                return null;
        }
    }
}
