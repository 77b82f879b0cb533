using AudioSdk.LongForm;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;

namespace AudioSdk;

public partial class AudioClient
{
    /// <summary>
    /// Transcribes a recording of any length: splits it into chunks under the size and duration limits
    /// (WAV at quiet points, MP3 at frame boundaries, other formats through ffmpeg), transcribes them in
    /// parallel with the client's retries, and stitches text, segments, words and usage with timestamps
    /// shifted by each chunk's exact start. The format defaults to <c>verbose_json</c>, for timestamps.
    /// </summary>
    /// <param name="audio">The recording; a non-seekable stream is copied to a temporary file first.</param>
    /// <param name="options">The request's fields for every chunk; a JSON response format.</param>
    /// <param name="longForm">Limits, parallelism and progress; defaults apply when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels every chunk.</param>
    /// <returns>One transcript for the whole recording.</returns>
    /// <exception cref="ArgumentException">An option is invalid, or the format is not JSON.</exception>
    /// <exception cref="LongFormChunkException">A chunk failed for good; it names the chunk and keeps what the others produced.</exception>
    /// <exception cref="InvalidOperationException">The format needs ffmpeg to be split and ffmpeg is not installed.</exception>
    public virtual async Task<Transcription> TranscribeLongAsync(AudioInput audio, TranscriptionOptions options, LongFormOptions? longForm = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var format = options.ResponseFormat ?? TranscriptionFormat.VerboseJson;
        if (!format.IsJson)
        {
            throw new ArgumentException($"TranscribeLongAsync needs a JSON response format; for '{format}' use TranscribeLongToTextAsync.", nameof(options));
        }

        TranscriptionRequest.ValidateTranscription(audio, options);
        var chunkOptions = options with { ResponseFormat = format };
        return await RunLongFormAsync(
            audio,
            longForm,
            (input, ct) => TranscribeAsync(input, chunkOptions, ct),
            t => t.Text,
            LongFormStitcher.Transcriptions,
            (ex, partial) => ex.PartialTranscription = partial,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Transcribes a recording of any length into <c>text</c> (the default), <c>srt</c> or <c>vtt</c>: each
    /// chunk's body is parsed, shifted by the chunk's start, renumbered and written out as one document.
    /// </summary>
    /// <param name="audio">The recording.</param>
    /// <param name="options">The request's fields for every chunk.</param>
    /// <param name="longForm">Limits, parallelism and progress.</param>
    /// <param name="cancellationToken">Cancels every chunk.</param>
    /// <returns>One document for the whole recording, with the first chunk's metadata.</returns>
    public virtual async Task<AudioTextResult> TranscribeLongToTextAsync(AudioInput audio, TranscriptionOptions options, LongFormOptions? longForm = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var format = TextFormat(options.ResponseFormat);
        TranscriptionRequest.ValidateTranscription(audio, options);
        var chunkOptions = options with { ResponseFormat = format };
        return await RunLongFormAsync(
            audio,
            longForm,
            (input, ct) => TranscribeToTextAsync(input, chunkOptions, ct),
            t => t.Text,
            (parts, total) => LongFormStitcher.Texts(parts, format),
            (ex, partial) => ex.PartialText = partial.Text,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Translates a recording of any length into English, as <see cref="TranscribeLongAsync"/> does for transcription.</summary>
    /// <param name="audio">The recording.</param>
    /// <param name="options">The request's fields for every chunk; <c>verbose_json</c> by default.</param>
    /// <param name="longForm">Limits, parallelism and progress.</param>
    /// <param name="cancellationToken">Cancels every chunk.</param>
    /// <returns>One translation for the whole recording.</returns>
    public virtual async Task<Translation> TranslateLongAsync(AudioInput audio, TranslationOptions options, LongFormOptions? longForm = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var format = options.ResponseFormat ?? TranscriptionFormat.VerboseJson;
        if (!format.IsJson)
        {
            throw new ArgumentException($"TranslateLongAsync needs a JSON response format; for '{format}' use TranslateLongToTextAsync.", nameof(options));
        }

        var chunkOptions = options with { ResponseFormat = format };
        return await RunLongFormAsync(
            audio,
            longForm,
            (input, ct) => TranslateAsync(input, chunkOptions, ct),
            t => t.Text,
            LongFormStitcher.Translations,
            (ex, partial) => ex.PartialTranslation = partial,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Translates a recording of any length into English <c>text</c>, <c>srt</c> or <c>vtt</c>.</summary>
    /// <param name="audio">The recording.</param>
    /// <param name="options">The request's fields for every chunk.</param>
    /// <param name="longForm">Limits, parallelism and progress.</param>
    /// <param name="cancellationToken">Cancels every chunk.</param>
    /// <returns>One document for the whole recording.</returns>
    public virtual async Task<AudioTextResult> TranslateLongToTextAsync(AudioInput audio, TranslationOptions options, LongFormOptions? longForm = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var format = TextFormat(options.ResponseFormat);
        var chunkOptions = options with { ResponseFormat = format };
        return await RunLongFormAsync(
            audio,
            longForm,
            (input, ct) => TranslateToTextAsync(input, chunkOptions, ct),
            t => t.Text,
            (parts, total) => LongFormStitcher.Texts(parts, format),
            (ex, partial) => ex.PartialText = partial.Text,
            cancellationToken).ConfigureAwait(false);
    }

    private static TranscriptionFormat TextFormat(TranscriptionFormat? requested)
    {
        var format = requested ?? TranscriptionFormat.Text;
        if (format != TranscriptionFormat.Text && format != TranscriptionFormat.Srt && format != TranscriptionFormat.Vtt)
        {
            throw new ArgumentException($"The long-form text methods stitch text, srt and vtt; for '{format}' use the typed long-form method.", "options");
        }

        return format;
    }

    private async Task<T> RunLongFormAsync<T>(
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
