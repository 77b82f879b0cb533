using System.Text.Json;

namespace AudioSdk.Transcriptions;

/// <summary>One event of a streaming transcription.</summary>
public sealed class TranscriptionUpdate
{
    internal TranscriptionUpdate(TranscriptionUpdateKind kind, string eventType, JsonElement raw, ResponseMetadata metadata)
    {
        Kind = kind;
        EventType = eventType;
        RawEvent = raw;
        Metadata = metadata;
    }

    /// <summary>What this update carries.</summary>
    public TranscriptionUpdateKind Kind { get; }

    /// <summary>The event's <c>type</c> as sent (for example <c>transcript.text.delta</c>).</summary>
    public string EventType { get; }

    /// <summary>The new text, for <see cref="TranscriptionUpdateKind.Delta"/>.</summary>
    public string? Delta { get; internal set; }

    /// <summary>The whole transcript, for <see cref="TranscriptionUpdateKind.Done"/>; the segment's text for
    /// <see cref="TranscriptionUpdateKind.Segment"/>.</summary>
    public string? Text { get; internal set; }

    /// <summary>The diarized segment a delta belongs to (<c>segment_id</c>), when the model diarizes.</summary>
    public string? SegmentId { get; internal set; }

    /// <summary>The finished speaker segment, for <see cref="TranscriptionUpdateKind.Segment"/>.</summary>
    public TranscriptionDiarizedSegment? Segment { get; internal set; }

    /// <summary>Token log probabilities of this delta or of the whole text, when asked for.</summary>
    public IReadOnlyList<TranscriptionTokenLogProbability> LogProbabilities { get; internal set; } = [];

    /// <summary>What the request was billed for, on <see cref="TranscriptionUpdateKind.Done"/> when reported.</summary>
    public TranscriptionUsage? Usage { get; internal set; }

    /// <summary>
    /// The whole transcript, on a <see cref="TranscriptionUpdateKind.Done"/> update from a server that ignored
    /// <c>stream=true</c> and answered with JSON (segments, words and language included); otherwise <see langword="null"/>.
    /// </summary>
    public Transcription? Transcription { get; internal set; }

    /// <summary>The event's JSON as received, including fields this type does not model.</summary>
    public JsonElement RawEvent { get; }

    /// <summary>The status, request id and headers of the streaming response.</summary>
    public ResponseMetadata Metadata { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Delta ?? Text}";
}
