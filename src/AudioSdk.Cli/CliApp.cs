using System.CommandLine;
using AudioSdk.Cli.Batch;
using AudioSdk.Cli.Commands;
using AudioSdk.Realtime;

namespace AudioSdk.Cli;

/// <summary>The <c>audio</c> command line: builds the commands, runs one, and turns failures into a message and an exit code.</summary>
internal static class CliApp
{
    private const string ExitCodeHelp =
        "Exit codes: 0 all done (or already done), 1 some files failed, 2 bad usage or configuration, 3 server unreachable or key refused, 4 outputs cannot be written (disk full, read-only, quota, size limit: no new file is sent), 130 cancelled (Ctrl-C), 143 terminated (SIGTERM).";

    public static RootCommand Build(CliConsole console)
    {
        var global = new GlobalOptions();
        var root = new RootCommand(
            "audio: transcribe and translate folders of recordings (resumable), speak text, dictate live, list models and usage.\n"
            + "Connection: --base-url/--api-key, AUDIO_API_BASE_URL/AUDIO_API_KEY, or a profile; --offline needs none.\n" + ExitCodeHelp);
        foreach (var option in global.All)
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(TranscribeCommand.Create(global, console, translate: false));
        root.Subcommands.Add(TranscribeCommand.Create(global, console, translate: true));
        root.Subcommands.Add(SpeakCommand.Create(global, console));
        root.Subcommands.Add(DictateCommand.Create(global, console));
        root.Subcommands.Add(ListCommands.Models(global, console));
        root.Subcommands.Add(ListCommands.Usage(global, console));
        return root;
    }

    /// <summary>Runs the command line and returns the exit code.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="console">Streams and environment.</param>
    /// <param name="cancellationToken">Stops the command (as Ctrl-C does); when it cannot be cancelled, SIGINT and SIGTERM are handled
    /// here.</param>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var json = args.Contains("--json", StringComparer.Ordinal);
        var root = Build(console);
        var before = args.TakeWhile(a => a != "--").ToList();
        if (json && before.FirstOrDefault(a => a is "--version" or "--help" or "-h" or "-?") is { } asked)
        {
            // Under --json, help and version are JSON too: the text as a string member.
            var text = new StringWriter();
            var rest = args.Where((a, i) => i >= before.Count || a != "--json").ToArray();
            var code = await root.Parse(rest).InvokeAsync(new InvocationConfiguration { Output = text, Error = text },
                cancellationToken).ConfigureAwait(false);
            await console.Out.WriteLineAsync(JsonText.Write(
                w =>
                {
                    w.WriteStartObject();
                    w.WriteString(asked == "--version" ? "version" : "help", text.ToString().Trim());
                    w.WriteNumber("exitCode", code);
                    w.WriteEndObject();
                },
                indented: false)).ConfigureAwait(false);
            return code;
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var messages = parse.Errors.Select(e => ScrubUnmatched(e.Message, args, parse.UnmatchedTokens)).ToList();
            foreach (var message in messages)
            {
                await console.Error.WriteLineAsync("audio: " + message).ConfigureAwait(false);
            }

            await console.Error.WriteLineAsync("Run 'audio --help' or 'audio <command> --help' for usage.").ConfigureAwait(false);
            WriteJsonError(console, json, string.Join(" ", messages), ExitCodes.Usage);
            return ExitCodes.Usage;
        }

        if (UnknownOption(parse, args) is { } unknown)
        {
            await console.Error.WriteLineAsync("audio: " + unknown).ConfigureAwait(false);
            await console.Error.WriteLineAsync("Run 'audio --help' or 'audio <command> --help' for usage.").ConfigureAwait(false);
            WriteJsonError(console, json, unknown, ExitCodes.Usage);
            return ExitCodes.Usage;
        }

