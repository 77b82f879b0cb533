using System.Text;
using AudioSdk.Audio;
using AudioSdk.Testing;

namespace AudioSdk.Cli.Tests;

public sealed class SpeakCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Speak_ToWavFile_SendsVoiceSpeedAndInstructions()
    {
        await using var server = await AudioTestServer.StartAsync();

        var result = await _cli.RunAsync("speak", "Hello there.", "-o", "hello.wav", "--voice", "nova", "--speed", "1.5", "--instructions", "calm", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        var wav = WavFile.Read(File.ReadAllBytes(_cli.Path("hello.wav")));
        Assert.True(wav.Duration > TimeSpan.Zero);
        var body = Assert.Single(server.Requests).JsonBody!;
        Assert.Contains("\"voice\":\"nova\"", body);
        Assert.Contains("\"speed\":1.5", body);
        Assert.Contains("\"instructions\":\"calm\"", body);
        Assert.Contains("\"response_format\":\"wav\"", body);
    }

    [Fact]
    public async Task Speak_LongTextFromFile_IsSplitAtSentences_AndJoinedIntoOneExactWav()
    {
        await using var server = await AudioTestServer.StartAsync();
        var text = string.Concat(Enumerable.Range(0, 150).Select(i => $"Sentence number {i} is here to make the text long. "));
        File.WriteAllText(_cli.Path("script.txt"), text);

        var result = await _cli.RunAsync("speak", "script.txt", "-o", "long.wav", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, server.Requests.Count);
        var inputs = server.Requests.Select(r => System.Text.Json.JsonDocument.Parse(r.JsonBody!).RootElement.GetProperty("input").GetString()!).ToList();
        Assert.Equal(text, string.Concat(inputs));
        Assert.All(inputs, i => Assert.True(i.Length <= 4096));
        Assert.EndsWith("long. ", inputs[0]);

        // One header whose sizes cover every part's samples, back to back.
        var bytes = File.ReadAllBytes(_cli.Path("long.wav"));
        var header = WavFile.ReadHeader(bytes);
        Assert.Equal(bytes.Length - 44, header.DataLength);
        var single = await SpeakOnceAsync(server, inputs[0]);
        var second = await SpeakOnceAsync(server, inputs[1]);
        Assert.Equal(single.Length + second.Length - 88, bytes.Length - 44);
        Assert.Equal(single.AsSpan(44).ToArray(), bytes.AsSpan(44, single.Length - 44).ToArray());
    }

    [Fact]
    public async Task Speak_ToStandardOutput_StreamsThePcm()
    {
        await using var server = await AudioTestServer.StartAsync();
        var result = await CliHarness.RunAsync(_cli.Directory, _cli.Environment, ["speak", "-", "-f", "pcm", "--base-url", server.Endpoint.ToString()], stdin: Encoding.UTF8.GetBytes("Piped text."));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(result.Stdout.Length > 1000);
        Assert.Equal(0, result.Stdout.Length % 2);
        Assert.Contains("Piped text.", server.Requests[0].JsonBody);
    }

    [Fact]
    public async Task Speak_LongWavToStandardOutput_WritesAStreamedHeader()
    {
        await using var server = await AudioTestServer.StartAsync();
        var text = string.Concat(Enumerable.Repeat("Short sentence here. ", 300));

        var result = await CliHarness.RunAsync(_cli.Directory, _cli.Environment, ["speak", text, "-f", "wav", "--base-url", server.Endpoint.ToString()]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var header = WavFile.ReadHeader(result.Stdout);
        Assert.Null(header.DataLength);
        Assert.Equal(0, (result.Stdout.Length - 44) % 2);
    }

    [Fact]
    public async Task Speak_LongFlac_IsRefusedBeforeAnyRequest()
    {
        await using var server = await AudioTestServer.StartAsync();
        var text = string.Concat(Enumerable.Repeat("Short sentence here. ", 300));

        var result = await _cli.RunAsync("speak", text, "-o", "x.flac", "--base-url", server.Endpoint.ToString());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("FLAC files cannot be joined", result.Error);
        Assert.Empty(server.Requests);
        Assert.False(File.Exists(_cli.Path("x.flac")));
    }

    [Fact]
    public async Task Speak_ToATerminalWithoutOut_IsRefused()
    {
        var result = await CliHarness.RunAsync(_cli.Directory, _cli.Environment, ["speak", "Hi", "--offline"], terminal: true);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--out", result.Error);
    }

    private static async Task<byte[]> SpeakOnceAsync(AudioTestServer server, string text)
    {
        using var client = new AudioClient(new AudioClientOptions { Endpoint = server.Endpoint });
        var speech = await client.GenerateSpeechAsync(text, new AudioSdk.Speech.SpeechOptions { Model = "gpt-4o-mini-tts", Voice = "alloy", ResponseFormat = AudioSdk.Speech.SpeechFormat.Wav });
        return speech.Audio.ToArray();
    }
}
