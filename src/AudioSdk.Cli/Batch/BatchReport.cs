using System.Globalization;
using Spectre.Console;

namespace AudioSdk.Cli.Batch;

/// <summary>The end of a batch: a table of done, skipped and failed files with reasons, a summary line, or JSON.</summary>
internal static class BatchReport
{
    private const int AllRowsUpTo = 30;

    public static void Print(BatchSummary summary, CliConsole console, IAnsiConsole ansi, bool quiet, bool json)
    {
        if (json)
        {
            WriteJson(summary, console.Out);
            return;
        }

        if (!quiet)
        {
            var table = console.CreateTable("File", "Status", "Detail");
            var rows = summary.Results.Count <= AllRowsUpTo
                ? summary.Results
                : summary.Results.Where(r => r.Status is BatchStatus.Failed or BatchStatus.Cancelled
                    || (r.Status == BatchStatus.Skipped && r.Reason != "already done")).ToList();
            foreach (var r in rows)
            {
                table.AddRow(Markup.Escape(r.Item.Display), Status(r.Status),
                    Markup.Escape(r.Status == BatchStatus.Done ? Path.GetFileName(r.Item.Output) : r.Reason ?? string.Empty));
            }

            if (summary.Results.Count > AllRowsUpTo)
            {
                var done = summary.Count(BatchStatus.Done);
                var already = summary.Results.Count(r => r.Status == BatchStatus.Skipped && r.Reason == "already done");
                if (done > 0)
                {
                    table.AddRow($"({done} files)", Status(BatchStatus.Done), string.Empty);
                }

                if (already > 0)
                {
                    table.AddRow($"({already} files)", Status(BatchStatus.Skipped), "already done");
                }
            }

            ansi.Write(table);
        }

        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{summary.Results.Count} files: {summary.Count(BatchStatus.Done)} done, {summary.Count(BatchStatus.Skipped)} skipped, {summary.Count(BatchStatus.Failed)} failed");
        if (summary.Count(BatchStatus.Cancelled) is var stopped and > 0)
        {
            line += $", {stopped} not finished";
        }

        line += $" in {Durations.Format(summary.Elapsed)}";
        if (summary.Pauses > 0)
        {
            line += $"; the server asked to slow down {summary.Pauses} time(s)";
        }

        console.Out.WriteLine(line);
        if (summary.FatalReason is { } fatal)
        {
            console.Error.WriteLine("Stopped: " + fatal);
        }

        if (summary.Cancelled)
        {
            console.Error.WriteLine((summary.Terminated ? "Terminated (SIGTERM)." : "Cancelled.") + " Run the same command again to finish; finished files are not redone.");
        }
    }

    private static string Status(BatchStatus status) => status switch
    {
        BatchStatus.Done => "[green]done[/]",
        BatchStatus.Skipped => "[grey]skipped[/]",
        BatchStatus.Failed => "[red]failed[/]",
        _ => "[yellow]not finished[/]",
    };

    private static void WriteJson(BatchSummary summary, TextWriter output) => output.WriteLine(JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("done", summary.Count(BatchStatus.Done));
            w.WriteNumber("skipped", summary.Count(BatchStatus.Skipped));
            w.WriteNumber("failed", summary.Count(BatchStatus.Failed));
            w.WriteNumber("notFinished", summary.Count(BatchStatus.Cancelled));
            w.WriteNumber("seconds", Math.Round(summary.Elapsed.TotalSeconds, 3));
            w.WriteNumber("exitCode", summary.ExitCode);
            if (summary.FatalReason is { } fatal)
            {
                w.WriteString("stoppedBecause", fatal);
            }

            w.WriteStartArray("files");
            foreach (var r in summary.Results)
            {
                w.WriteStartObject();
                w.WriteString("input", r.Item.Input);
                w.WriteString("output", r.Item.Output);
                w.WriteString("status", r.Status == BatchStatus.Cancelled ? "notFinished" : r.Status.ToString().ToLowerInvariant());
                if (r.Reason is not null)
                {
                    w.WriteString("reason", r.Reason);
                }

                w.WriteNumber("seconds", Math.Round(r.Elapsed.TotalSeconds, 3));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }));
}
