using System.Runtime.InteropServices;

namespace AudioSdk.Cli;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM: the first stops the command cleanly (no new file starts, files in flight are
/// abandoned and their temporary files removed, finished outputs kept; exit code 130, or 143 for SIGTERM); a second
/// one at least <see cref="SecondSignalGap"/> later ends the process at once with the same code, whatever is running
/// (a folder walk, a blocked read, the embedded server's own handlers). Signals closer together count as one: GNU
/// <c>timeout</c> and process-group kills deliver the same SIGTERM twice, which must not skip the summary. SIGXFSZ (a file size limit,
/// <c>ulimit -f</c>) is caught so the write fails with an error
/// the command reports (and its temporary file is removed) instead of the process dying.
/// </summary>
internal sealed class SignalHandlers : IDisposable
{
    /// <summary>SIGXFSZ on Linux (x64, arm64) and macOS.</summary>
    private const PosixSignal FileSizeLimitExceeded = (PosixSignal)25;

    /// <summary>How long after the first signal a second one means "stop at once".</summary>
    public static readonly TimeSpan SecondSignalGap = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stop;
    private long _firstSignal;
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

            Volatile.Write(ref _firstSignal, System.Diagnostics.Stopwatch.GetTimestamp());
            _stop.Cancel();
            return;
        }

        if (System.Diagnostics.Stopwatch.GetElapsedTime(Volatile.Read(ref _firstSignal)) < SecondSignalGap)
        {
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
