namespace AudioSdk.Realtime;

/// <summary>
/// Turn detection: who decides where an utterance ends when the microphone stays open. <see cref="RealtimeTurnDetectionMode.Server"/>
/// is OpenAI's server VAD (<c>turn_detection</c>, OpenAI dialect only); <see cref="RealtimeTurnDetectionMode.Client"/>
/// lets the SDK decide (the two transcription dialects: the push-to-talk servers, vLLM and Tinfoil, have no server VAD; the
/// conversation dialect refuses client turns when the session starts). Leaving
/// <see cref="RealtimeSessionOptions.TurnDetection"/> unset means push-to-talk: you commit each utterance.
/// </summary>
/// <remarks>
/// In client mode the session measures each 10 ms of audio (energy over a noise floor that adapts, with a zero-crossing
/// guard against broadband noise), opens a turn after <see cref="MinSpeechMs"/> of speech, sends the audio from
/// <see cref="PrefixPaddingMs"/> before the onset, and commits after <see cref="SilenceDurationMs"/> of silence. Audio
/// outside turns is not sent. It publishes <see cref="SpeechStarted"/> and <see cref="SpeechStopped"/> where the
/// server's would appear (marked <see cref="RealtimeEvent.IsSynthesized"/>), then the commit's <see cref="Committed"/>.
/// A manual <see cref="RealtimeSession.CommitAsync"/> still ends the turn under way.
/// </remarks>
public sealed record RealtimeTurnDetection
{
    /// <summary>Who decides: the server (default) or the SDK.</summary>
    public RealtimeTurnDetectionMode Mode { get; init; } = RealtimeTurnDetectionMode.Server;

    /// <summary>
    /// Sensitivity from 0 to 1 (the service default is 0.5). Server mode: the server's VAD threshold. Client mode: 0.5 is
    /// the tuned default; higher asks for more energy over the noise floor before audio counts as speech.
    /// </summary>
    public double? Threshold { get; init; }

    /// <summary>Audio kept before detected speech, in milliseconds (default 300).</summary>
    public int? PrefixPaddingMs { get; init; }

    /// <summary>Silence that ends a turn, in milliseconds (server default 500; client default from its tuning).</summary>
    public int? SilenceDurationMs { get; init; }

    /// <summary>Server mode, conversation dialect: OpenAI's <c>semantic_vad</c> (ends turns by what was said) instead of
    /// <c>server_vad</c>.</summary>
    public bool Semantic { get; init; }

    /// <summary>With <see cref="Semantic"/>: <c>low</c>, <c>medium</c>, <c>high</c> or <c>auto</c> (how soon a turn ends).</summary>
    public string? Eagerness { get; init; }

    /// <summary>Server mode, conversation dialect: answer each turn automatically (server default true).</summary>
    public bool? CreateResponse { get; init; }

    /// <summary>Server mode, conversation dialect: the user's speech cancels the answer under way (server default true).</summary>
    public bool? InterruptResponse { get; init; }

    /// <summary>Client mode only: speech needed before a turn opens, in milliseconds (clicks and coughs shorter than this are
    /// ignored).</summary>
    public int? MinSpeechMs { get; init; }

    /// <summary>
    /// Client mode only: what the speaker plays (<see cref="Audio.AudioPlayback.EchoReference"/>), so that the agent's own
    /// voice leaking back into the microphone neither opens a turn nor reads as a barge-in (see <see cref="EchoHandling"/>).
    /// None by default: every sound the microphone hears is judged alone.
    /// </summary>
    public Audio.PlaybackReference? EchoReference { get; init; }

    /// <summary>With <see cref="EchoReference"/>: gate on the expected echo (default) or half duplex.</summary>
    public RealtimeEchoHandling EchoHandling { get; init; } = RealtimeEchoHandling.Gate;

    /// <summary>Client-side turn detection with the tuned defaults.</summary>
    public static RealtimeTurnDetection OnClient { get; } = new() { Mode = RealtimeTurnDetectionMode.Client };

    internal void Validate(List<string> problems)
    {
        if (Threshold is < 0 or > 1)
        {
            problems.Add("TurnDetection.Threshold must be between 0 and 1.");
        }

        if (PrefixPaddingMs is < 0 or > 5000)
        {
            problems.Add("TurnDetection.PrefixPaddingMs must be between 0 and 5000.");
        }

        if (SilenceDurationMs is < 50 or > 10_000)
        {
            problems.Add("TurnDetection.SilenceDurationMs must be between 50 and 10000.");
        }

        if ((Semantic || Eagerness is not null || CreateResponse is not null || InterruptResponse is not null)
            && Mode != RealtimeTurnDetectionMode.Server)
        {
            problems.Add("TurnDetection.Semantic, Eagerness, CreateResponse and InterruptResponse apply to server-side turn detection only.");
        }

        if (Eagerness is not null and not ("low" or "medium" or "high" or "auto"))
        {
            problems.Add("TurnDetection.Eagerness must be low, medium, high or auto.");
        }

        if (EchoReference is not null && Mode != RealtimeTurnDetectionMode.Client)
        {
            problems.Add("TurnDetection.EchoReference applies to client-side turn detection only.");
        }

        if (!Enum.IsDefined(EchoHandling))
        {
            problems.Add("TurnDetection.EchoHandling must be Gate or HalfDuplex.");
        }

        if (MinSpeechMs is not null && Mode != RealtimeTurnDetectionMode.Client)
        {
            problems.Add("TurnDetection.MinSpeechMs applies to client-side turn detection only.");
        }
        else if (MinSpeechMs is < 10 or > 5000)
        {
            problems.Add("TurnDetection.MinSpeechMs must be between 10 and 5000.");
        }
    }

    internal Uplink.TurnDetectorSettings ToDetectorSettings()
    {
        var defaults = Uplink.TurnDetectorSettings.Default;
        return new Uplink.TurnDetectorSettings(
            MinSpeechMs is { } min ? TimeSpan.FromMilliseconds(min) : defaults.MinSpeech,
            PrefixPaddingMs is { } padding ? TimeSpan.FromMilliseconds(padding) : defaults.PrefixPadding,
            SilenceDurationMs is { } silence ? TimeSpan.FromMilliseconds(silence) : defaults.SilenceDuration,
            Threshold ?? defaults.Threshold,
            EchoReference,
            EchoHandling == RealtimeEchoHandling.HalfDuplex);
    }
}

/// <summary>Who decides where a turn ends (<see cref="RealtimeTurnDetection.Mode"/>).</summary>
public enum RealtimeTurnDetectionMode
{
    /// <summary>The server's VAD (OpenAI's <c>server_vad</c>; OpenAI dialect only).</summary>
    Server,

    /// <summary>The SDK, on the audio it sends (the two transcription dialects; the conversation dialect refuses it).</summary>
    Client,
}
