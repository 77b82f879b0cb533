using AudioSdk.Transcriptions;
using AudioSdk.Translations;

namespace AudioSdk.LongForm;

/// <summary>
/// A chunk of a long recording failed for good (after the client's retries). Says which chunk and time
/// range, keeps the failure as <see cref="Exception.InnerException"/>, and keeps what the other chunks produced.
/// </summary>
public sealed class LongFormChunkException : AudioSdkException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failedChunk">The chunk that failed.</param>
    /// <param name="chunkCount">How many chunks the recording was cut into.</param>
    /// <param name="completedChunks">The chunks that succeeded, with their text.</param>
    /// <param name="innerException">Why the chunk failed.</param>
    public LongFormChunkException(LongFormChunk failedChunk, int chunkCount, IReadOnlyList<LongFormChunk> completedChunks,
        Exception innerException)
        : base($"Chunk {failedChunk?.Index + 1} of {chunkCount} ({failedChunk?.Start:hh\\:mm\\:ss\\.fff} to {failedChunk?.End:hh\\:mm\\:ss\\.fff}) failed: {innerException?.Message}", innerException)
    {
        FailedChunk = failedChunk ?? throw new ArgumentNullException(nameof(failedChunk));
        ChunkCount = chunkCount;
        CompletedChunks = completedChunks ?? throw new ArgumentNullException(nameof(completedChunks));
    }

    /// <summary>The chunk that failed.</summary>
    public LongFormChunk FailedChunk { get; }

    /// <summary>How many chunks the recording was cut into.</summary>
    public int ChunkCount { get; }

    /// <summary>The chunks that succeeded, in order, with their text.</summary>
    public IReadOnlyList<LongFormChunk> CompletedChunks { get; }

    /// <summary>The successful chunks stitched together (with gaps where chunks failed), for transcriptions in a JSON format.</summary>
    public Transcription? PartialTranscription { get; internal set; }

    /// <summary>The successful chunks stitched together, for translations in a JSON format.</summary>
    public Translation? PartialTranslation { get; internal set; }

    /// <summary>The successful chunks stitched together, for text, SRT and WebVTT.</summary>
    public string? PartialText { get; internal set; }
}
