using AudioSdk.Cli.Batch;

namespace AudioSdk.Cli.Tests;

/// <summary>One folder split between machines with <c>--shard</c>: every file done exactly once, with no coordinator.</summary>
public sealed class ShardTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task ThreeShardsAtOnce_OneKilledAndResumed_DoEveryFileExactlyOnce()
    {
        // As many files as it takes for every shard to own at least four (the split is fixed, so this is too).
        var owner = new Dictionary<string, int>();
        for (var i = 0; owner.Count < 15 || Enumerable.Range(0, 3).Any(s => owner.Values.Count(o => o == s) < 4); i++)
        {
            var name = $"rec{i:D2}";
            owner[name] = Enumerable.Range(0, 3).Single(s => new Shard(s, 3).Owns(name + ".wav"));
        }

        var names = owner.Keys.Order(StringComparer.Ordinal).ToList();
        foreach (var name in names)
        {
            _cli.WriteWav($"in/{name}.wav", 1);
        }

        CliProcess Run(int shard, string log, params string[] extra) => CliProcess.Start(
            _cli.Directory,
            ["transcribe", "in", "-f", "srt", "--shard", $"{shard}/3", "--parallel", "1", "--offline", "--offline-log", _cli.Path(log), .. extra]);

        using var zero = Run(0, "log0", "--offline-latency", "200ms");
        using var two = Run(2, "log2", "--offline-latency", "200ms");
        List<string> finishedBeforeKill;
        using (var one = Run(1, "log1", "--offline-latency", "400ms"))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Outputs().Count(n => owner[n] == 1) < 2 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            one.Signal("KILL");
            await one.ExitAsync(TimeSpan.FromSeconds(20));
            finishedBeforeKill = [.. Outputs().Where(n => owner[n] == 1)];
        }

        Assert.True(await zero.ExitAsync(TimeSpan.FromSeconds(60)) == 0, zero.ToString());
        Assert.True(await two.ExitAsync(TimeSpan.FromSeconds(60)) == 0, two.ToString());
        Assert.InRange(finishedBeforeKill.Count, 2, owner.Values.Count(o => o == 1) - 1);

        using (var resumed = Run(1, "log1b"))
        {
            Assert.True(await resumed.ExitAsync(TimeSpan.FromSeconds(60)) == 0, resumed.ToString());
        }

        var sent = new[] { "log0", "log2", "log1b" }.ToDictionary(l => l, Sent);
        Assert.All(sent["log0"], n => Assert.Equal(0, owner[n]));
        Assert.All(sent["log2"], n => Assert.Equal(2, owner[n]));
        Assert.All(sent["log1b"], n => Assert.Equal(1, owner[n]));
        Assert.Empty(sent["log1b"].Intersect(finishedBeforeKill));
        var all = sent.Values.SelectMany(s => s).Concat(finishedBeforeKill).ToList();
        Assert.Equal(names, all.Order(StringComparer.Ordinal));
        Assert.Equal(names, Outputs());
        Assert.All(names, n => Assert.Single(Subtitles.SubtitleFile.ParseSrt(File.ReadAllText(_cli.Path("in", n + ".srt")))));
    }

    [Fact]
    public async Task ShardAuto_TakesTheIndexFromKubernetes_AndTheCountFromTheEnvironment()
    {
        for (var i = 0; i < 9; i++)
        {
            _cli.WriteWav($"in/f{i}.wav", 1);
        }

        var done = new List<string>();
        for (var index = 0; index < 3; index++)
        {
            _cli.Environment["JOB_COMPLETION_INDEX"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _cli.Environment["AUDIO_SHARD_COUNT"] = "3";
            var before = Directory.EnumerateFiles(_cli.Path("in"), "*.txt").ToHashSet();
            var result = await _cli.RunAsync("transcribe", "in", "--shard", "auto", "--offline");
            Assert.True(result.ExitCode == 0, result.ToString());
            var made = Directory.EnumerateFiles(_cli.Path("in"), "*.txt").Where(f => !before.Contains(f)).Select(Path.GetFileNameWithoutExtension).ToList();
            Assert.All(made, n => Assert.True(new Shard(index, 3).Owns(n + ".wav")));
            done.AddRange(made!);
        }

        Assert.Equal(Enumerable.Range(0, 9).Select(i => $"f{i}"), done.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("0/3", null, null, 0, 3)]
    [InlineData("auto", "4", "8", 4, 8)]
    [InlineData("auto/5", "2", null, 2, 5)]
    public void Shard_Parses(string text, string? jobIndex, string? count, int index, int total)
    {
        var env = new Dictionary<string, string?> { ["JOB_COMPLETION_INDEX"] = jobIndex, ["AUDIO_SHARD_COUNT"] = count };
        Assert.Equal(new Shard(index, total), Shard.Parse(text, n => env.GetValueOrDefault(n)));
    }

    [Fact]
    public void Shard_FromSlurm_CountsFromTheArraysFirstIndex()
    {
        var env = new Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = "7", ["SLURM_ARRAY_TASK_MIN"] = "5", ["SLURM_ARRAY_TASK_COUNT"] = "4" };
        Assert.Equal(new Shard(2, 4), Shard.Parse("auto", n => env.GetValueOrDefault(n)));
    }

    [Theory]
    [InlineData("3/3")]
    [InlineData("1/0")]
    [InlineData("-1/2")]
    [InlineData("a/b")]
    [InlineData("auto")]
    [InlineData("1/2/3")]
    public void Shard_RefusesWhatIsNotAnIndexBelowACount(string text)
    {
        var ex = Assert.Throws<CliUsageException>(() => Shard.Parse(text, _ => null));
        Assert.StartsWith("--shard", ex.Message);
    }

    private List<string> Sent(string log) => File.Exists(_cli.Path(log))
        ? [.. File.ReadAllLines(_cli.Path(log)).Where(l => l.StartsWith("POST ", StringComparison.Ordinal)).Select(l => Path.GetFileNameWithoutExtension(l.Split(' ')[2]))]
        : [];

    private List<string> Outputs() => [.. Directory.EnumerateFiles(_cli.Path("in"), "*.srt").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal)];
}
