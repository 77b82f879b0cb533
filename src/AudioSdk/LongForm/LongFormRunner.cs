using AudioSdk.Transcriptions;

namespace AudioSdk.LongForm;

/// <summary>The long-form loop shared by the four long-form methods: plan, send in parallel, stitch.</summary>
internal static class LongFormRunner
{
    /// <summary>The text format for the long-form text methods (<c>text</c> by default).</summary>
    internal static TranscriptionFormat TextFormat(TranscriptionFormat? requested) => requested ?? TranscriptionFormat.Text;

    /// <summary>What is wrong with a format for the long-form text methods, or <see langword="null"/>.</summary>
    internal static string? TextFormatProblem(TranscriptionFormat format) =>
        format == TranscriptionFormat.Text || format == TranscriptionFormat.Srt || format == TranscriptionFormat.Vtt
            ? null
            : $"The long-form text methods stitch text, srt and vtt; for '{format}' use the typed long-form method.";

    /// <summary>
    /// Plans the chunks, sends up to <see cref="LongFormOptions.MaxParallelism"/> at once, reports progress in
    /// order, stops sending after the first failure, and stitches what came back (or throws
    /// <see cref="LongFormChunkException"/> naming the failed chunk, with the others' partial result).
    /// </summary>
    internal static async Task<T> RunAsync<T>(
        AudioInput audio,
        LongFormOptions? longForm,
        Func<AudioInput, CancellationToken, Task<T>> send,
        Func<T, string> textOf,
        Func<IReadOnlyList<(PlannedChunk Chunk, T Result)>, TimeSpan?, T> stitch,
        Action<LongFormChunkException, T> setPartial,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audio);
        longForm ??= new LongFormOptions();
        longForm.Validate();
        var plan = await ChunkPlanner.PlanAsync(audio, longForm, cancellationToken).ConfigureAwait(false);
        await using (plan.ConfigureAwait(false))
        {
            var chunks = plan.Chunks;
            var results = new T?[chunks.Count];
            var done = new bool[chunks.Count];
            var completed = 0;
            var audioDone = 0L;
            var total = plan.Total ?? chunks[^1].End;
            (PlannedChunk Chunk, Exception Error)? failure = null;
            var failed = 0;
            using var gate = new SemaphoreSlim(longForm.MaxParallelism);
            var tasks = chunks.Select(async chunk =>
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    if (Volatile.Read(ref failed) != 0)
                    {
                        return;
                    }

                    results[chunk.Index] = await send(chunk.Input, cancellationToken).ConfigureAwait(false);
                    done[chunk.Index] = true;
                    lock (done)
                    {
                        completed++;
                        audioDone += (chunk.End - chunk.Start).Ticks;

                        // Reported under the lock so a synchronous IProgress sees the counts in increasing order.
                        longForm.Progress?.Report(new LongFormProgress(completed, chunks.Count, TimeSpan.FromTicks(audioDone), total));
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    lock (done)
                    {
                        failure ??= (chunk, ex);
                        failed = 1;
                    }
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
            await Task.WhenAll(tasks).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();

            var succeeded = chunks.Where(c => done[c.Index]).Select(c => (c, results[c.Index]!)).ToList();
            if (failure is { } broken)
            {
                var info = new LongFormChunk(broken.Chunk.Index, broken.Chunk.Start, broken.Chunk.End);
                var completedChunks = succeeded.Select(s => new LongFormChunk(s.c.Index, s.c.Start, s.c.End, textOf(s.Item2))).ToList();
                var exception = new LongFormChunkException(info, chunks.Count, completedChunks, broken.Error);
                if (succeeded.Count > 0)
                {
                    setPartial(exception, stitch(succeeded, null));
                }

                throw exception;
            }

            return stitch(succeeded, plan.Total);
        }
    }
}
