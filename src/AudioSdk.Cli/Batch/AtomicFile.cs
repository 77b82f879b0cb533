using System.Text;

namespace AudioSdk.Cli.Batch;

/// <summary>
/// Writes an output so that it either exists complete or not at all: a hidden temporary file beside it,
/// flushed to disk, then renamed over it. An interrupted run leaves only temporary files, which the next run removes.
/// </summary>
internal static class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static async Task WriteAsync(string path, string text, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(Utf8.GetBytes(text), cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Removes temporary files an interrupted run left for these outputs (one listing per folder).</summary>
    public static void RemoveLeftovers(IEnumerable<string> outputs)
    {
        foreach (var folder in outputs.GroupBy(Path.GetDirectoryName))
        {
            if (folder.Key is null || !Directory.Exists(folder.Key))
            {
                continue;
            }

            var names = folder.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
            foreach (var file in Directory.EnumerateFiles(folder.Key, ".*.tmp"))
            {
                var name = Path.GetFileName(file);
                var cut = name.LastIndexOf('.', name.Length - 5);
                if (cut > 1 && names.Contains(name[1..cut]))
                {
                    TryDelete(file);
                }
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary file is hidden and removed by the next run.
        }
    }
}
