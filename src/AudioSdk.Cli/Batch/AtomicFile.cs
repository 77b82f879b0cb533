namespace AudioSdk.Cli.Batch;

/// <summary>
/// An output that either exists complete or not at all: it is written to a hidden temporary file beside its
/// final path, then <see cref="Commit"/> flushes it to disk and renames it over the final path. An interrupted
/// run leaves only temporary files, which the next run removes (<see cref="RemoveLeftovers"/>).
/// </summary>
internal sealed class AtomicFile : IDisposable
{
    private readonly string _temp;
    private bool _committed;

    private AtomicFile(string path, string temp, FileStream stream)
    {
        Path = path;
        _temp = temp;
        Stream = stream;
    }

    /// <summary>The final path.</summary>
    public string Path { get; }

    /// <summary>Where to write the content (seekable).</summary>
    public FileStream Stream { get; }

    public static AtomicFile Create(string path)
    {
        var directory = System.IO.Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, $"{TempPrefix(System.IO.Path.GetFileName(path))}{Guid.NewGuid():N}.tmp");
        return new AtomicFile(path, temp,
            new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 16 * 1024, FileOptions.Asynchronous));
    }

    /// <summary>Flushes the content to disk and renames the file into place.</summary>
    public void Commit()
    {
        Stream.Flush(flushToDisk: true);
        Stream.Dispose();
        File.Move(_temp, Path, overwrite: true);
        _committed = true;
    }

    /// <summary>Closes the file; without a commit, the temporary file is removed.</summary>
    public void Dispose()
    {
        try
        {
            // Closing flushes what is buffered, which fails again on a full disk or a file size limit.
            Stream.Dispose();
        }
        catch (Exception ex) when (!_committed && ex is IOException or ArgumentException)
        {
            // The content is abandoned anyway.
        }
        finally
        {
            if (!_committed)
            {
                TryDelete(_temp);
            }
        }
    }

    /// <summary>Removes temporary files an interrupted run left for these outputs (one listing per folder).</summary>
    public static void RemoveLeftovers(IEnumerable<string> outputs)
    {
        foreach (var folder in outputs.GroupBy(System.IO.Path.GetDirectoryName))
        {
            if (folder.Key is null || !Directory.Exists(folder.Key))
            {
                continue;
            }

            var names = folder.Select(System.IO.Path.GetFileName).ToHashSet(StringComparer.Ordinal);
            var prefixes = names.Select(n => TempPrefix(n!)).ToHashSet(StringComparer.Ordinal);
            foreach (var file in Directory.EnumerateFiles(folder.Key, ".*.tmp"))
            {
                var name = System.IO.Path.GetFileName(file);

                // .audio-<16 hex of the name>-<32 hex>.tmp; the older form was .<name>.<32 hex>.tmp.
                var cut = name.LastIndexOf('.', name.Length - 5);
                if ((name.Length == TempPrefixLength + 36 && prefixes.Contains(name[..TempPrefixLength]))
                    || (cut > 1 && names.Contains(name[1..cut])))
                {
                    TryDelete(file);
                }
            }
        }
    }

    /// <summary>The longest file name (in UTF-8 bytes) the tool writes: outputs and their records must fit in it.</summary>
    public const int MaxNameBytes = 255;

    private const int TempPrefixLength = 24;

    /// <summary>
    /// <c>.audio-&lt;16 hex&gt;-</c>: a hash of the final name, so a temporary name is short whatever the final
    /// name's length (a final name of 250 bytes still gets a temporary name that fits), and leftovers are still found by name.
    /// </summary>
    private static string TempPrefix(string name) =>
        ".audio-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)).AsSpan(0, 8)) + "-";

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
