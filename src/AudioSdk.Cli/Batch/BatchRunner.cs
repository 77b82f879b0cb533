using System.Diagnostics;
using System.Net.Http;
using AudioSdk.Cli.Connection;
using AudioSdk.LongForm;

namespace AudioSdk.Cli.Batch;

/// <summary>Produces one file's output text (the SDK call); the runner writes it.</summary>
internal delegate Task<string> ProduceOutput(BatchItem item, FileProbe probe, IProgress<double> progress,
    CancellationToken cancellationToken);

/// <summary>
/// Runs a batch <c>--parallel</c> files at a time. A file whose output exists with a matching
/// <see cref="OutputRecord"/> (same input, same options) is skipped, so rerunning an interrupted batch redoes nothing
/// finished; outputs are written atomically, each after its record; a 429 or 503 with Retry-After pauses the whole
/// batch (up to <see cref="MaxWait"/>; a longer wait fails the file) while the SDK retries the request (<c>--retries</c>
/// is the only retry budget: at most N+1 requests per file); a refused key, an unreachable server or an output disk
/// that cannot take more (full, read-only, quota, size limit) stops the batch (every file left says why); Ctrl-C stops it and keeps what is
/// finished.
/// </summary>
internal sealed class BatchRunner(BatchPause pause, IBatchObserver observer)
{
    private static readonly System.Text.UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public int Parallelism { get; init; } = 4;

    /// <summary>Redo files whose output exists.</summary>
    public bool Force { get; init; }

    /// <summary>The longest wait a server may ask for (<c>--max-retry-after</c>); a longer one fails the file.</summary>
    public TimeSpan MaxWait { get; init; } = new AudioClientRetryOptions().MaxRetryAfter;

    /// <summary>The options that shape an output, kept in its record: an output made with others is redone.</summary>
    public string Options { get; init; } = string.Empty;

    public async Task<BatchSummary> RunAsync(IReadOnlyList<BatchItem> items, ProduceOutput produce, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var outputs = items.Where(i => i.SkipReason is null && i.FailReason is null).Select(i => i.Output).ToList();
        AtomicFile.RemoveLeftovers([.. outputs, .. outputs.Select(OutputRecord.PathFor)]);
        observer.BatchStarted(items.Count);
        var results = new BatchResult?[items.Count];
        var state = new RunState();
        var cancelled = false;
        List<Task> commits = [];
        using var committing = new SemaphoreSlim(Parallelism);
        void Finish(int index, BatchResult result)
        {
            results[index] = result;
            observer.FileFinished(result);
        }

        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, items.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (index, ct) =>
                {
                    var (result, pending, record) = await RunOneAsync(items[index], produce, state, ct).ConfigureAwait(false);
                    if (pending is null)
                    {
                        Finish(index, result);
                        return;
                    }

                    // Flushing to disk and renaming runs beside the next request, not in its way; a cancelled
                    // batch still commits what it finished.
                    await committing.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                    var commit = Task.Run(() =>
                    {
                        try
                        {
                            // The record first: a crash between the two leaves a record without an output (redone),
                            // never an output without its record.
                            record!.Write(OutputRecord.PathFor(pending.Path));
                            pending.Commit();
                            Finish(index, result);
                        }
                        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
                        {
                            var stop = OutputStopReason(ex);
                            if (stop is not null)
                            {
                                StopForOutput(state, stop);
                            }

                            Finish(index,
                                result with { Status = BatchStatus.Failed, Reason = "cannot write the output: " + (stop ?? ex.Message) });
                        }
                        finally
                        {
                            pending.Dispose();
                            committing.Release();
                        }
                    }, CancellationToken.None);
                    lock (commits)
                    {
                        commits.Add(commit);
                    }
                }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }

        Task[] outstanding;
        lock (commits)
        {
            outstanding = [.. commits];
        }

