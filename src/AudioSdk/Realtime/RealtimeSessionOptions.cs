using AudioSdk.Internal;

namespace AudioSdk.Realtime;

/// <summary>How a realtime session connects, what it declares and how it sends audio, in any of the three dialects.</summary>
public sealed record RealtimeSessionOptions
{
    /// <summary>The protocol. Default <see cref="RealtimeDialect.OpenAITranscription"/>.</summary>
    public RealtimeDialect Dialect { get; init; } = RealtimeDialect.OpenAITranscription;

    /// <summary>The transcription model (required), such as <c>gpt-4o-transcribe</c> or <c>voxtral-mini-4b-realtime</c>.</summary>
    public string? Model { get; init; }

    /// <summary>The spoken language (ISO-639-1), for the OpenAI dialect.</summary>
    public string? Language { get; init; }

    /// <summary>A prompt that guides the transcription (free text context), for the OpenAI dialect. <c>gpt-realtime-whisper</c> takes
    /// none.</summary>
    public string? Prompt { get; init; }

    /// <summary>
    /// Keyword hints for the transcription (<c>audio.input.transcription.keywords</c>): domain terms and names the model
    /// should expect. OpenAI transcription dialect; <c>gpt-live-transcribe</c> and <c>gpt-transcribe</c> document them.
    /// </summary>
    public IReadOnlyList<string>? Keywords { get; init; }

    /// <summary>Input noise reduction, near or far field (<c>audio.input.noise_reduction</c>), for the OpenAI transcription dialect; unset
    /// sends none.</summary>
    public RealtimeNoiseReduction? NoiseReduction { get; init; }

    /// <summary>
    /// The sample rate of the audio you send through <see cref="RealtimeSession.SendAudioAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.
    /// When it differs from <see cref="SessionSampleRate"/> the SDK resamples it (band-limited, not linear). Default 16000.
    /// </summary>
    public int InputSampleRate { get; init; } = 16000;

    /// <summary>
    /// How the bytes passed to <see cref="RealtimeSession.SendAudioAsync(ReadOnlyMemory{byte}, CancellationToken)"/> are
    /// encoded: PCM16 (default), or G.711 μ-law/A-law codes (one byte per sample, usually at 8000 Hz: set
    /// <see cref="InputSampleRate"/>), which the SDK decodes before resampling to the wire rate.
    /// </summary>
    public RealtimeAudioEncoding InputEncoding { get; init; } = RealtimeAudioEncoding.Pcm16;

    /// <summary>
    /// The rate sent on the wire: 16000 for the native dialect (the only one vLLM takes); for the OpenAI dialect
    /// the declared <c>audio.input.format.rate</c>, 24000 by default (OpenAI's only rate; Tinfoil also takes 16000).
    /// </summary>
    public int? SessionSampleRate { get; init; }

    /// <summary>
    /// Turn detection for an open microphone: the server's VAD (OpenAI dialects) or the SDK's own
    /// (<see cref="RealtimeTurnDetection.OnClient"/>,
    /// the two transcription dialects; the conversation dialect refuses client turns when the session starts);
    /// <see langword="null"/> is push-to-talk (<c>turn_detection: null</c>): you commit each utterance.
    /// </summary>
    public RealtimeTurnDetection? TurnDetection { get; init; }

    /// <summary>Asks for token log probabilities on deltas (<c>include: ["item.input_audio_transcription.logprobs"]</c>).</summary>
    public bool IncludeLogProbabilities { get; init; }

