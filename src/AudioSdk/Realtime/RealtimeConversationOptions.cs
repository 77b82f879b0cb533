using AudioSdk.Internal;

namespace AudioSdk.Realtime;

/// <summary>
/// The conversation dialect's session configuration (<see cref="RealtimeDialect.OpenAIConversation"/>): what the model
/// is told, how it answers, and the tools it may call. Unset fields keep the server's defaults. Turn detection is
/// <see cref="RealtimeSessionOptions.TurnDetection"/> (server or semantic VAD, or push-to-talk when unset).
/// </summary>
public sealed record RealtimeConversationOptions
{
    /// <summary>The system instructions.</summary>
    public string? Instructions { get; init; }

    /// <summary>The voice (<c>alloy</c>, <c>marin</c>, <c>cedar</c>, ...); it cannot change once the model has spoken.</summary>
    public string? Voice { get; init; }

    /// <summary>Speak (default) or write the answers.</summary>
    public RealtimeOutputModality OutputModality { get; init; } = RealtimeOutputModality.Audio;

    /// <summary>A model that transcribes the user's audio as a side channel (for example <c>gpt-4o-mini-transcribe</c>); off when
    /// unset.</summary>
    public string? InputTranscriptionModel { get; init; }

    /// <summary>Functions the model may call.</summary>
    public IList<RealtimeFunctionTool> Tools { get; init; } = [];

    /// <summary><c>auto</c> (default), <c>none</c>, <c>required</c>, or a function's name to force it.</summary>
    public string? ToolChoice { get; init; }

    /// <summary>
    /// The audio sent on the wire to the model (<c>audio.input.format</c>): 24 kHz PCM16 (default), or G.711 μ-law/A-law at
    /// 8 kHz for telephony. What you pass to <c>SendAudioAsync</c> is still set by <see cref="RealtimeSessionOptions.InputEncoding"/>
    /// and <see cref="RealtimeSessionOptions.InputSampleRate"/>: the SDK resamples and encodes.
    /// </summary>
    public RealtimeAudioEncoding InputAudioFormat { get; init; } = RealtimeAudioEncoding.Pcm16;

    /// <summary>
    /// The model's spoken answer (<c>audio.output.format</c>): 24 kHz PCM16 (default), or G.711 at 8 kHz, which
    /// <see cref="OutputAudioDelta.Audio"/> then carries as received (<see cref="OutputAudioDelta.ToPcm16"/> decodes it).
    /// </summary>
    public RealtimeAudioEncoding OutputAudioFormat { get; init; } = RealtimeAudioEncoding.Pcm16;

    /// <summary>The most tokens per response, tool calls included (1 to 4096); unlimited when unset.</summary>
    public int? MaxOutputTokens { get; init; }

    internal void Validate(List<string> problems)
    {
        if (MaxOutputTokens is < 1 or > 4096)
        {
            problems.Add("Conversation.MaxOutputTokens must be between 1 and 4096.");
        }

        foreach (var tool in Tools ?? [])
        {
            tool?.Validate(problems);
        }
    }
}

/// <summary>Whether the model speaks or writes its answers.</summary>
public enum RealtimeOutputModality
{
    /// <summary>Speech, with its transcript.</summary>
    Audio,

    /// <summary>Text only.</summary>
    Text,
}

/// <summary>A function the model may call (conversation dialect).</summary>
/// <param name="Name">The function's name.</param>
/// <param name="Description">What it does, for the model.</param>
/// <param name="ParametersJsonSchema">Its parameters as a JSON Schema object text; an empty object schema when unset.</param>
public sealed record RealtimeFunctionTool(string Name, string? Description = null, string? ParametersJsonSchema = null)
{
    internal void Validate(List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            problems.Add("Every tool needs a Name.");
        }

        if (ParametersJsonSchema is { } schema)
        {
            try
            {
                using var doc = System.Text.Json.JsonDocument.Parse(schema);
                if (doc.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
                {
                    problems.Add($"Tool '{Name}': ParametersJsonSchema must be a JSON object.");
                }
            }
            catch (System.Text.Json.JsonException)
            {
                problems.Add($"Tool '{Name}': ParametersJsonSchema is not valid JSON.");
            }
        }
    }
}

/// <summary>Overrides for one response (<see cref="RealtimeSession.CreateResponseAsync"/>); unset fields keep the session's.</summary>
public sealed record RealtimeResponseOptions
{
    /// <summary>Instructions for this response only.</summary>
    public string? Instructions { get; init; }

    /// <summary>Speak or write this response.</summary>
    public RealtimeOutputModality? OutputModality { get; init; }

    /// <summary>The voice for this response.</summary>
    public string? Voice { get; init; }

    /// <summary>Tools for this response only (an empty list: none).</summary>
    public IList<RealtimeFunctionTool>? Tools { get; init; }

    /// <summary><c>auto</c>, <c>none</c>, <c>required</c>, or a function's name.</summary>
    public string? ToolChoice { get; init; }

    /// <summary>The most tokens for this response (1 to 4096).</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>An out-of-band response: its output is not added to the conversation (<c>conversation: "none"</c>); tell it apart by
    /// <see cref="Metadata"/>.</summary>
    public bool OutOfBand { get; init; }

    /// <summary>Up to 16 pairs echoed on the response (keys up to 64 characters, values up to 512).</summary>
    public IDictionary<string, string>? Metadata { get; init; }

    internal void Validate()
    {
        var problems = new List<string>();
        if (MaxOutputTokens is < 1 or > 4096)
        {
            problems.Add("MaxOutputTokens must be between 1 and 4096.");
        }

        if (Metadata is { } metadata && (metadata.Count > 16 || metadata.Any(p => p.Key.Length > 64 || p.Value.Length > 512)))
        {
            problems.Add("Metadata takes at most 16 pairs, keys up to 64 characters and values up to 512.");
        }

        foreach (var tool in Tools ?? [])
        {
            tool?.Validate(problems);
        }

        Validation.ThrowIfAny(problems, nameof(RealtimeResponseOptions));
    }
}
