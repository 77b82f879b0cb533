using System.CommandLine;
using AudioSdk.Cli.Batch;
using AudioSdk.Cli.Commands;
using AudioSdk.Realtime;

namespace AudioSdk.Cli;

/// <summary>The <c>audio</c> command line: builds the commands, runs one, and turns failures into a message and an exit code.</summary>
internal static class CliApp
{
    private const string ExitCodeHelp =
        "Exit codes: 0 all done (or already done), 1 some files failed, 2 bad usage or configuration, 3 server unreachable or key refused, 130 cancelled.";

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
    /// <param name="cancellationToken">Stops the command (as Ctrl-C does); when it cannot be cancelled, Ctrl-C is handled here.</param>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var root = Build(console);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await console.Error.WriteLineAsync("audio: " + error.Message).ConfigureAwait(false);
            }

            await console.Error.WriteLineAsync("Run 'audio --help' or 'audio <command> --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        using var ctrlC = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, ctrlC.Token);
        ConsoleCancelEventHandler? handler = null;
        if (!cancellationToken.CanBeCanceled)
        {
            // First Ctrl-C: stop starting work, keep what is finished. A second one ends the process at once.
            handler = (_, e) =>
            {
                if (!ctrlC.IsCancellationRequested)
                {
                    e.Cancel = true;
                    ctrlC.Cancel();
                }
            };
            Console.CancelKeyPress += handler;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("Cancelled.").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (Exception ex) when (Classify(ex) is { } failure)
        {
            await console.Error.WriteLineAsync("audio: " + failure.Message).ConfigureAwait(false);
            return failure.ExitCode;
        }
        finally
        {
            if (handler is not null)
            {
                Console.CancelKeyPress -= handler;
            }
        }
    }

    private static (string Message, int ExitCode)? Classify(Exception ex) => ex switch
    {
        CliUsageException => (ex.Message, ExitCodes.Usage),
        ArgumentException => (ex.Message, ExitCodes.Usage),
        _ when BatchRunner.FatalReason(ex) is { } fatal => (fatal, ExitCodes.Connection),
        AudioServiceException or RealtimeException or TimeoutException or HttpRequestException => (BatchRunner.Describe(ex), ExitCodes.SomeFailed),
        IOException or UnauthorizedAccessException or InvalidOperationException or FormatException => (ex.Message, ExitCodes.SomeFailed),
        _ => null,
    };
}