        await Task.WhenAll(outstanding).ConfigureAwait(false);
        var final = items.Select((item, i) => results[i]
            ?? new BatchResult(item, BatchStatus.Cancelled, "not started: the batch was cancelled", TimeSpan.Zero)).ToList();
        return new BatchSummary(final, clock.Elapsed, state.Fatal, cancelled, pause.Count) { FatalExitCode = state.FatalExitCode };
    }

    /// <summary>One file up to its written (not yet committed) output.</summary>
    private async Task<(BatchResult Result, AtomicFile? Pending, OutputRecord? Record)> RunOneAsync(BatchItem item, ProduceOutput produce,
        RunState state, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (item.FailReason is { } invalid)
        {
            return (new BatchResult(item, BatchStatus.Failed, invalid, TimeSpan.Zero), null, null);
        }

        if (item.SkipReason is { } skip)
        {
            return (new BatchResult(item, BatchStatus.Skipped, skip, TimeSpan.Zero), null, null);
        }

        if (System.Text.Encoding.UTF8.GetByteCount(Path.GetFileName(OutputRecord.PathFor(item.Output))) is var longest and > AtomicFile.MaxNameBytes)
        {
            return (new BatchResult(item, BatchStatus.Failed,
                $"not sent: the output name {Path.GetFileName(item.Output)} is too long (its record's name would be {longest} bytes, over the {AtomicFile.MaxNameBytes}-byte limit); rename the input or use a shorter --format", TimeSpan.Zero), null, null);
        }

        if (!Force && await OutputRecord.IsDoneAsync(item, Options, cancellationToken).ConfigureAwait(false))
        {
            return (new BatchResult(item, BatchStatus.Skipped, "already done", TimeSpan.Zero), null, null);
        }

        FileProbe probe;
        try
        {
            probe = await FileProbe.ReadAsync(item.ReadPath, cancellationToken).ConfigureAwait(false);
        }
        catch (BatchItemException ex)
        {
            return (new BatchResult(item, BatchStatus.Failed, ex.Message, clock.Elapsed), null, null);
        }

        if (state.Fatal is { } fatal)
        {
            return (new BatchResult(item, BatchStatus.Failed, "not sent: " + fatal, clock.Elapsed, probe.Duration), null, null);
        }

        var record = await OutputRecord.OfInputAsync(item.ReadPath, Options, cancellationToken).ConfigureAwait(false);
        observer.FileStarted(item, probe);
        var progress = new FileProgress(observer, item);
        try
        {
            var text = await produce(item, probe, progress, cancellationToken).ConfigureAwait(false);
            var bytes = Utf8.GetBytes(text);
            record = record with { Output = OutputRecord.DescribeOutput(bytes) };
            AtomicFile? file = null;
            try
            {
                file = AtomicFile.Create(item.Output);
                await file.Stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                await file.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                file?.Dispose();
                var stop = OutputStopReason(ex);
                if (stop is not null)
                {
                    StopForOutput(state, stop);
                }

                return (new BatchResult(item, BatchStatus.Failed, "cannot write the output: " + (stop ?? Describe(ex)), clock.Elapsed,
                    probe.Duration), null, null);
            }
            catch
            {
                file?.Dispose();
                throw;
            }

            return (new BatchResult(item, BatchStatus.Done, null, clock.Elapsed, probe.Duration), file, record);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (new BatchResult(item, BatchStatus.Cancelled, "cancelled while running; a rerun does it again", clock.Elapsed,
                probe.Duration), null, null);
        }
        catch (Exception ex) when (FatalReason(ex) is { } reason)
        {
            Interlocked.CompareExchange(ref state.Fatal, reason, null);
            return (new BatchResult(item, BatchStatus.Failed, reason, clock.Elapsed, probe.Duration), null, null);
        }
        catch (Exception ex) when (IsTransient(ex) && (Unwrap(ex) as AudioServiceException)?.RetryAfter is { } asked && asked > MaxWait)
        {
            var reason = $"the server asked to wait {Durations.Describe(asked)} ({(Unwrap(ex) is AudioServiceException s ? (int)s.Status : 0)}), longer than --max-retry-after {Durations.Describe(MaxWait)}; not waited, a rerun tries again";
            return (new BatchResult(item, BatchStatus.Failed, reason, clock.Elapsed, probe.Duration), null, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The SDK has already retried (--retries): the tool does not retry on top of it.
            return (new BatchResult(item, BatchStatus.Failed, Describe(ex), clock.Elapsed, probe.Duration), null, null);
        }
    }

    /// <summary>
    /// A write failure every later file would hit too: the disk is full (ENOSPC), read-only (EROFS), over quota
    /// (EDQUOT), or the file size limit is reached (EFBIG, which the runtime reports as an
    /// <see cref="ArgumentOutOfRangeException"/> about the file length). The batch then sends no new file.
    /// </summary>
    internal static string? OutputStopReason(Exception ex)
    {
        if (ex is ArgumentOutOfRangeException)
        {
            return "the file size limit is reached (EFBIG)";
        }

        if (ex is not IOException io)
        {
            return null;
        }

        // On Unix the runtime keeps the errno as the HResult; on Windows, ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL.
        return io.HResult switch
        {
            28 => "the output disk is full (ENOSPC)",
            30 => "the output file system is read-only (EROFS)",
            122 => "the output disk quota is exceeded (EDQUOT)",
            27 => "the file size limit is reached (EFBIG)",
            unchecked((int)0x80070070) or unchecked((int)0x80070027) => "the output disk is full",
            _ => null,
        };
    }

    private static void StopForOutput(RunState state, string reason)
    {
        if (Interlocked.CompareExchange(ref state.Fatal, "outputs cannot be written: " + reason + "; no new file was sent", null) is null)
        {
            state.FatalExitCode = ExitCodes.OutputFailed;
        }
    }

    private static Exception Unwrap(Exception ex) => ex is LongFormChunkException { InnerException: { } inner } ? inner : ex;

    private static bool IsTransient(Exception ex) => Unwrap(ex) switch
    {
        AudioServiceException service => service.IsTransient,
        AudioTransportException => true,
        _ => false,
    };

    /// <summary>Failures every other file would hit too: a refused key, an unreachable server, a pin mismatch.</summary>
    internal static string? FatalReason(Exception ex) => Unwrap(ex) switch
    {
        AudioServiceException { Status: System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden } e =>
            $"the server refused the API key ({(int)e.Status}{(e.Code is { } code ? " " + code : string.Empty)})",
        AudioTransportException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError } e =>
            $"cannot connect to the server: {Innermost(e).Message}",
        Security.TlsPinMismatchException e => e.Message,
        Security.AttestationException e => e.Message,
        _ => null,
    };

    internal static string Describe(Exception ex) => OneLine(ex switch
    {
        LongFormChunkException chunk =>
            $"chunk {chunk.FailedChunk.Index + 1} of {chunk.ChunkCount} ({Durations.Format(chunk.FailedChunk.Start)} to {Durations.Format(chunk.FailedChunk.End)}): {Describe(chunk.InnerException!)}",
        AudioServiceException service => $"{(int)service.Status}{(service.Code is { } code ? " " + code : string.Empty)}: {service.Message}",
        _ => Innermost(ex).Message,
    });

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static Exception Innermost(Exception ex) => ex.InnerException is { } inner
        && ex is HttpRequestException or AudioTransportException ? Innermost(inner) : ex;

    private sealed class RunState
    {
        public string? Fatal;

        public int FatalExitCode = ExitCodes.Connection;
    }

    private sealed class FileProgress(IBatchObserver observer, BatchItem item) : IProgress<double>
    {
        public void Report(double value) => observer.FileProgress(item, value);
    }
}
