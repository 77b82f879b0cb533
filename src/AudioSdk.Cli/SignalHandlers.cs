using System.Runtime.InteropServices;

namespace AudioSdk.Cli;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM: the first stops the command cleanly (no new file starts, files in flight are
/// abandoned and their temporary files removed, finished outputs kept; exit code 130, or 143 for SIGTERM); a second
/// one ends the process at once with the same code, whatever is running (a folder walk, a blocked read, the embedded
/// server's own handlers). SIGXFSZ (a file size limit, <c>ulimit -f</c>) is caught so the write fails with an error
/// the command reports (and its temporary file is removed) instead of the process dying.
/// </summary>
internal sealed class SignalHandlers : IDisposable
{
    /// <summary>SIGXFSZ on Linux (x64, arm64) and macOS.</summary>
    private const PosixSignal FileSizeLimitExceeded = (PosixSignal)25;

    private readonly CancellationTokenSource _stop;
    private readonly CliConsole _console;
    private readonly PosixSignalRegistration[] _registrations;
    private int _terminated;

    public SignalHandlers(CancellationTokenSource stop, CliConsole console)
    {
        _stop = stop;
        _console = console;
        _registrations = OperatingSystem.IsWindows()
            ? [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle)]
            : [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
                PosixSignalRegistration.Create(FileSizeLimitExceeded, context => context.Cancel = true)];
    }

    /// <summary>Whether SIGTERM stopped the command.</summary>
    public bool Terminated => Volatile.Read(ref _terminated) == 1;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        var code = context.Signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Cancelled;
        if (!_stop.IsCancellationRequested)
        {
            if (context.Signal == PosixSignal.SIGTERM)
            {
                Volatile.Write(ref _terminated, 1);
                _console.Terminated = true;
            }

            _stop.Cancel();
            return;
        }

        try
        {
            _console.Error.WriteLine("Stopped at once; finished outputs are kept, a rerun does the rest.");
            _console.Error.Flush();
        }
        catch (IOException)
        {
            // Standard error is gone; exit anyway.
        }

        if (OperatingSystem.IsWindows())
        {
            Environment.Exit(code);
        }

        NativeMethods.Exit(code);
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "_exit")]
        public static extern void Exit(int status);
    }
}
