using System.CommandLine;
using AudioSdk.Cli.Batch;
using AudioSdk.Cli.Connection;
using AudioSdk.LongForm;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;
using Spectre.Console;

namespace AudioSdk.Cli.Commands;

/// <summary><c>audio transcribe</c> and <c>audio translate</c>: resumable batches over files, folders and patterns.</summary>
internal static class TranscribeCommand
{
    private static readonly string[] Formats = ["text", "srt", "vtt", "json", "verbose_json"];

    public static Command Create(GlobalOptions global, CliConsole console, bool translate)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Audio files, folders (searched recursively) or patterns such as 'calls/**/*.wav'", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong(Formats);
        var language = new Option<string?>("--language", "-l") { Description = "Spoken language (ISO-639-1), such as en or de" };
        var prompt = new Option<string?>("--prompt") { Description = "Text that guides style and spelling" };
        var model = new Option<string?>("--model", "-m") { Description = "Model (default: the profile's sttModel, else whisper-1)" };
        var timestamps = new Option<string[]>("--timestamps") { Description = "Timestamp detail with verbose_json: word, segment or both",
            Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = true };
        timestamps.AcceptOnlyFromAmong("word", "segment");
        var temperature = new Option<float?>("--temperature") { Description = "Sampling temperature, 0 to 1" };
        var output = new Option<string?>("--out",
            "-o") { Description = "Folder for outputs (default: beside each input); the layout below folders and patterns is kept" };
        var parallel = new Option<int>("--parallel", "-p") { Description = "Files in flight at once (1 to 64)", DefaultValueFactory = _ =>
            4 };
        var force = new Option<bool>("--force") { Description = "Redo files whose output already exists" };
        var shard = new Option<string?>("--shard") { Description = "Take only part INDEX of COUNT of the files (0/3, 1/3, 2/3; split by a hash of each relative path), or auto: the index from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, the count from AUDIO_SHARD_COUNT or SLURM_ARRAY_TASK_COUNT" };
        var maxChunk = new Option<TimeSpan?>("--max-chunk") { Description = "Split recordings longer than this (default 10m; files over 24 MB are split too)", CustomParser = GlobalOptions.ParseDuration };

        var command = new Command(
            translate ? "translate" : "transcribe",
            translate
                ? "Translate recordings into English text or subtitles; outputs are named <input>.en.<format>."
                : "Transcribe recordings into text, subtitles or JSON; outputs are named <input>.<format>. An interrupted batch resumes where it stopped.");
        command.Arguments.Add(inputs);
        foreach (var option in new Option[] { format, model, prompt, temperature, output, parallel, force, maxChunk, shard })
        {
            command.Options.Add(option);
        }

        if (!translate)
        {
            command.Options.Add(language);
            command.Options.Add(timestamps);
        }

