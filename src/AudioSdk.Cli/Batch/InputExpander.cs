using System.Text;
using System.Text.RegularExpressions;

namespace AudioSdk.Cli.Batch;

/// <summary>
/// Turns the command line's files, folders and glob patterns (<c>*</c>, <c>?</c>, <c>**</c>) into batch items
/// with their output paths: beside each input, or under <c>--out</c> keeping the layout below a folder or pattern root.
/// </summary>
internal static class InputExpander
{
    /// <summary>Extensions taken from folders and patterns; other files there are listed as skipped.</summary>
    public static readonly IReadOnlySet<string> AudioExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".wav", ".mp3", ".m4a", ".mp4", ".mpeg", ".mpga", ".ogg", ".oga", ".opus", ".webm", ".flac", ".aac",
    };

    private static readonly string[] OutputExtensions = [".txt", ".srt", ".vtt", ".json", ".verbose.json"];

    /// <param name="inputs">Arguments as typed.</param>
    /// <param name="workingDirectory">Where relative arguments start.</param>
    /// <param name="outDirectory">The <c>--out</c> folder, or <see langword="null"/> for outputs beside inputs.</param>
    /// <param name="suffix">The output's suffix replacing the input's extension, such as <c>.srt</c> or <c>.en.srt</c>.</param>
    public static IReadOnlyList<BatchItem> Expand(IEnumerable<string> inputs, string workingDirectory, string? outDirectory, string suffix)
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
                    foreach (var file in SafeEnumerate(root))
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
                found.AddRange(SafeEnumerate(full).Select(f => (f, (string?)full, true)));
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

        var items = new List<BatchItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, root, fromListing) in found)
        {
            if (!seen.Add(path) || (fromListing && outputs.Contains(path)))
            {
                continue;
            }

            var display = Display(path, workingDirectory);
            var item = new BatchItem(path, OutputFor(path, root, outDirectory, suffix, Path.GetFileNameWithoutExtension(path)), display);
            if (fromListing && !AudioExtensions.Contains(Path.GetExtension(path)))
            {
                item = item with { SkipReason = $"not an audio file ({(Path.GetExtension(path) is { Length: > 0 } e ? e : "no extension")})" };
            }

            items.Add(item);
        }

        // Two inputs with one output (talk.wav and talk.mp3): both keep their extension in the output name.
        foreach (var clash in items.Where(i => i.SkipReason is null).GroupBy(i => i.Output, StringComparer.Ordinal).Where(g => g.Count() > 1).ToList())
        {
            foreach (var item in clash)
            {
                var index = items.IndexOf(item);
                var root = found.First(f => f.Path == item.Input).Root;
                items[index] = item with { Output = OutputFor(item.Input, root, outDirectory, suffix, Path.GetFileName(item.Input)) };
            }
        }

        items.AddRange(failures);
        return items;
    }

    private static string OutputFor(string input, string? root, string? outDirectory, string suffix, string stem)
    {
        var name = stem + suffix;
        if (outDirectory is null)
        {
            return Path.Combine(Path.GetDirectoryName(input)!, name);
        }

        var relativeDirectory = root is null ? string.Empty : Path.GetDirectoryName(Path.GetRelativePath(root, input)) ?? string.Empty;
        return Path.GetFullPath(Path.Combine(outDirectory, relativeDirectory, name));
    }

    private static string Display(string path, string workingDirectory)
    {
        var relative = Path.GetRelativePath(workingDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    /// <summary>Files below a folder, skipping hidden files and folders (temporary outputs start with a dot) and unreadable folders.</summary>
    private static IEnumerable<string> SafeEnumerate(string root) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        })
        .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
        .Order(StringComparer.Ordinal);

    /// <summary>The folder before the first wildcard, and a regex over paths relative to it.</summary>
    internal static (string Root, Regex Pattern) CompileGlob(string fullPattern)
    {
        var parts = fullPattern.Replace('\\', '/').Split('/');
        var firstWild = Array.FindIndex(parts, p => p.IndexOfAny(['*', '?']) >= 0);
        var root = string.Join('/', parts[..firstWild]);
        if (root.Length == 0)
        {
            root = "/";
        }

        var regex = new StringBuilder("^");
        var rest = parts[firstWild..];
        for (var i = 0; i < rest.Length; i++)
        {
            var last = i == rest.Length - 1;
            if (rest[i] == "**")
            {
                regex.Append(last ? ".*" : "(?:[^/]+/)*");
                continue;
            }

            foreach (var c in rest[i])
            {
                regex.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            }

            if (!last)
            {
                regex.Append('/');
            }
        }

        regex.Append('$');
        return (Path.GetFullPath(root), new Regex(regex.ToString(), RegexOptions.CultureInvariant | (OperatingSystem.IsWindows() ? RegexOptions.IgnoreCase : RegexOptions.None)));
    }
}
