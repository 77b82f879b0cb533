using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace AudioSdk.Cli.Batch;

/// <summary>
/// Turns the command line's files, folders and glob patterns (<c>*</c>, <c>?</c>, <c>**</c>) into batch items
/// with their output paths: beside each input, or under <c>--out</c> keeping the layout below a folder or pattern root.
/// </summary>
internal static partial class InputExpander
{
    /// <summary>Extensions taken from folders and patterns; other files there are listed as skipped.</summary>
    public static readonly IReadOnlySet<string> AudioExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".wav", ".mp3", ".m4a", ".mp4", ".mpeg", ".mpga", ".ogg", ".oga", ".opus", ".webm", ".flac", ".aac",
    };

    private static readonly string[] OutputExtensions = [".txt", ".srt", ".vtt", ".json", ".verbose.json"];

    /// <summary>Folders deeper than this below an argument are not searched.</summary>
    public const int MaxDepth = 64;

    /// <param name="inputs">Arguments as typed.</param>
    /// <param name="workingDirectory">Where relative arguments start.</param>
    /// <param name="outDirectory">The <c>--out</c> folder, or <see langword="null"/> for outputs beside inputs.</param>
    /// <param name="suffix">The output's suffix replacing the input's extension, such as <c>.srt</c> or <c>.en.srt</c>.</param>
    /// <param name="cancellationToken">Stops the folder walk (Ctrl-C).</param>
    public static IReadOnlyList<BatchItem> Expand(IEnumerable<string> inputs, string workingDirectory, string? outDirectory, string suffix,
        CancellationToken cancellationToken = default)
    {
        var found = new List<(string Path, string? Root, bool FromListing)>();
        var failures = new List<BatchItem>();
        foreach (var raw in inputs)
        {
            if (string.IsNullOrWhiteSpace(raw))
            {
                continue;
            }

            var full = Path.GetFullPath(raw, workingDirectory);
            if (raw.IndexOfAny(['*', '?']) >= 0)
            {
                var (root, regex) = CompileGlob(full);
                var before = found.Count;
                if (Directory.Exists(root))
                {
                    foreach (var file in Walk(root, cancellationToken))
                    {
                        if (regex.IsMatch(Path.GetRelativePath(root, file).Replace('\\', '/')))
                        {
                            found.Add((file, root, true));
                        }
                    }
                }

                if (found.Count == before)
                {
                    failures.Add(new BatchItem(full, full, raw) { FailReason = "no file matches this pattern" });
                }
            }
            else if (Directory.Exists(full))
            {
                found.AddRange(Walk(full, cancellationToken).Select(f => (f, (string?)full, true)));
            }
            else if (File.Exists(full))
            {
                found.Add((full, null, false));
            }
            else
            {
                failures.Add(new BatchItem(full, full, raw) { FailReason = "no such file or folder" });
            }
        }

        // Outputs of audio files in the same folder (from this or another format) are not inputs, nor worth a line.
        var outputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, _, _) in found.Where(f => AudioExtensions.Contains(Path.GetExtension(f.Path))))
        {
            foreach (var stem in new[] { Path.ChangeExtension(path, null), path })
            {
                foreach (var ext in OutputExtensions)
                {
                    outputs.Add(stem + ext);
                    outputs.Add(stem + ".en" + ext);
                }
            }
        }

        // A file reached by several paths is sent once, under the first path that is not itself a link (else the
        // first path): the same choice on every run, and the real file is never hidden behind a link to it.
        var identities = new Dictionary<string, FileIdentity>(StringComparer.Ordinal);
        var chosen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, _, fromListing) in found)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if ((fromListing && (outputs.Contains(path) || !AudioExtensions.Contains(Path.GetExtension(path))))
                || identities.ContainsKey(path))
            {
                continue;
            }

            var identity = FileIdentity.Of(path);
            identities[path] = identity;
            if (identity.Kind == FileKind.Regular && (!chosen.TryGetValue(identity.Id, out var first) || (IsLink(first) && !IsLink(path))))
            {
                chosen[identity.Id] = path;
            }
        }

        var items = new List<BatchItem>();
        var roots = new List<string?>();
        var seenPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, root, fromListing) in found)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!seenPaths.Add(path) || (fromListing && outputs.Contains(path)))
            {
                continue;
            }

            var display = Display(path, workingDirectory);
            var key = Path.GetRelativePath(root ?? workingDirectory, path).Replace('\\', '/');
            var identity = identities.TryGetValue(path, out var known) ? known : FileIdentity.Of(path);
            var item = new BatchItem(path, string.Empty, display) { Key = key, ReadPath = identity.Kind == FileKind.Regular
                && IsLink(path) ? RealPath(path) : path };
            if (fromListing && !AudioExtensions.Contains(Path.GetExtension(path)))
            {
                item = item with { SkipReason = $"not an audio file ({(Path.GetExtension(path) is { Length: > 0 } e ? e : "no extension")})" };
            }
            else if (identity.Kind is not (FileKind.Regular or FileKind.Missing))
            {
                item = item with { SkipReason = $"not a regular file: {identity.Describe()}" };
            }
            else if (identity.Kind == FileKind.Regular && chosen.TryGetValue(identity.Id, out var representative) && representative != path)
            {
                item = item with { SkipReason = $"the same file as {Display(representative, workingDirectory)} (reached through a link)" };
            }

            items.Add(item);
            roots.Add(root);
        }

        NameOutputs(items, roots, outDirectory, suffix);
        items.AddRange(failures);
        return items;
    }

    /// <summary>
    /// Gives every item an output name no other item of the batch has, the same on every run over the same inputs:
    /// <c>talk.txt</c>; where two inputs would share it, each keeps its extension (<c>talk.wav.txt</c>,
    /// <c>talk.mp3.txt</c>); where that still meets another name, the lowest-ranked side steps up again, and the last
    /// step adds a hash of the input's relative path (<c>talk.mp3.1a2b3c4d.txt</c>).
    /// </summary>
    private static void NameOutputs(List<BatchItem> items, List<string?> roots, string? outDirectory, string suffix)
    {
        var comparer = OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
        var levels = new int[items.Count];
        for (var round = 0; round <= 2 * items.Count + 2; round++)
        {
            for (var i = 0; i < items.Count; i++)
            {
                items[i] = items[i] with { Output = OutputFor(items[i], roots[i], outDirectory, suffix, levels[i]) };
            }

            var clashes = Enumerable.Range(0, items.Count)
                .Where(i => items[i].SkipReason is null)
                .GroupBy(i => items[i].Output, comparer)
                .Where(g => g.Count() > 1)
                .ToList();
            var raised = false;
            foreach (var clash in clashes)
            {
                var lowest = clash.Min(i => levels[i]);
                foreach (var i in clash.Where(i => levels[i] == lowest && levels[i] < 2))
                {
                    levels[i]++;
                    raised = true;
                }
            }

            if (!raised)
            {
                return;
            }
        }
    }

    private static string OutputFor(BatchItem item, string? root, string? outDirectory, string suffix, int level)
    {
        var input = item.Input;
        var name = level switch
        {
            0 => Path.GetFileNameWithoutExtension(input),
            1 => Path.GetFileName(input),
            _ => Path.GetFileName(input) + "." + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(item.Key)).AsSpan(0, 4)),
        } + suffix;
        if (outDirectory is null)
        {
            return Path.Combine(Path.GetDirectoryName(input)!, name);
        }

        var relativeDirectory = root is null ? string.Empty : Path.GetDirectoryName(Path.GetRelativePath(root, input)) ?? string.Empty;
        return Path.GetFullPath(Path.Combine(outDirectory, relativeDirectory, name));
    }
}
