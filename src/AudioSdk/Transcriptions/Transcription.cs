using System.Text.Json;
using System.Text.Json.Serialization;
using AudioSdk.Internal.Json;

namespace AudioSdk.Transcriptions;

/// <summary>
/// A transcript in any of the JSON formats (<c>json</c>, <c>verbose_json</c>, <c>diarized_json</c>):
/// text, language, duration, segments, words, diarized segments, usage and log probabilities, with
/// every field the service added kept in <see cref="ServiceObject.AdditionalProperties"/>.
/// </summary>
public sealed class Transcription : ServiceObject
{
    /// <summary>The transcript.</summary>
    [JsonInclude]
    public string Text { get; internal set; } = string.Empty;

    /// <summary>The spoken language the service found or was given (a name such as <c>english</c>, or a code).</summary>
    [JsonInclude]
    public string? Language { get; internal set; }

    /// <summary>The audio's duration, when the format reports it.</summary>
    [JsonInclude]
    [JsonConverter(typeof(NullableSecondsConverter))]
    public TimeSpan? Duration { get; internal set; }

    /// <summary>The task the service ran (<c>transcribe</c>), when reported.</summary>
    [JsonInclude]
    public string? Task { get; internal set; }

    /// <summary>The <c>verbose_json</c> segments; empty for other formats.</summary>
    [JsonIgnore]
    public IReadOnlyList<TranscriptionSegment> Segments { get; internal set; } = [];

    /// <summary>The <c>diarized_json</c> segments with speakers; empty for other formats.</summary>
    [JsonIgnore]
    public IReadOnlyList<TranscriptionDiarizedSegment> DiarizedSegments { get; internal set; } = [];

    /// <summary>The words with timestamps, when word timestamps were asked for.</summary>
    [JsonInclude]
    public IReadOnlyList<TranscriptionWord> Words { get; internal set; } = [];

    /// <summary>What the request was billed for, when reported.</summary>
    [JsonInclude]
    public TranscriptionUsage? Usage { get; internal set; }

    /// <summary>Token log probabilities, when <see cref="TranscriptionOptions.IncludeLogProbabilities"/> was set.</summary>
    [JsonInclude]
    [JsonPropertyName("logprobs")]
    public IReadOnlyList<TranscriptionTokenLogProbability> LogProbabilities { get; internal set; } = [];

    /// <summary>The languages the service detected (<c>languages</c>), for models that report them.</summary>
    [JsonInclude]
    [JsonPropertyName("languages")]
    public IReadOnlyList<TranscriptionLanguage> DetectedLanguages { get; internal set; } = [];

    /// <summary>The response's status, request id and headers.</summary>
    [JsonIgnore]
    public ResponseMetadata Metadata { get; internal set; } = ResponseMetadata.None;

    [JsonInclude]
    [JsonPropertyName("segments")]
    internal JsonElement? RawSegments { get; set; }

    /// <summary>
    /// SubRip subtitles built from the segments (or, without segments, the diarized segments or the words),
    /// which also works for a transcript stitched from chunks of a long recording.
    /// </summary>
    /// <param name="options">The layout; defaults apply when <see langword="null"/>.</param>
    public string ToSrt(AudioSdk.Subtitles.SubtitleOptions? options = null) => AudioSdk.Subtitles.SubtitleFile.ToSrt(Cues(options));

    /// <summary>WebVTT subtitles built like <see cref="ToSrt"/>.</summary>
    /// <param name="options">The layout; defaults apply when <see langword="null"/>.</param>
    public string ToVtt(AudioSdk.Subtitles.SubtitleOptions? options = null) => AudioSdk.Subtitles.SubtitleFile.ToVtt(Cues(options));

    /// <inheritdoc />
    public override string ToString() => Text;

    private IReadOnlyList<AudioSdk.Subtitles.SubtitleCue> Cues(AudioSdk.Subtitles.SubtitleOptions? options)
    {
        if (Segments.Count > 0)
        {
            return AudioSdk.Subtitles.SubtitleFile.FromSegments(Segments, options);
        }

        if (DiarizedSegments.Count > 0)
        {
            return DiarizedSegments.Select(d =>
                new AudioSdk.Subtitles.SubtitleCue(d.Start, d.End, $"{d.Speaker}: {d.Text.Trim()}")).ToList();
        }

        return AudioSdk.Subtitles.SubtitleFile.FromWords(Words, options);
    }

    private protected override void OnDeserialized()
    {
        Text ??= string.Empty;
        Words ??= [];
        LogProbabilities ??= [];
        DetectedLanguages ??= [];
        (Segments, DiarizedSegments) = SegmentReader.Read(RawSegments);
        RawSegments = null;
    }
}
