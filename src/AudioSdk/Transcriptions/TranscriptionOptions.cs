namespace AudioSdk.Transcriptions;

/// <summary>
/// The fields of a transcription request (OpenAI's <c>CreateTranscriptionRequest</c>, less the file and
/// <c>stream</c>, which the method chosen sets). Every field maps to the form field of the same name.
/// </summary>
public sealed record TranscriptionOptions
{
    /// <summary>
    /// <c>model</c>: <c>whisper-1</c>, <c>gpt-4o-transcribe</c>, <c>whisper-large-v3-turbo</c>, or whatever the provider serves.
    /// Most providers require it; when left <see langword="null"/> no field is sent and a provider that documents a
    /// default (TIE: <c>whisper-1</c>) applies it, while one that requires it answers with its own error. A blank name
    /// is rejected before sending.
    /// </summary>
    public string? Model { get; set; }

    /// <summary><c>language</c>: the spoken language as ISO-639-1 (<c>en</c>), which improves accuracy and latency.</summary>
    public string? Language { get; set; }

    /// <summary><c>languages[]</c>: the languages the audio may be in (for models that take a list).</summary>
    public IList<string> Languages { get; set; } = [];

    /// <summary><c>keywords[]</c>: words or phrases that guide recognition (for models that take them).</summary>
    public IList<string> Keywords { get; set; } = [];

    /// <summary><c>prompt</c>: text that guides style or continues a previous segment.</summary>
    public string? Prompt { get; set; }

    /// <summary><c>response_format</c>; by default <c>json</c> for the typed methods and <c>text</c> for the text method.</summary>
    public TranscriptionFormat? ResponseFormat { get; set; }

    /// <summary><c>temperature</c>, from 0 to 1.</summary>
    public float? Temperature { get; set; }

    /// <summary><c>timestamp_granularities[]</c>: word and/or segment timestamps (with <c>verbose_json</c>).</summary>
    public TimestampGranularities TimestampGranularities { get; set; }

    /// <summary><c>include[]=logprobs</c>: token log probabilities (with <c>json</c> on models that return them).</summary>
    public bool IncludeLogProbabilities { get; set; }

    /// <summary><c>chunking_strategy</c>: <c>auto</c> or server VAD settings.</summary>
    public TranscriptionChunkingStrategy? ChunkingStrategy { get; set; }

    /// <summary><c>known_speaker_names[]</c>: up to 4 names for diarization, matching <see cref="KnownSpeakerReferences"/>.</summary>
    public IList<string> KnownSpeakerNames { get; set; } = [];

    /// <summary><c>known_speaker_references[]</c>: up to 4 data URLs of 2 to 10 second samples, one per name.</summary>
    public IList<string> KnownSpeakerReferences { get; set; } = [];

    /// <summary>
    /// Form fields a provider accepts that this type does not model yet, sent as given. A name that is
    /// already set by a property above is rejected, so a field is never sent twice.
    /// </summary>
    public IDictionary<string, string> AdditionalFields { get; set; } = new Dictionary<string, string>();

    /// <summary>Adds a known speaker: the name and a short sample, encoded as a data URL.</summary>
    /// <param name="name">The label the service returns for this speaker.</param>
    /// <param name="sample">A 2 to 10 second sample of the speaker, in a format the service accepts.</param>
    /// <param name="contentType">The sample's content type.</param>
    /// <returns>These options, for chaining.</returns>
    public TranscriptionOptions AddKnownSpeaker(string name, ReadOnlySpan<byte> sample, string contentType = "audio/wav")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        if (sample.IsEmpty)
        {
            throw new ArgumentException("The speaker sample is empty.", nameof(sample));
        }

        KnownSpeakerNames.Add(name);
        KnownSpeakerReferences.Add($"data:{contentType};base64,{Convert.ToBase64String(sample)}");
        return this;
    }
}
