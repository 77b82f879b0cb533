using System.Diagnostics;

namespace AudioSdk.Tests.Security.Ehbp;

/// <summary>
/// Where the EHBP interop scripts live (tests/ehbp-interop) and whether they can run: node on PATH and the npm packages
/// installed there (.ci/run does <c>npm install</c>). Tests using it skip with the reason otherwise.
/// </summary>
internal static class NodeInterop
{
    public static readonly string? Folder = Find();

    public static readonly string? SkipReason = Reason();

    public static Process Start(string script, params string[] arguments)
    {
        var info = new ProcessStartInfo("node") { WorkingDirectory = Folder!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "ehbp-interop");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string? Reason()
    {
        if (Folder is null)
        {
            return "tests/ehbp-interop was not found above the test output.";
        }

        if (!File.Exists(Path.Combine(Folder, "node_modules", "ehbp", "package.json")) || !File.Exists(Path.Combine(Folder, "node_modules", "@hpke", "core", "package.json")))
        {
            return "The EHBP interop npm packages are not installed (cd tests/ehbp-interop && npm install); .ci/run installs them.";
        }

        try
        {
            using var node = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
            node.WaitForExit(10_000);
            return node.ExitCode == 0 ? null : "node --version failed.";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "node is not on PATH; the EHBP interop tests run the official npm client.";
        }
    }
}

/// <summary>A fact that runs only where node and the interop packages are present.</summary>
public sealed class NodeInteropFactAttribute : FactAttribute
{
    public NodeInteropFactAttribute()
    {
        if (NodeInterop.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
