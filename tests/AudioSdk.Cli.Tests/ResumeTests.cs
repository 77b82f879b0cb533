using System.Text.Json;
using AudioSdk.Subtitles;
using AudioSdk.Testing;

namespace AudioSdk.Cli.Tests;

public sealed class ResumeTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task CancelledBatch_Rerun_FinishesEveryFileOnce_AndResendsNothingFinished()
    {
        await using var server = await AudioTestServer.StartAsync();
        for (var i = 0; i < 40; i++)
        {
            server.Enqueue(new ScriptedResponse { Delay = TimeSpan.FromMilliseconds(300) });
        }

        var names = Enumerable.Range(0, 12).Select(i => $"rec{i:D2}").ToList();
        foreach (var name in names)
        {
            _cli.WriteWav($"in/{name}.wav", 2);
        }

        string[] args = ["transcribe", "in", "-f", "srt", "--parallel", "2", "--base-url", server.Endpoint.ToString()];
        using var stop = new CancellationTokenSource();
        var first = CliHarness.RunAsync(_cli.Directory, _cli.Environment, args, cancellationToken: stop.Token);
        while (!first.IsCompleted && Outputs().Count < 3)
        {
            await Task.Delay(20);
        }

        await stop.CancelAsync();
        var interrupted = await first;
        Assert.Equal(130, interrupted.ExitCode);
        var finished = Outputs();
        Assert.InRange(finished.Count, 3, names.Count - 2);
        var sentBefore = server.Requests.Count;

        var second = await CliHarness.RunAsync(_cli.Directory, _cli.Environment, [.. args, "--json"]);

        Assert.True(second.ExitCode == 0, second.ToString());
        var resent = server.Requests.Skip(sentBefore).Select(r => Path.GetFileNameWithoutExtension(r.Audio!.FileName!)).ToList();
        Assert.Empty(resent.Intersect(finished));
        Assert.Equal(names.Except(finished).Order(), resent.Order());
        Assert.Equal(names, Outputs());
        Assert.All(names, n => Assert.Equal(2, SubtitleFile.ParseSrt(File.ReadAllText(_cli.Path("in", n + ".srt"))).Count));
        Assert.Empty(Directory.EnumerateFiles(_cli.Path("in"), "*.tmp"));
        using var json = JsonDocument.Parse(second.Out);
        Assert.Equal(finished.Count, json.RootElement.GetProperty("skipped").GetInt32());
        Assert.Equal(names.Count - finished.Count, json.RootElement.GetProperty("done").GetInt32());
    }

    [Fact]
    public async Task LeftoverTemporaryFile_IsNeverTakenForDone_AndIsRemoved()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("a.wav", 1);
        File.WriteAllText(_cli.Path(".a.txt.0123456789abcdef.tmp"), "half a transc");

        var result = await _cli.RunAsync("transcribe", "a.wav", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(server.Requests);
        Assert.StartsWith("Sound of 440 Hz", File.ReadAllText(_cli.Path("a.txt")));
        Assert.False(File.Exists(_cli.Path(".a.txt.0123456789abcdef.tmp")));
    }

    [Fact]
    public async Task InputNewerThanOutput_IsDoneAgain_AndForceRedoesEverything()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("a.wav", 1);
        _cli.WriteWav("b.wav", 1);
        File.WriteAllText(_cli.Path("a.txt"), "old");
        File.WriteAllText(_cli.Path("b.txt"), "current");
        File.SetLastWriteTimeUtc(_cli.Path("a.txt"), DateTime.UtcNow.AddHours(-1));

        var result = await _cli.RunAsync("transcribe", "a.wav", "b.wav", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("a.wav", Assert.Single(server.Requests).Audio!.FileName);
        Assert.Equal("current", File.ReadAllText(_cli.Path("b.txt")));

        var forced = await _cli.RunAsync("transcribe", "a.wav", "b.wav", "--force", "--base-url", server.Endpoint.ToString());
        Assert.Equal(0, forced.ExitCode);
        Assert.Equal(3, server.Requests.Count);
        Assert.StartsWith("Sound of 440 Hz", File.ReadAllText(_cli.Path("b.txt")));
    }

    [Fact]
    public async Task FutureDatedInput_IsNotResent_OnTheNextRun()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("a.wav", 1);
        File.SetLastWriteTimeUtc(_cli.Path("a.wav"), DateTime.UtcNow.AddDays(3));

        var first = await _cli.RunAsync("transcribe", "a.wav", "--base-url", server.Endpoint.ToString());
        var second = await _cli.RunAsync("transcribe", "a.wav", "--base-url", server.Endpoint.ToString());

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first + "\n" + second);
        Assert.Single(server.Requests);
        Assert.Contains("already done", second.Out);
    }

    [Fact]
    public async Task ChangedOptions_RedoExactlyTheFilesMadeWithOthers_WithoutForce()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("a.wav", 1);
        _cli.WriteWav("b.wav", 1);
        string[] url = ["--base-url", server.Endpoint.ToString()];

        await _cli.RunAsync(["transcribe", "a.wav", "b.wav", "--prompt", "Names: Ana, Bo.", .. url]);
        Assert.Equal(2, server.Requests.Count);

        var one = await _cli.RunAsync(["transcribe", "a.wav", "--prompt", "Names: Ana, Bob.", .. url]);
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Equal(3, server.Requests.Count);

        var both = await _cli.RunAsync(["transcribe", "a.wav", "b.wav", "--prompt", "Names: Ana, Bob.", .. url]);
        Assert.True(both.ExitCode == 0, both.ToString());
        Assert.Equal(["a.wav", "b.wav"], server.Requests.Take(2).Select(r => r.Audio!.FileName).Order());
        Assert.Equal(["a.wav", "b.wav"], server.Requests.Skip(2).Select(r => r.Audio!.FileName));
        Assert.Equal("Names: Ana, Bob.", server.Requests[^1].GetField("prompt"));

        var again = await _cli.RunAsync(["transcribe", "a.wav", "b.wav", "--prompt", "Names: Ana, Bob.", .. url]);
        Assert.Equal(4, server.Requests.Count);
        Assert.Contains("2 skipped", again.Out);
    }

    [Fact]
    public async Task ChangedInput_OfTheSameSizeAndTime_IsRedone_ThroughTheHashOfItsHead()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("a.wav", 1);
        await _cli.RunAsync("transcribe", "a.wav", "--base-url", server.Endpoint.ToString());
        var bytes = File.ReadAllBytes(_cli.Path("a.wav"));
        bytes[100] ^= 0x55;
        File.WriteAllBytes(_cli.Path("a.wav"), bytes);
        File.SetLastWriteTimeUtc(_cli.Path("a.wav"), DateTime.UtcNow.AddMinutes(-5));

        var result = await _cli.RunAsync("transcribe", "a.wav", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, server.Requests.Count);
    }

    private List<string> Outputs() => Directory.Exists(_cli.Path("in"))
        ? [.. Directory.EnumerateFiles(_cli.Path("in"), "*.srt").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal)]
        : [];
}
