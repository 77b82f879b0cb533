namespace AudioSdk.Cli;

/// <summary>The <c>audio</c> tool's entry point.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => CliApp.RunAsync(args, CliConsole.FromProcess());
}
