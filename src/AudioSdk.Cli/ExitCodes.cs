namespace AudioSdk.Cli;

/// <summary>What the process's exit code says; the help text lists them.</summary>
internal static class ExitCodes
{
    /// <summary>Everything asked for was done (files already done count as done).</summary>
    public const int Success = 0;

    /// <summary>The command ran, but at least one file failed.</summary>
    public const int SomeFailed = 1;

    /// <summary>Bad usage: unknown option, missing argument, no server configured, an input that does not exist.</summary>
    public const int Usage = 2;

    /// <summary>The server could not be reached or refused the API key: nothing more could be done.</summary>
    public const int Connection = 3;

    /// <summary>Outputs could not be written (disk full, read-only, quota, file size limit): the batch stopped sending new files.</summary>
    public const int OutputFailed = 4;

    /// <summary>Cancelled (Ctrl-C); finished outputs are kept and a rerun resumes.</summary>
    public const int Cancelled = 130;

    /// <summary>Stopped by SIGTERM (as a scheduler or <c>kill</c> stops a job): like <see cref="Cancelled"/>, files in flight are abandoned
    /// cleanly.</summary>
    public const int Terminated = 143;
}
