namespace AudioSdk.Cli.Batch;

/// <summary>How one file of a batch ended.</summary>
internal enum BatchStatus
{
    Done,
    Skipped,
    Failed,
    Cancelled,
}

/// <summary>One file's outcome, for the final table and <c>--json</c>.</summary>
internal sealed record BatchResult(BatchItem Item, BatchStatus Status, string? Reason, TimeSpan Elapsed, TimeSpan? Audio = null);

/// <summary>The whole batch's outcome.</summary>
internal sealed record BatchSummary(IReadOnlyList<BatchResult> Results, TimeSpan Elapsed, string? FatalReason, bool Cancelled, int Pauses)
{
    public int Count(BatchStatus status) => Results.Count(r => r.Status == status);

    /// <summary>Stopped by SIGTERM rather than Ctrl-C.</summary>
    public bool Terminated { get; init; }

    /// <summary>The exit code of <see cref="FatalReason"/>: <see cref="ExitCodes.Connection"/> or
    /// <see cref="ExitCodes.OutputFailed"/>.</summary>
    public int FatalExitCode { get; init; } = ExitCodes.Connection;

    public int ExitCode => Cancelled ? (Terminated ? ExitCodes.Terminated : ExitCodes.Cancelled)
        : FatalReason is not null ? FatalExitCode
        : Results.Any(r => r.Status is BatchStatus.Failed or BatchStatus.Cancelled) ? ExitCodes.SomeFailed
        : ExitCodes.Success;
}
