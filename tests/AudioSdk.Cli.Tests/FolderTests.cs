using System.Diagnostics;
using System.Text.Json;
using AudioSdk.Testing;

namespace AudioSdk.Cli.Tests;

/// <summary>Folders as users and attackers build them: link loops, FIFOs, clashing names, outputs that cannot be written.</summary>
public sealed class FolderTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task SymlinkLoops_EachRealFileIsSentOnce_AndTheWalkEnds()
    {
        _cli.WriteWav("d/a/x.wav", 1);
        Directory.CreateDirectory(_cli.Path("d", "b"));
        File.CreateSymbolicLink(_cli.Path("d", "a", "up"), "..");
        File.CreateSymbolicLink(_cli.Path("d", "b", "up"), "..");
        File.CreateSymbolicLink(_cli.Path("d", "b", "again"), "../a");
        File.CreateSymbolicLink(_cli.Path("d", "b", "y.wav"), "../a/x.wav");
        var log = _cli.Path("requests.log");

        using var run = CliProcess.Start(_cli.Directory, ["transcribe", "d", "--offline", "--offline-log", log, "--json"]);
        var code = await run.ExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(code == 0, run.ToString());
        var sent = File.ReadAllLines(log).Where(l => l.StartsWith("POST ", StringComparison.Ordinal)).ToList();
        Assert.Equal("POST /v1/audio/transcriptions x.wav", Assert.Single(sent));
        using var json = JsonDocument.Parse(run.Out);
        var files = json.RootElement.GetProperty("files").EnumerateArray().ToList();
        var done = Assert.Single(files, f => f.GetProperty("status").GetString() == "done");
        Assert.Equal(_cli.Path("d", "a", "x.wav"), done.GetProperty("input").GetString());
        Assert.Contains(files, f => f.TryGetProperty("reason", out var r) && r.GetString()!.Contains("the same file as d/a/x.wav", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fifo_NamedLikeAudio_IsSkippedWithAReason_AndDoesNotHang()
    {
        _cli.WriteWav("in/good.wav", 1);
        using (var mkfifo = Process.Start("mkfifo", [_cli.Path("in", "pipe.wav")]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        using var run = CliProcess.Start(_cli.Directory, ["transcribe", "in", Path.Combine("in", "pipe.wav"), "--offline"]);
        var code = await run.ExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(code == 0, run.ToString());
        Assert.Contains("pipe.wav: not a regular file: a FIFO (named pipe)", run.Out);
        Assert.True(File.Exists(_cli.Path("in", "good.txt")));
    }

    [Fact]
    public async Task ClashingNames_TalkWavMp3AndMp3Wav_GetThreeDistinctOutputs_StableOnRerun()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("talk.wav", 1);
        _cli.WriteWav("talk.mp3", 2);
        _cli.WriteWav("talk.mp3.wav", 3);

        var result = await _cli.RunAsync("transcribe", ".", "-f", "srt", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(3, server.Requests.Count);
        var cues = new Dictionary<string, int>
        {
            ["talk.wav.srt"] = 1,
            ["talk.mp3.srt"] = 2,
            ["talk.mp3.wav.srt"] = 3,
        };
        foreach (var (name, count) in cues)
        {
            Assert.Equal(count, Subtitles.SubtitleFile.ParseSrt(File.ReadAllText(_cli.Path(name))).Count);
        }

        var rerun = await _cli.RunAsync("transcribe", ".", "-f", "srt", "--base-url", server.Endpoint.ToString());
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Equal(3, server.Requests.Count);
        Assert.Contains("3 skipped", rerun.Out);
    }

    [Theory]
    [InlineData("file")]
    [InlineData("under-file")]
    public async Task OutFolder_ThatCannotBeWritten_IsAUsageError_BeforeAnyRequest(string kind)
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("in/a.wav", 1);
        _cli.WriteWav("in/b.wav", 1);
        File.WriteAllText(_cli.Path("blocker"), "a regular file where the folder should be");
        var outFolder = kind == "file" ? "blocker" : Path.Combine("blocker", "out");

        var result = await _cli.RunAsync("transcribe", "in", "-o", outFolder, "--base-url", server.Endpoint.ToString());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Cannot write to the --out folder", result.Error);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task OutFolder_MadeImmutable_IsAUsageError_BeforeAnyRequest()
    {
        // chattr +i stops root too; where the file system or the container does not allow it, the case above stands.
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("in/a.wav", 1);
        var locked = _cli.Path("locked");
        Directory.CreateDirectory(locked);
        if (!await RunAsync("chattr", "+i", locked))
        {
            return;
        }

        try
        {
            var result = await _cli.RunAsync("transcribe", "in", "-o", "locked", "--base-url", server.Endpoint.ToString());

            Assert.Equal(2, result.ExitCode);
            Assert.Contains("Cannot write to the --out folder", result.Error);
            Assert.Empty(server.Requests);
        }
        finally
        {
            await RunAsync("chattr", "-i", locked);
        }
    }

    private static async Task<bool> RunAsync(string command, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command) { ArgumentList = { args[0], args[1] }, RedirectStandardError = true, UseShellExecute = false })!;
            await process.WaitForExitAsync();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