        using var stop = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop.Token);
        var signals = cancellationToken.CanBeCanceled ? null : new SignalHandlers(stop, console);
        try
        {
            var code = await parse.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error,
                EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, linked.Token).ConfigureAwait(false);
            return signals?.Terminated == true && code == ExitCodes.Cancelled ? ExitCodes.Terminated : code;
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            var terminated = signals?.Terminated == true;
            await console.Error.WriteLineAsync(terminated ? "Terminated." : "Cancelled.").ConfigureAwait(false);
            var code = terminated ? ExitCodes.Terminated : ExitCodes.Cancelled;
            WriteJsonError(console, json, terminated ? "terminated (SIGTERM)" : "cancelled", code);
            return code;
        }
        catch (Exception ex) when (Classify(ex) is { } failure)
        {
            await console.Error.WriteLineAsync("audio: " + failure.Message).ConfigureAwait(false);
            WriteJsonError(console, json, failure.Message, failure.ExitCode);
            return failure.ExitCode;
        }
        finally
        {
            signals?.Dispose();
        }
    }

    /// <summary>Under <c>--json</c>, every outcome is JSON on standard output: failures as <c>{"error": ..., "exitCode": n}</c>.</summary>
    private static void WriteJsonError(CliConsole console, bool json, string message, int exitCode)
    {
        if (json)
        {
            console.Out.WriteLine(JsonText.Write(
                w =>
                {
                    w.WriteStartObject();
                    w.WriteString("error", message);
                    w.WriteNumber("exitCode", exitCode);
                    w.WriteEndObject();
                },
                indented: false));
        }
    }

    /// <summary>
    /// A parse error without the value of a mistyped option: after <c>--apikey KEY</c> (or <c>--apikey=KEY</c>) the
    /// value may be a secret, so the message names the option and leaves the value out.
    /// </summary>
    internal static string ScrubUnmatched(string message, IReadOnlyList<string> args, IReadOnlyList<string> unmatched)
    {
        var stray = new HashSet<string>(unmatched, StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (!stray.Contains(args[i]) || !args[i].StartsWith('-'))
            {
                continue;
            }

            if (args[i].IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
            {
                message = message.Replace(args[i], args[i][..(eq + 1)] + "(value not shown)", StringComparison.Ordinal);
            }
            else if (i + 1 < args.Count && stray.Contains(args[i + 1]) && !args[i + 1].StartsWith('-'))
            {
                message = message.Replace($"'{args[i + 1]}'", $"(the value after {args[i]}, not shown)", StringComparison.Ordinal);
            }
        }

        return message;
    }

    /// <summary>
    /// A token before <c>--</c> that starts with '-' and was taken as a file or text argument is a mistyped option
    /// (<c>--apikey KEY</c>, <c>-k KEY</c>, <c>--bogus=KEY</c>): a usage error naming the option, never its value
    /// (which may be a secret). A file whose name starts with '-' is given as <c>./-x.wav</c> or after <c>--</c>.
    /// </summary>
    internal static string? UnknownOption(ParseResult parse, IReadOnlyList<string> args)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        foreach (var argument in parse.CommandResult.Command.Arguments)
        {
            if (parse.GetResult(argument) is { } result)
            {
                values.UnionWith(result.Tokens.Select(t => t.Value));
            }
        }

        for (var i = 0; i < args.Count && args[i] != "--"; i++)
        {
            var token = args[i];
            if (token.Length < 2 || token[0] != '-' || !values.Contains(token))
            {
                continue;
            }

            var eq = token.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? token[..eq] : token;
            var value = eq > 0 ? " (its value after '=' not shown)"
                : i + 1 < args.Count && args[i + 1] != "--" ? $" (the value after {name}, not shown)" : string.Empty;
            return $"Unrecognized option '{name}'{value}. A file whose name starts with '-' is given as ./{name} or after --.";
        }

        return null;
    }

    /// <summary>The connection failure under a realtime or HTTP error (refused, no route, name not found), if that is what it is.</summary>
    private static Exception? Unreachable(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException
                || e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError })
            {
                return e;
            }
        }

        return null;
    }

    private static (string Message, int ExitCode)? Classify(Exception ex) => ex switch
    {
        CliUsageException => (ex.Message, ExitCodes.Usage),
        ArgumentException => (ex.Message, ExitCodes.Usage),
        _ when BatchRunner.FatalReason(ex) is { } fatal => (fatal, ExitCodes.Connection),
        _ when Unreachable(ex) is { } cause =>
            ("cannot connect to the server: " + BatchRunner.Describe(ex) + (cause == ex ? string.Empty : " (" + cause.Message + ")"),
            ExitCodes.Connection),
        AudioServiceException or AudioTransportException or RealtimeException => (BatchRunner.Describe(ex), ExitCodes.SomeFailed),
        IOException or UnauthorizedAccessException or InvalidOperationException or FormatException => (ex.Message, ExitCodes.SomeFailed),
        _ => null,
    };
}
