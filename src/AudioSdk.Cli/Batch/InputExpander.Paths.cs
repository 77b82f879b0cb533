using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace AudioSdk.Cli.Batch;

internal static partial class InputExpander
{
    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    /// <summary>The file a link finally points to (its size and time are the file's, not the link's).</summary>
    private static string RealPath(string path) => File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;

    /// <summary>The path as shown in lines and tables: relative when inside the working directory; control characters (a newline in a name)
    /// as '?'.</summary>
    private static string Display(string path, string workingDirectory)
    {
        var relative = Path.GetRelativePath(workingDirectory, path);
        var shown = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
        return shown.Any(char.IsControl) ? string.Concat(shown.Select(c => char.IsControl(c) ? '?' : c)) : shown;
    }

    /// <summary>
    /// Files below a folder in ordinal order, skipping hidden files and folders (temporary outputs and the record folder
    /// start with a dot) and unreadable folders. Each real folder is entered once, whatever links lead to it (so link
    /// loops end), folders reached without links first (their files listed first), and no deeper than <see cref="MaxDepth"/>; the walk
    /// checks
    /// <paramref name="cancellationToken"/> at every entry.
    /// </summary>
    private static List<string> Walk(string root, CancellationToken cancellationToken)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal) { FileIdentity.Of(root).Id };
        var files = new List<string>();
        var filesViaLinks = new List<string>();
        var direct = new Stack<(string Path, int Depth)>();
        var linked = new Stack<(string Path, int Depth)>();
        direct.Push((root, 0));
        var options = new EnumerationOptions { IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };
        while (direct.Count > 0 || linked.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var viaLink = direct.Count == 0;
            var (folder, depth) = viaLink ? linked.Pop() : direct.Pop();
            List<string> entries;
            try
            {
                entries = [.. Directory.EnumerateFileSystemEntries(folder, "*", options)];
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var entry in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Path.GetFileName(entry).StartsWith('.'))
                {
                    continue;
                }

                if (!Directory.Exists(entry))
                {
                    (viaLink ? filesViaLinks : files).Add(entry);
                    continue;
                }

                if (depth + 1 > MaxDepth || !visited.Add(FileIdentity.Of(entry).Id))
                {
                    continue;
                }

                var isLink = viaLink || new DirectoryInfo(entry).LinkTarget is not null;
                (isLink ? linked : direct).Push((entry, depth + 1));
            }
        }

        // A file reached both directly and through a link is listed under its direct path first.
        files.Sort(StringComparer.Ordinal);
        filesViaLinks.Sort(StringComparer.Ordinal);
        files.AddRange(filesViaLinks);
        return files;
    }

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
        return (Path.GetFullPath(root),
            new Regex(regex.ToString(),
            RegexOptions.CultureInvariant | (OperatingSystem.IsWindows() ? RegexOptions.IgnoreCase : RegexOptions.None)));
    }
}
