using System.Diagnostics;

namespace AudioSdk.Cli.Tests;

/// <summary>The tool as a separate process, killed the hard way (no cleanup runs), then run again.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task KilledProcess_RerunFinishesTheBatch_AndTheServerLogShowsNothingFinishedResent()
    {
        var names = Enumerable.Range(0, 16).Select(i => $"call{i:D2}").ToList();
        foreach (var name in names)
        {
            _cli.WriteWav($"in/{name}.wav", 1);
        }

        using (var first = Start("transcribe", "in", "-f", "vtt", "--parallel", "2", "--offline", "--offline-latency", "300ms", "--quiet"))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!first.HasExited && Outputs().Count < 3 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var finished = Outputs();
        Assert.InRange(finished.Count, 3, names.Count - 2);

        var log = _cli.Path("requests.log");
        using var second = Start("transcribe", "in", "-f", "vtt", "--parallel", "2", "--offline", "--offline-log", log, "--json");
        var output = second.StandardOutput.ReadToEndAsync();
        await second.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(second.ExitCode == 0, await output + await second.StandardError.ReadToEndAsync());
        Assert.Equal(names, Outputs());
        var sent = File.ReadAllLines(log).Where(l => l.StartsWith("POST /v1/audio/transcriptions ", StringComparison.Ordinal))
            .Select(l => Path.GetFileNameWithoutExtension(l.Split(' ')[2])).ToList();
        Assert.Equal(names.Except(finished).Order(), sent.Order());
        Assert.All(names, n => Assert.StartsWith("WEBVTT", File.ReadAllText(_cli.Path("in", n + ".vtt"))));
    }

    [Fact]
    public async Task Help_AsAProcess_ExitsZero_AndListsTheCommands()
    {
        using var process = Start("--help");
        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, process.ExitCode);
        foreach (var command in new[] { "transcribe", "translate", "speak", "dictate", "models", "usage" })
        {
            Assert.Contains(command, output);
        }
    }

    private Process Start(params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = _cli.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "audio.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("AUDIO_API_BASE_URL");
        info.Environment.Remove("AUDIO_API_KEY");
        return Process.Start(info)!;
    }

    private List<string> Outputs() => [.. Directory.EnumerateFiles(_cli.Path("in"), "*.vtt").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal)];
}
