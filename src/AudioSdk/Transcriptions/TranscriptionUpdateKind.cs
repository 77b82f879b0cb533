namespace AudioSdk.Transcriptions;

/// <summary>What a <see cref="TranscriptionUpdate"/> carries.</summary>
public enum TranscriptionUpdateKind
{
    /// <summary>More text (<c>transcript.text.delta</c>): see <see cref="TranscriptionUpdate.Delta"/>.</summary>
    Delta,

    /// <summary>A finished speaker segment (<c>transcript.text.segment</c>): see <see cref="TranscriptionUpdate.Segment"/>.</summary>
    Segment,

    /// <summary>The end (<c>transcript.text.done</c>): see <see cref="TranscriptionUpdate.Text"/> and
    /// <see cref="TranscriptionUpdate.Usage"/>.</summary>
    Done,
}