    /// <summary>The audio carried by one append message. Default 100 ms.</summary>
    public TimeSpan ChunkDuration { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Send audio no faster than real time (for playback of files as if live). Default off.</summary>
    public bool RealTimePacing { get; init; }

    /// <summary>How long the WebSocket upgrade (and, for the OpenAI dialect, the <c>session.updated</c> reply) may take. Default 15
    /// s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a commit may wait for the service (its acknowledgment, or the native dialect's final text). Default 60
    /// s.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The native dialect's bound on utterances under way at once, each on its own connection: the next utterance starts
    /// at once while earlier ones wait for their transcripts, and only past this many does it wait for the oldest
    /// transcript. Results still come out in order. 1 makes each utterance wait for the last one's transcript. Between 1
    /// and 16; default 4.
    /// </summary>
    public int MaxConcurrentUtterances { get; init; } = 4;

    /// <summary>WebSocket keep-alive ping interval. Default 20 s.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The largest server message accepted; a larger one closes the session with an error. Default 16 MiB.</summary>
    public int MaxMessageBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>The endpoint path relative to the client's endpoint. Default <c>realtime</c>.</summary>
    public string Path { get; init; } = "realtime";

    /// <summary>Extra headers for the WebSocket upgrade request.</summary>
    public IDictionary<string, string> AdditionalHeaders { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// A short-lived key (<c>ek_...</c>) to connect with instead of the client's API key, as a browser-facing or mobile
    /// app receives it from its backend (<see cref="AudioClient.CreateRealtimeClientSecretAsync"/>). A plain string converts.
    /// Printing the options never shows it.
    /// </summary>
    public RealtimeClientSecret? ClientSecret { get; init; }

    /// <summary>
    /// Reconnects after a dropped connection without losing audio (see <see cref="RealtimeReconnectOptions"/>);
    /// <see langword="null"/> (the default) ends the session when the connection drops. In the conversation dialect the
    /// conversation is resumed on the new connection (seeded as items; see <see cref="RealtimeReconnectOptions"/>).
    /// </summary>
    public RealtimeReconnectOptions? Reconnect { get; init; }

    /// <summary>The conversation dialect's configuration (<see cref="RealtimeDialect.OpenAIConversation"/>): instructions, voice, modality,
    /// tools.</summary>
    public RealtimeConversationOptions? Conversation { get; init; }

    /// <summary>Extra query parameters for the WebSocket URL.</summary>
    public IDictionary<string, string> AdditionalQueryParameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Checks the options that do not depend on the dialect, then the dialect's own (<paramref name="driver"/>).</summary>
    internal void Validate(Drivers.RealtimeDriver driver)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Model))
        {
            problems.Add("Model is required.");
        }

        if (InputSampleRate is <= 0 or > 768_000)
        {
            problems.Add("InputSampleRate must be between 1 and 768000.");
        }

        if (SessionSampleRate is <= 0 or > 768_000)
        {
            problems.Add("SessionSampleRate must be between 1 and 768000.");
        }

        if (ChunkDuration < TimeSpan.FromMilliseconds(10) || ChunkDuration > TimeSpan.FromSeconds(10))
        {
            problems.Add("ChunkDuration must be between 10 ms and 10 s.");
        }

        if (ConnectTimeout <= TimeSpan.Zero || ResponseTimeout <= TimeSpan.Zero)
        {
            problems.Add("ConnectTimeout and ResponseTimeout must be positive.");
        }

        if (MaxConcurrentUtterances is < 1 or > 16)
        {
            problems.Add("MaxConcurrentUtterances must be between 1 and 16.");
        }

        if (MaxMessageBytes < 1024)
        {
            problems.Add("MaxMessageBytes must be at least 1024.");
        }

        Reconnect?.Validate(problems);
        TurnDetection?.Validate(problems);
        Conversation?.Validate(problems);
        if ((Keywords is not null || NoiseReduction is not null) && Dialect != RealtimeDialect.OpenAITranscription)
        {
            problems.Add("Keywords and NoiseReduction apply to the OpenAI transcription dialect only.");
        }

        if (Conversation is not null && Dialect != RealtimeDialect.OpenAIConversation)
        {
            problems.Add("Conversation applies to the conversation dialect (RealtimeDialect.OpenAIConversation) only.");
        }
        driver.Validate(problems);
        Validation.ThrowIfAny(problems, nameof(RealtimeSessionOptions));
    }
}