        command.SetAction(async (parse, ct) =>
        {
            var chosen = parse.GetValue(format)!;
            var granularities = TimestampGranularities.Default;
            foreach (var t in parse.GetValue(timestamps) ?? [])
            {
                granularities |= t == "word" ? TimestampGranularities.Word : TimestampGranularities.Segment;
            }

            if (granularities != TimestampGranularities.Default && chosen != "verbose_json")
            {
                throw new CliUsageException("--timestamps needs --format verbose_json (srt and vtt carry their own timings).");
            }

            if (parse.GetValue(temperature) is { } heat && (float.IsNaN(heat) || heat < 0 || heat > 1))
            {
                throw new CliUsageException("--temperature takes 0 to 1.");
            }

            var degree = parse.GetValue(parallel);
            if (degree is < 1 or > 64)
            {
                throw new CliUsageException("--parallel takes 1 to 64.");
            }

            var defaults = new LongFormOptions();
            var chunk = parse.GetValue(maxChunk) ?? defaults.MaxChunkDuration;
            if (chunk < TimeSpan.FromSeconds(1))
            {
                throw new CliUsageException("--max-chunk must be at least 1s.");
            }

            var longForm = defaults with
            {
                MaxChunkDuration = chunk,
                BoundarySearchWindow = TimeSpan.FromTicks(Math.Min(defaults.BoundarySearchWindow.Ticks, chunk.Ticks / 4)),
                MaxParallelism = degree,
            };

            var outDirectory = parse.GetValue(output) is { } o ? Path.GetFullPath(o, console.WorkingDirectory) : null;
            var suffix = (translate ? ".en" : string.Empty) + Extension(chosen);
            var part = parse.GetValue(shard) is { } sh ? Shard.Parse(sh, console.GetEnvironmentVariable) : (Shard?)null;
            if (outDirectory is not null && OutputFolders.CannotWrite(outDirectory) is { } outProblem)
            {
                throw new CliUsageException($"Cannot write to the --out folder '{outDirectory}': {outProblem}");
            }

            IReadOnlyList<BatchItem> items = InputExpander.Expand(parse.GetValue(inputs) ?? [], console.WorkingDirectory, outDirectory,
                suffix, ct);
            if (part is { } p)
            {
                items = [.. items.Where(i => i.FailReason is not null || p.Owns(i.Key))];
            }

            items = OutputFolders.FailUnwritable(items);

            return await AudioConnection.UseAsync(parse, global, console, async connection =>
            {
                var modelName = parse.GetValue(model) ?? connection.Profile?.SttModel ?? "whisper-1";
                var responseFormat = new TranscriptionFormat(chosen);
                ProduceOutput produce = translate
                    ? Translate(connection.Client,
                        new TranslationOptions { Model = modelName, Prompt = parse.GetValue(prompt),
                        Temperature = parse.GetValue(temperature), ResponseFormat = responseFormat }, longForm)
                    : Transcribe(connection.Client, new TranscriptionOptions
                    {
                        Model = modelName,
                        Language = parse.GetValue(language),
                        Prompt = parse.GetValue(prompt),
                        Temperature = parse.GetValue(temperature),
                        ResponseFormat = responseFormat,
                        TimestampGranularities = granularities,
                    }, longForm);

                var recorded = string.Join(
                    ' ',
                    translate ? "translate" : "transcribe",
                    "format=" + chosen,
                    "model=" + modelName,
                    "language=" + (translate ? string.Empty : parse.GetValue(language)),
                    "prompt-sha256=" + (parse.GetValue(prompt) is { } pr ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(pr))).AsSpan(0, 16).ToString() : string.Empty),
                    "temperature=" + parse.GetValue(temperature)?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "timestamps=" + granularities,
                    "max-chunk=" + chunk.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var settings = new BatchSettings(degree, parse.GetValue(force), recorded, connection.Pause.MaxWait, part);
                return await RunBatchAsync(parse, global, console, connection, items, produce, settings, ct).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        });
        return command;
    }

    internal static async Task<int> RunBatchAsync(ParseResult parse, GlobalOptions global, CliConsole console, AudioConnection connection,
        IReadOnlyList<BatchItem> items, ProduceOutput produce, BatchSettings settings, CancellationToken ct)
    {
        var parallel = settings.Parallelism;
        var quiet = parse.GetValue(global.Quiet);
        var json = parse.GetValue(global.Json);
        var ansi = console.CreateAnsiConsole();
        if (!quiet && !json)
        {
            console.Error.WriteLine($"{items.Count} file(s){(settings.Shard is { } p ? $" (shard {p})" : string.Empty)}, {parallel} at a time, via {connection.Description}");
        }

        BatchSummary summary;
        if (console.IsTerminal && !quiet && !json)
        {
            summary = await ansi.Progress()
                .AutoClear(true)
                .HideCompleted(true)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                    new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(context =>
                    new BatchRunner(connection.Pause, new ProgressObserver(context)) { Parallelism = parallel, Force = settings.Force,
                    Options = settings.Options, MaxWait = settings.MaxWait }.RunAsync(items, produce, ct))
                .ConfigureAwait(false);
        }
        else
        {
            IBatchObserver observer = json ? new QuietObserver(null) : quiet ? new QuietObserver(console.Error) : new LineObserver(console.Out, console.WorkingDirectory);
            summary = await new BatchRunner(connection.Pause, observer) { Parallelism = parallel, Force = settings.Force,
                Options = settings.Options, MaxWait = settings.MaxWait }.RunAsync(items, produce, ct).ConfigureAwait(false);
        }

        summary = summary with { Terminated = console.Terminated };
        BatchReport.Print(summary, console, ansi, quiet, json);
        return summary.ExitCode;
    }

