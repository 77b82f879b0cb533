namespace AudioSdk.LongForm;

/// <summary>How far a long-form transcription or translation has come.</summary>
/// <param name="ChunksCompleted">Chunks done.</param>
/// <param name="ChunkCount">Chunks in all.</param>
/// <param name="AudioCompleted">Audio covered by the chunks done.</param>
/// <param name="AudioTotal">The whole recording's duration.</param>
public sealed record LongFormProgress(int ChunksCompleted, int ChunkCount, TimeSpan AudioCompleted, TimeSpan AudioTotal);
