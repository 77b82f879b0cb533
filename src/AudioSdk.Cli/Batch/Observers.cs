using System.Collections.Concurrent;
using System.Globalization;
using Spectre.Console;

namespace AudioSdk.Cli.Batch;

/// <summary>Prints nothing while the batch runs (<c>--json</c>), or only failures (<c>--quiet</c>, to standard error).</summary>
internal sealed class QuietObserver(TextWriter? errors) : IBatchObserver
{
    private readonly object _gate = new();

    public void BatchStarted(int files)
    {
    }

    public void FileStarted(BatchItem item, FileProbe probe)
    {
    }

    public void FileProgress(BatchItem item, double fraction)
    {
    }

    public void FileFinished(BatchResult result)
    {
        if (errors is not null && result.Status == BatchStatus.Failed)
        {
            lock (_gate)
            {
                errors.WriteLine($"failed   {result.Item.Display}: {result.Reason}");
            }
        }
    }
}

/// <summary>One plain line per finished file, for logs and pipes.</summary>
internal sealed class LineObserver(TextWriter output, string workingDirectory) : IBatchObserver
{
    private readonly object _gate = new();
    private int _total;
    private int _finished;

    public void BatchStarted(int files) => _total = files;

    public void FileStarted(BatchItem item, FileProbe probe)
    {
    }

    public void FileProgress(BatchItem item, double fraction)
    {
    }

    public void FileFinished(BatchResult result)
    {
        var finished = Interlocked.Increment(ref _finished);
        var line = result.Status switch
        {
            BatchStatus.Done => $"done     {result.Item.Display} -> {Shown(result.Item.Output)} ({Durations.Format(result.Elapsed)})",
            BatchStatus.Skipped => $"skipped  {result.Item.Display}: {result.Reason}",
            BatchStatus.Failed => $"failed   {result.Item.Display}: {result.Reason}",
            _ => $"stopped  {result.Item.Display}: {result.Reason}",
        };
        lock (_gate)
        {
            output.WriteLine($"[{finished}/{_total}] {line}");
        }
    }

    private string Shown(string path)
    {
        var relative = Path.GetRelativePath(workingDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}

/// <summary>Live progress on a terminal: a bar per running file and one for the batch (files, audio hours, elapsed, remaining).</summary>
internal sealed class ProgressObserver(ProgressContext context) : IBatchObserver
{
    private readonly ConcurrentDictionary<BatchItem, ProgressTask> _files = new();
    private ProgressTask _batch = null!;
    private int _total;
    private int _finished;
    private long _audioTicks;

    public void BatchStarted(int files)
    {
        _total = files;
        _batch = context.AddTask(Describe(), maxValue: Math.Max(1, files));
    }

    public void FileStarted(BatchItem item, FileProbe probe) =>
        _files[item] = context.AddTask(Markup.Escape(Shorten(item.Display)), maxValue: 1.0);

    public void FileProgress(BatchItem item, double fraction)
    {
        if (_files.TryGetValue(item, out var task))
        {
            task.Value = Math.Clamp(fraction, 0, 1);
        }
    }

    public void FileFinished(BatchResult result)
    {
        if (_files.TryRemove(result.Item, out var task))
        {
            task.Value = task.MaxValue;
            task.StopTask();
        }

        Interlocked.Increment(ref _finished);
        if (result.Status == BatchStatus.Done && result.Audio is { } audio)
        {
            Interlocked.Add(ref _audioTicks, audio.Ticks);
        }

        _batch.Description = Describe();
        _batch.Increment(1);
    }

    private string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"[bold]batch[/] {Volatile.Read(ref _finished)}/{_total} files, {TimeSpan.FromTicks(Interlocked.Read(ref _audioTicks)).TotalHours:0.00} h audio");

    private static string Shorten(string text) => text.Length <= 40 ? text : "..." + text[^37..];
}
