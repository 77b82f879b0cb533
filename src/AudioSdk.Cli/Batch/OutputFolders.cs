namespace AudioSdk.Cli.Batch;

/// <summary>
/// Checks, before the first request, that outputs can be written: each output folder (and its hidden record folder)
/// is created if needed and a file is created and removed in it. Nothing is paid for an output that cannot be kept.
/// </summary>
internal static class OutputFolders
{
    /// <summary>Why nothing can be written in the folder, or <see langword="null"/> when it can.</summary>
    public static string? CannotWrite(string folder)
    {
        try
        {
            var records = Path.Combine(folder, OutputRecord.Folder);
            Directory.CreateDirectory(records);
            foreach (var where in new[] { folder, records })
            {
                var probe = Path.Combine(where, $".audio-write-check.{Guid.NewGuid():N}.tmp");
                using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
                {
                }
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return ex.Message;
        }
    }

    /// <summary>Items to be written into a folder that cannot be written fail now, with the reason, and are not sent.</summary>
    public static IReadOnlyList<BatchItem> FailUnwritable(IReadOnlyList<BatchItem> items)
    {
        var problems = new Dictionary<string, string?>(StringComparer.Ordinal);
        return [.. items.Select(item =>
        {
            if (item.SkipReason is not null || item.FailReason is not null || File.Exists(item.Output))
            {
                return item;
            }

            var folder = Path.GetDirectoryName(item.Output)!;
            if (!problems.TryGetValue(folder, out var problem))
            {
                problems[folder] = problem = CannotWrite(folder);
            }

            return problem is null ? item : item with { FailReason = $"cannot write the output folder, so it was not sent: {problem}" };
        })];
    }
}
