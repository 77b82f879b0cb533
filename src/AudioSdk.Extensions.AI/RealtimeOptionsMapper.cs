// RealtimeSessionOptions and its parts are experimental in Microsoft.Extensions.AI 11.0 (MEAI001).
#pragma warning disable MEAI001

using Microsoft.Extensions.AI;
using SdkRealtime = AudioSdk.Realtime;

namespace AudioSdk.Extensions.AI;

/// <summary>Maps Microsoft.Extensions.AI's realtime options onto AudioSdk's, refusing what cannot be honoured.</summary>
internal static class RealtimeOptionsMapper
{
    /// <summary>The only output audio the conversation dialect produces: PCM16 mono at 24 kHz.</summary>
    internal const int OutputSampleRate = 24000;

    internal static SdkRealtime.RealtimeSessionOptions ToSdk(SdkRealtime.RealtimeSessionOptions defaults, RealtimeSessionOptions? options)
    {
        if (options is null)
        {
            return defaults;
        }

        var dialect = defaults.Dialect;
        var transcription = options.SessionKind == RealtimeSessionKind.Transcription;
        if (transcription && dialect == SdkRealtime.RealtimeDialect.OpenAIConversation)
        {
            dialect = SdkRealtime.RealtimeDialect.OpenAITranscription;
        }
        else if (!transcription && options.SessionKind != RealtimeSessionKind.Conversation)
        {
            throw new NotSupportedException($"Session kind '{options.SessionKind}' is not supported: use Conversation or Transcription.");
        }
        else if (!transcription && dialect != SdkRealtime.RealtimeDialect.OpenAIConversation)
        {
            throw new NotSupportedException($"The {dialect} dialect transcribes only: create the session with SessionKind = RealtimeSessionKind.Transcription, or use a template in the OpenAIConversation dialect.");
        }

        var result = defaults with { Dialect = dialect };
        if (options.InputAudioFormat is { } input)
        {
            result = result with { InputSampleRate = PcmRate(input, "InputAudioFormat") };
        }

        if (options.VoiceActivityDetection is { } vad)
        {
            result = result with
            {
                TurnDetection = !vad.Enabled ? null
                    : (result.TurnDetection is { Mode: SdkRealtime.RealtimeTurnDetectionMode.Server } server ? server : new SdkRealtime.RealtimeTurnDetection()) with { InterruptResponse = transcription ? null : vad.AllowInterruption },
            };
        }

        var speech = options.TranscriptionOptions;
        if (transcription)
        {
            return result with
            {
                Model = speech?.ModelId ?? options.Model ?? result.Model,
                Language = speech?.SpeechLanguage ?? result.Language,
                Prompt = speech?.Prompt ?? result.Prompt,
            };
        }

        if (options.OutputAudioFormat is { } output && PcmRate(output, "OutputAudioFormat") != OutputSampleRate)
        {
            throw new NotSupportedException($"OutputAudioFormat: the conversation dialect speaks audio/pcm at {OutputSampleRate} Hz only.");
        }

        var conversation = result.Conversation ?? new SdkRealtime.RealtimeConversationOptions();
        return result with
        {
            Model = options.Model ?? result.Model,
            Language = speech?.SpeechLanguage ?? result.Language,
            Conversation = conversation with
            {
                Instructions = options.Instructions ?? conversation.Instructions,
                Voice = options.Voice ?? conversation.Voice,
                MaxOutputTokens = options.MaxOutputTokens ?? conversation.MaxOutputTokens,
                OutputModality = Modality(options.OutputModalities) ?? conversation.OutputModality,
                Tools = options.Tools is { } tools ? Tools(tools) : conversation.Tools,
                ToolChoice = ToolChoice(options.ToolMode) ?? conversation.ToolChoice,
                InputTranscriptionModel = speech?.ModelId ?? conversation.InputTranscriptionModel,
            },
        };
    }

    internal static RealtimeSessionOptions FromSdk(SdkRealtime.RealtimeSessionOptions options) => new()
    {
        SessionKind = options.Dialect == SdkRealtime.RealtimeDialect.OpenAIConversation ? RealtimeSessionKind.Conversation : RealtimeSessionKind.Transcription,
        Model = options.Model,
        InputAudioFormat = new RealtimeAudioFormat("audio/pcm", options.InputSampleRate),
        Instructions = options.Conversation?.Instructions,
        Voice = options.Conversation?.Voice,
        MaxOutputTokens = options.Conversation?.MaxOutputTokens,
    };

    internal static SdkRealtime.RealtimeOutputModality? Modality(IEnumerable<string>? modalities)
    {
        if (modalities is null || !modalities.Any())
        {
            return null;
        }

        if (modalities.Any(m => string.Equals(m, "audio", StringComparison.OrdinalIgnoreCase)))
        {
            return SdkRealtime.RealtimeOutputModality.Audio;
        }

        if (modalities.All(m => string.Equals(m, "text", StringComparison.OrdinalIgnoreCase)))
        {
            return SdkRealtime.RealtimeOutputModality.Text;
        }

        throw new NotSupportedException($"OutputModalities: only \"text\" and \"audio\" are supported, not {string.Join(", ", modalities)}.");
    }

    internal static List<SdkRealtime.RealtimeFunctionTool> Tools(IEnumerable<AITool> tools)
    {
        var result = new List<SdkRealtime.RealtimeFunctionTool>();
        foreach (var tool in tools)
        {
            if (tool is not AIFunctionDeclaration function)
            {
                throw new NotSupportedException($"Tool '{tool.Name}' ({tool.GetType().Name}) is not supported: realtime sessions take function declarations only.");
            }

            result.Add(new SdkRealtime.RealtimeFunctionTool(function.Name,
                string.IsNullOrEmpty(function.Description) ? null : function.Description, function.JsonSchema.GetRawText()));
        }

        return result;
    }

    internal static string? ToolChoice(ChatToolMode? mode) => mode switch
    {
        null => null,
        NoneChatToolMode => "none",
        AutoChatToolMode => "auto",
        RequiredChatToolMode { RequiredFunctionName: { } name } => name,
        RequiredChatToolMode => "required",
        _ => throw new NotSupportedException($"ToolMode {mode.GetType().Name} is not supported."),
    };

    private static int PcmRate(RealtimeAudioFormat format, string name) =>
        string.Equals(format.MediaType, "audio/pcm", StringComparison.OrdinalIgnoreCase)
            ? format.SampleRate
            : throw new NotSupportedException($"{name}: only audio/pcm (16-bit little-endian mono) is supported, not {format.MediaType}.");
}
