using Spectre.Console;

namespace AudioSdk.Cli;

/// <summary>
/// Everything the tool touches outside itself: text output, the raw standard streams, whether output is a
/// terminal, environment variables and the working directory. Tests run the tool in-process with their own.
/// </summary>
internal sealed class CliConsole
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>Raw standard input (audio for <c>dictate -</c>, text for <c>speak -</c>).</summary>
    public required Func<Stream> OpenStandardInput { get; init; }

    /// <summary>Raw standard output (audio for <c>speak</c> without a file).</summary>
    public required Func<Stream> OpenStandardOutput { get; init; }

    /// <summary>Whether standard output is an interactive terminal (progress bars) or redirected (plain lines).</summary>
    public bool IsTerminal { get; init; }

    public required Func<string, string?> GetEnvironmentVariable { get; init; }

    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>Set when SIGTERM stopped the command: a stopped batch then reports <see cref="ExitCodes.Terminated"/>.</summary>
    public bool Terminated { get; set; }

    public static CliConsole FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        OpenStandardInput = Console.OpenStandardInput,
        OpenStandardOutput = Console.OpenStandardOutput,
        IsTerminal = !Console.IsOutputRedirected,
        GetEnvironmentVariable = Environment.GetEnvironmentVariable,
    };

    /// <summary>A table with rounded borders on a terminal and plain ASCII ones in logs.</summary>
    public Table CreateTable(params string[] columns)
    {
        var table = new Table().Border(IsTerminal ? TableBorder.Rounded : TableBorder.Ascii);
        foreach (var column in columns)
        {
            table.AddColumn(column);
        }

        return table;
    }

    /// <summary>A Spectre console over <see cref="Out"/>: colours and live progress only on a terminal.</summary>
    public IAnsiConsole CreateAnsiConsole() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Out),
        Ansi = IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = IsTerminal ? InteractionSupport.Detect : InteractionSupport.No,
    });
}
