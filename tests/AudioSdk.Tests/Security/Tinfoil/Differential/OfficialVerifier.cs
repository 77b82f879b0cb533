using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;

namespace AudioSdk.Tests.Security.Tinfoil.Differential;

/// <summary>
/// Tinfoil's published verifier (npm <c>@tinfoilsh/verifier</c> 1.1.0) run by <c>verify.mjs</c> in one node process for
/// all inputs. Install it with <c>npm ci --prefix tests/AudioSdk.Tests/Security/Tinfoil/Differential</c> (or
/// <c>npm install</c> there); <c>.ci/run</c> does so when npm exists.
/// </summary>
internal static class OfficialVerifier
{
    public static string Folder { get; } = FindFolder();

    public static string? Node { get; } = Infrastructure.Dictation.Find("node");

    /// <summary>Why the official verifier cannot run here, or null when it can.</summary>
    public static string? Unavailable =>
        Node is null ? "node is not on PATH; the differential run needs node 18+ and the @tinfoilsh/verifier npm package."
        : !File.Exists(Path.Combine(Folder, "node_modules", "@tinfoilsh", "verifier", "package.json"))
            ? "@tinfoilsh/verifier is not installed: run `npm ci --prefix tests/AudioSdk.Tests/Security/Tinfoil/Differential` (CI does)."
            : null;

    public sealed record Verdict(bool Accepted, string Step, string Error);

    /// <summary>Runs every input through the official verifier; one verdict per input id.</summary>
    public static async Task<Dictionary<string, Verdict>> RunAsync(IEnumerable<JsonObject> inputs, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Node!, [Path.Combine(Folder, "verify.mjs")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Folder,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var writer = Task.Run(
            async () =>
            {
                foreach (var input in inputs)
                {
                    await process.StandardInput.WriteLineAsync(input.ToJsonString().AsMemory(), cancellationToken);
                }

                process.StandardInput.Close();
            },
            cancellationToken);
        var verdicts = new Dictionary<string, Verdict>(StringComparer.Ordinal);
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            var node = JsonNode.Parse(line)!.AsObject();
            verdicts[node["id"]!.GetValue<string>()] = new Verdict(
                node["accepted"]!.GetValue<bool>(),
                node["step"]?.GetValue<string>() ?? string.Empty,
                node["error"]?.GetValue<string>() ?? string.Empty);
        }

        await writer;
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"verify.mjs exited with {process.ExitCode}: {await stderr}");
        }

        return verdicts;
    }

    // The source folder, found from the test binaries upwards: a CI build maps source paths (/_/...), so the caller's
    // file path does not name a real folder there.
    private static string FindFolder()
    {
        var relative = Path.Combine("tests", "AudioSdk.Tests", "Security", "Tinfoil", "Differential");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, relative, "verify.mjs")))
            {
                return Path.Combine(dir.FullName, relative);
            }
        }

        return Path.Combine(AppContext.BaseDirectory, relative);
    }
}

/// <summary>A fact that needs node and the official verifier package: skipped, with the reason, where either is absent.</summary>
public sealed class OfficialVerifierFactAttribute : FactAttribute
{
    public OfficialVerifierFactAttribute()
    {
        if (OfficialVerifier.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
