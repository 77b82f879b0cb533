namespace AudioSdk.Cli.Batch;

/// <summary>One input of a batch and where its output goes.</summary>
/// <param name="Input">Full path of the input.</param>
/// <param name="Output">Full path of the output.</param>
/// <param name="Display">The input as the user would recognise it (relative to the working directory when inside it).</param>
internal sealed record BatchItem(string Input, string Output, string Display)
{
    /// <summary>Set when expansion already knows the file will not be sent (found in a folder but not audio).</summary>
    public string? SkipReason { get; init; }

    /// <summary>The input's path relative to its folder or pattern root (else to the working directory), with '/': what shards split
    /// on.</summary>
    public string Key { get; init; } = string.Empty;

    /// <summary>The path the input's bytes are read from: for a link to a file, the file it finally points to (whose size and time are the
    /// file's, not the link's); else <see cref="Input"/>.</summary>
    public string ReadPath { get => field ?? Input; init; }

    /// <summary>Set when expansion already knows the input is wrong (a path or pattern that matches nothing).</summary>
    public string? FailReason { get; init; }
}
