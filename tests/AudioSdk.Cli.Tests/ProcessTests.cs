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
            while (!first.Process.HasExited && Outputs().Count < 3 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            first.Signal("KILL");
            await first.ExitAsync(TimeSpan.FromSeconds(30));
        }

        var finished = Outputs();
        Assert.InRange(finished.Count, 3, names.Count - 2);

        var log = _cli.Path("requests.log");
        using var second = Start("transcribe", "in", "-f", "vtt", "--parallel", "2", "--offline", "--offline-log", log, "--json");
        Assert.True(await second.ExitAsync(TimeSpan.FromSeconds(60)) == 0, second.ToString());

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
        Assert.Equal(0, await process.ExitAsync(TimeSpan.FromSeconds(60)));

        foreach (var command in new[] { "transcribe", "translate", "speak", "dictate", "models", "usage" })
        {
            Assert.Contains(command, process.Out);
        }

        Assert.Contains("143 terminated", process.Out);
    }

    private CliProcess Start(params string[] args) => CliProcess.Start(_cli.Directory, args);

    private List<string> Outputs() => [.. Directory.EnumerateFiles(_cli.Path("in"), "*.vtt").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal)];
}
