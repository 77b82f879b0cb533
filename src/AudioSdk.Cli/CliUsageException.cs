namespace AudioSdk.Cli;

/// <summary>A mistake in how the tool was called or configured; printed as one line, exit code <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
