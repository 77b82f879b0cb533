using AudioSdk.Internal;

namespace AudioSdk.LongForm;

/// <summary>How a long recording is split, sent and reported.</summary>
public sealed record LongFormOptions
{
    /// <summary>
    /// The largest chunk in bytes. Default 24,000,000: under the 25 MB that OpenAI and Infery (whisper-1) document,
    /// whether MB is read as 10^6 or 2^20 bytes.
    /// </summary>
    public long MaxChunkBytes { get; init; } = 24_000_000;

    /// <summary>The longest chunk. Default 10 minutes, within every provider's limit and their advice of 10 to 15 minute
    /// segments.</summary>
    public TimeSpan MaxChunkDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How far before each size or duration limit a WAV cut may move to find the quietest 10 ms, so words are
    /// not cut in half. Default 15 seconds.
    /// </summary>
    public TimeSpan BoundarySearchWindow { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Chunks transcribed at the same time. Default 3.</summary>
    public int MaxParallelism { get; init; } = 3;

    /// <summary>
    /// Receives progress after each chunk, one report at a time with the completed count increasing. Keep the
    /// handler short: it runs on the completing chunk's thread. A <see cref="Progress{T}"/> posts to the thread pool
    /// (or the captured context), which can reorder reports; implement <see cref="IProgress{T}"/> directly to print in order.
    /// </summary>
    public IProgress<LongFormProgress>? Progress { get; init; }

    /// <summary>The ffmpeg executable for formats other than WAV and MP3; <see langword="null"/> searches PATH.</summary>
    public string? FfmpegPath { get; init; }

    /// <summary>Checks every setting and reports all problems in one <see cref="ArgumentException"/>, as the client options do.</summary>
    internal void Validate()
    {
        var problems = new List<string>();
        if (MaxChunkBytes < 64 * 1024)
        {
            problems.Add($"MaxChunkBytes must be at least 64 KiB (was {MaxChunkBytes}).");
        }

        if (MaxChunkDuration < TimeSpan.FromSeconds(1))
        {
            problems.Add($"MaxChunkDuration must be at least one second (was {MaxChunkDuration}).");
        }

        if (BoundarySearchWindow < TimeSpan.Zero || BoundarySearchWindow >= MaxChunkDuration)
        {
            problems.Add($"BoundarySearchWindow must be at least zero and shorter than MaxChunkDuration (was {BoundarySearchWindow}).");
        }

        if (MaxParallelism < 1)
        {
            problems.Add($"MaxParallelism must be at least 1 (was {MaxParallelism}).");
        }

        Validation.ThrowIfAny(problems, nameof(LongFormOptions), "longForm");
    }
}