    internal static string Extension(string format) => format switch
    {
        "text" => ".txt",
        "verbose_json" => ".verbose.json",
        _ => "." + format,
    };

    private static bool IsLong(FileProbe probe, LongFormOptions longForm) =>
        probe.Size > longForm.MaxChunkBytes || probe.Duration > longForm.MaxChunkDuration;

    private static ProduceOutput Transcribe(AudioClient client, TranscriptionOptions options, LongFormOptions longForm) => Produce(
        longForm,
        translation: false,
        options.ResponseFormat!.Value,
        (audio, ct) => client.TranscribeToTextAsync(audio, options, ct),
        (audio, chunked, ct) => client.TranscribeLongToTextAsync(audio, options, chunked, ct),
        async (audio, chunked, verbose, ct) =>
        {
            var t = await client.TranscribeLongAsync(audio, options, chunked, ct).ConfigureAwait(false);
            return TranscriptJson.Write("transcribe", t.Text, t.Language, t.Duration, t.Segments, t.Words, verbose);
        });

    private static ProduceOutput Translate(AudioClient client, TranslationOptions options, LongFormOptions longForm) => Produce(
        longForm,
        translation: true,
        options.ResponseFormat!.Value,
        (audio, ct) => client.TranslateToTextAsync(audio, options, ct),
        (audio, chunked, ct) => client.TranslateLongToTextAsync(audio, options, chunked, ct),
        async (audio, chunked, verbose, ct) =>
        {
            var t = await client.TranslateLongAsync(audio, options, chunked, ct).ConfigureAwait(false);
            return TranscriptJson.Write("translate", t.Text, t.Language, t.Duration, t.Segments, [], verbose);
        });

    /// <summary>
    /// Short files: one request, the server's body as it is. Long ones (over the chunk size or duration): the SDK's
    /// long-form methods, stitched text/srt/vtt, or a stitched transcript written as json/verbose_json. Either way
    /// the body is checked against the format (<see cref="ResponseBodyCheck"/>) before it can be saved.
    /// </summary>
    private static ProduceOutput Produce(
        LongFormOptions longForm,
        bool translation,
        TranscriptionFormat format,
        Func<AudioInput, CancellationToken, Task<AudioTextResult>> whole,
        Func<AudioInput, LongFormOptions, CancellationToken, Task<AudioTextResult>> longText,
        Func<AudioInput, LongFormOptions, bool, CancellationToken, Task<string>> longJson) => async (item, probe, progress, ct) =>
    {
        var audio = AudioInput.FromFile(item.ReadPath);
        string body;
        if (!IsLong(probe, longForm))
        {
            body = (await whole(audio, ct).ConfigureAwait(false)).Text;
        }
        else
        {
            var chunked = longForm with { Progress = new ChunkProgress(progress) };
            body = format.IsJson
                ? await longJson(audio, chunked, format == TranscriptionFormat.VerboseJson, ct).ConfigureAwait(false)
                : (await longText(audio, chunked, ct).ConfigureAwait(false)).Text;
        }

        ResponseBodyCheck.Check(format.ToString(), body, translation);
        return body;
    };

    /// <summary>How a batch runs: files at a time, redo done files, the options kept in each output's record, the longest server wait, the
    /// shard.</summary>
    internal sealed record BatchSettings(int Parallelism, bool Force, string Options, TimeSpan MaxWait, Shard? Shard);

    private sealed class ChunkProgress(IProgress<double> file) : IProgress<LongFormProgress>
    {
        public void Report(LongFormProgress value) =>
            file.Report(value.ChunkCount == 0 ? 0 : (double)value.ChunksCompleted / value.ChunkCount);
    }
}
