using System.Text.Json;
using AudioSdk.Subtitles;
using AudioSdk.Testing;

namespace AudioSdk.Cli.Tests;

public sealed class TranscribeCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Transcribe_Folder_WritesSubtitlesBesideEachInput_AndExitsZero()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("in/a.wav", 3);
        _cli.WriteWav("in/deep/b.wav", 2);

        var result = await _cli.RunAsync("transcribe", "in", "--format", "srt", "--language", "en", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        var cues = SubtitleFile.ParseSrt(File.ReadAllText(_cli.Path("in", "a.srt")));
        Assert.Equal(3, cues.Count);
        Assert.Equal(2, SubtitleFile.ParseSrt(File.ReadAllText(_cli.Path("in", "deep", "b.srt"))).Count);
        Assert.All(server.Requests, r => Assert.Equal("srt", r.GetField("response_format")));
        Assert.All(server.Requests, r => Assert.Equal("en", r.GetField("language")));
        Assert.Contains("2 done", result.Out);
    }

    [Fact]
    public async Task Transcribe_GlobIntoOutFolder_KeepsLayout_AndVerboseJsonAsksForWordTimestamps()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("calls/mon/x.wav", 1);
        _cli.WriteWav("calls/tue/y.wav", 1);
        _cli.WriteWav("calls/tue/skip.mp3.bak", 1);

        var result = await _cli.RunAsync("transcribe", "calls/**/*.wav", "-o", "out", "-f", "verbose_json", "--timestamps", "word", "segment", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        using var x = JsonDocument.Parse(File.ReadAllText(_cli.Path("out", "mon", "x.verbose.json")));
        Assert.True(x.RootElement.TryGetProperty("segments", out _));
        Assert.True(File.Exists(_cli.Path("out", "tue", "y.verbose.json")));
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal(["word", "segment"], r.GetFields("timestamp_granularities[]").Order().Reverse()));
    }

    [Fact]
    public async Task Translate_WritesEnglishOutputs_NextToTranscripts_WithoutTakingThemForDone()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("a.wav", 1);
        File.WriteAllText(_cli.Path("a.txt"), "an earlier transcript\n");

        var result = await _cli.RunAsync("translate", "a.wav", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("/v1/audio/translations", Assert.Single(server.Requests).Path);
        Assert.Contains("Sound of 440 Hz", File.ReadAllText(_cli.Path("a.en.txt")));
        Assert.Equal("an earlier transcript\n", File.ReadAllText(_cli.Path("a.txt")));
    }

    [Fact]
    public async Task Transcribe_LongFile_IsSplitAndStitched_WithShiftedTimestamps()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("long.wav", 30);

        var result = await _cli.RunAsync("transcribe", "long.wav", "-f", "vtt", "--max-chunk", "10s", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(server.Requests.Count >= 3, $"{server.Requests.Count} requests");
        var cues = SubtitleFile.ParseVtt(File.ReadAllText(_cli.Path("long.vtt")));
        Assert.True(cues[^1].End > TimeSpan.FromSeconds(25), cues[^1].ToString());
        Assert.Equal(cues.OrderBy(c => c.Start).Select(c => c.Start), cues.Select(c => c.Start));
    }

    [Fact]
    public async Task Transcribe_LongFileAsJson_WritesTheStitchedTranscript()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("long.wav", 21);

        var result = await _cli.RunAsync("transcribe", "long.wav", "-f", "verbose_json", "--max-chunk", "10s", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(_cli.Path("long.verbose.json")));
        var segments = json.RootElement.GetProperty("segments");
        Assert.True(segments.GetArrayLength() >= 3);
        Assert.True(segments[segments.GetArrayLength() - 1].GetProperty("end").GetDouble() > 20);
        Assert.Equal(21, json.RootElement.GetProperty("duration").GetDouble(), 1);
    }

    [Fact]
    public async Task Transcribe_FolderWithBadFiles_GivesAClearReasonPerFile_AndExitCodeOne()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("mixed/good.wav", 1);
        File.WriteAllText(_cli.Path("mixed", "notes.txt"), "not audio");
        File.WriteAllText(_cli.Path("mixed", "fake.wav"), "this is text with a .wav name");
        File.WriteAllBytes(_cli.Path("mixed", "empty.mp3"), []);
        File.CreateSymbolicLink(_cli.Path("mixed", "gone.wav"), _cli.Path("nowhere", "gone.wav"));

        var result = await _cli.RunAsync("transcribe", "mixed", "missing-folder", "--base-url", server.Endpoint.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("notes.txt: not an audio file (.txt)", result.Out);
        Assert.Contains("fake.wav: not audio", result.Out);
        Assert.Contains("empty.mp3: the file is empty", result.Out);
        Assert.Contains("gone.wav: cannot read the file", result.Out);
        Assert.Contains("missing-folder: no such file or folder", result.Out);
        Assert.Contains("1 done", result.Out);
        Assert.Equal("good.wav", Assert.Single(server.Requests).Audio!.FileName);
        Assert.True(File.Exists(_cli.Path("mixed", "good.txt")));
    }

    [Fact]
    public async Task Transcribe_WrongKey_StopsTheBatch_SaysWhyForEveryFile_AndNeverPrintsTheKey()
    {
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = "sk-right-one" });
        for (var i = 0; i < 6; i++)
        {
            _cli.WriteWav($"in/{i}.wav", 1);
        }

        var result = await _cli.RunAsync("transcribe", "in", "--parallel", "1", "--json", "--base-url", server.Endpoint.ToString(), "--api-key", "sk-wrong-secret-42");

        Assert.Equal(3, result.ExitCode);
        Assert.DoesNotContain("sk-wrong-secret-42", result.All);
        using var json = JsonDocument.Parse(result.Out);
        var files = json.RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(6, files.Count);
        Assert.All(files, f => Assert.Contains("refused the API key (401 invalid_api_key)", f.GetProperty("reason").GetString()));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Transcribe_NoServerListening_FailsFast_WithExitCodeThree()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        _cli.WriteWav("a.wav", 1);
        _cli.WriteWav("b.wav", 1);

        var result = await _cli.RunAsync("transcribe", "a.wav", "b.wav", "--retries", "0", "--base-url", $"http://127.0.0.1:{port}/v1");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("cannot connect to the server", result.Out);
        Assert.Contains("Stopped: cannot connect", result.Error);
        Assert.False(File.Exists(_cli.Path("a.txt")));
    }

    [Fact]
    public async Task Transcribe_RateLimited_SlowsTheBatch_ButEveryFileSucceeds()
    {
        await using var server = await AudioTestServer.StartAsync();
        server.Enqueue(ScriptedResponse.RateLimited(seconds: 1));
        server.Enqueue(ScriptedResponse.RateLimited(seconds: 1));
        for (var i = 0; i < 4; i++)
        {
            _cli.WriteWav($"in/{i}.wav", 1);
        }

        var result = await _cli.RunAsync("transcribe", "in", "--retries", "1", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("4 done", result.Out);
        Assert.Contains("asked to slow down", result.Out);
        Assert.Equal(6, server.Requests.Count);
    }

    [Fact]
    public async Task Transcribe_ClashingOutputNames_KeepEachInputsExtension()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("talk.wav", 1);
        _cli.WriteWav("talk.WAV", 1);
        _cli.WriteWav("other.wav", 1);

        var result = await _cli.RunAsync("transcribe", ".", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(_cli.Path("talk.wav.txt")), result.ToString());
        Assert.True(File.Exists(_cli.Path("talk.WAV.txt")));
        Assert.True(File.Exists(_cli.Path("other.txt")));
    }

    [Fact]
    public async Task Transcribe_Offline_NeedsNoServer()
    {
        _cli.WriteWav("a.wav", 2);

        var result = await _cli.RunAsync("transcribe", "a.wav", "--offline", "-f", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(_cli.Path("a.json")));
        Assert.StartsWith("Sound of 440 Hz", json.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Transcribe_OnATerminal_DrawsProgressAndATable()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("a.wav", 1);

        var result = await CliHarness.RunAsync(_cli.Directory, _cli.Environment, ["transcribe", "a.wav", "--base-url", server.Endpoint.ToString()], terminal: true);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("a.txt", result.Out);
        Assert.Contains("1 files: 1 done", result.Out);
    }
}
