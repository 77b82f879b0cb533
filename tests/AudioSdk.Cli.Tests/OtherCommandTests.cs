using System.Text.Json;
using AudioSdk.Audio;
using AudioSdk.Testing;

namespace AudioSdk.Cli.Tests;

public sealed class OtherCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("openai")]
    [InlineData("native")]
    public async Task Dictate_WavFile_PrintsTheFinalText(string dialect)
    {
        await using var server = await AudioTestServer.StartAsync();
        var samples = new short[16000];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 16000.0));
        }

        File.WriteAllBytes(_cli.Path("say.wav"), WavFile.Write(samples, 16000));

        var result = await _cli.RunAsync("dictate", "say.wav", "--dialect", dialect, "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("440", result.Out);
        Assert.Single(server.RealtimeSessions);
    }

    [Fact]
    public async Task Dictate_StandardInputPcm_AtItsRate_OneUtterancePerInterval()
    {
        await using var server = await AudioTestServer.StartAsync();
        var samples = new short[24000 * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(8000 * Math.Sin(2 * Math.PI * 300 * i / 24000.0));
        }

        var result = await CliHarness.RunAsync(_cli.Directory, _cli.Environment, ["dictate", "-", "--rate", "24000", "--utterance", "1s", "--json", "--base-url", server.Endpoint.ToString()], stdin: Pcm16.ToBytes(samples));

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Contains("300", JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task Models_ForStt_IsATableOfSpeechToTextModels()
    {
        await using var server = await AudioTestServer.StartAsync();

        var result = await _cli.RunAsync("models", "--for", "stt", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("whisper-1", result.Out);
        Assert.DoesNotContain("tts-1", result.Out);
        Assert.Equal("stt", server.Requests[0].Query.Contains("recommended_for=stt", StringComparison.Ordinal) ? "stt" : server.Requests[0].Query);
    }

    [Fact]
    public async Task Models_Json_ListsEveryModel()
    {
        var result = await _cli.RunAsync("models", "--offline", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var ids = JsonDocument.Parse(result.Out).RootElement.EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("tts-1", ids);
        Assert.Contains("whisper-1", ids);
    }

    [Fact]
    public async Task Usage_Since_ShowsRecordsOfEarlierRequests()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("a.wav", 2);
        Assert.Equal(0, (await _cli.RunAsync("transcribe", "a.wav", "--base-url", server.Endpoint.ToString())).ExitCode);

        var result = await _cli.RunAsync("usage", "--since", "1h", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("whisper-1", result.Out);
        Assert.Contains("start_time=", server.Requests[^1].Query);
        Assert.Equal(2, (await _cli.RunAsync("usage", "--since", "yesterday-ish", "--offline")).ExitCode);
    }

    [Fact]
    public async Task Profile_FromConfigFile_SuppliesUrlAndKey_AndTheKeyIsNeverPrinted()
    {
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = "sk-profile-secret" });
        var config = _cli.Path("config.json");
        File.WriteAllText(config, $$"""
            { "default": "other",
              "profiles": {
                "other": { "baseUrl": "http://127.0.0.1:9/v1" },
                "lab": { "baseUrl": "{{server.Endpoint}}", "apiKeyEnv": "LAB_KEY", "sttModel": "gpt-4o-transcribe" } } }
            """);
        _cli.Environment["LAB_KEY"] = "sk-profile-secret";
        _cli.Environment["AUDIO_API_BASE_URL"] = "http://127.0.0.1:9/v1";
        _cli.WriteWav("a.wav", 1);

        var result = await _cli.RunAsync("transcribe", "a.wav", "--config", config, "--profile", "lab");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("gpt-4o-transcribe", server.Requests[0].GetField("model"));
        Assert.DoesNotContain("sk-profile-secret", result.All);
        Assert.Contains("profile lab", result.Error);

        var missing = await _cli.RunAsync("models", "--config", config, "--profile", "nope");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no profile 'nope'", missing.Error);
    }

    [Fact]
    public async Task EnvironmentVariables_SupplyUrlAndKey()
    {
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = "sk-env" });
        _cli.Environment["AUDIO_API_BASE_URL"] = server.Endpoint.ToString();
        _cli.Environment["AUDIO_API_KEY"] = "sk-env";

        var result = await _cli.RunAsync("models");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Bearer sk-env", server.Requests[0].GetHeader("Authorization"));
    }

    [Fact]
    public async Task NoServerConfigured_IsAUsageError_ThatMentionsOffline()
    {
        var result = await _cli.RunAsync("models");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--offline", result.Error);
    }

    [Theory]
    [InlineData("transcribe", "--format", "docx", "a.wav")]
    [InlineData("transcribe")]
    [InlineData("frobnicate")]
    [InlineData("transcribe", "a.wav", "--parallel", "0", "--offline")]
    [InlineData("transcribe", "a.wav", "--timestamps", "word", "--offline")]
    [InlineData("models", "--pin", "abc", "--base-url", "https://127.0.0.1:1/v1")]
    [InlineData("dictate", "missing.wav", "--offline")]
    public async Task BadUsage_ExitsTwo_WithAMessage(params string[] args)
    {
        var result = await _cli.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("audio", result.Error);
    }

    [Fact]
    public async Task WrongPin_RefusesTheServer_WithExitCodeThree()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { Certificate = certificate });
        _cli.WriteWav("a.wav", 1);

        var result = await _cli.RunAsync("transcribe", "a.wav", "--retries", "0", "--pin", new string('a', 64), "--base-url", server.Endpoint.ToString());

        Assert.Equal(3, result.ExitCode);
        Assert.Empty(server.Requests);
    }
}
