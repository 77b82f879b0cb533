using AudioSdk.Audio;
using AudioSdk.Testing;
using AudioSdk.Tests.Devices;

namespace AudioSdk.Cli.Tests;

/// <summary><c>audio dictate --mic</c>: live through a real PulseAudio daemon's pipe source, and the one-line fallback where none runs.</summary>
public sealed class DictateMicrophoneTests(Xunit.Abstractions.ITestOutputHelper log) : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Mic_NoSoundServer_SaysSoInOneLine_AndDictatesTheFileInstead()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("say.wav", 1);
        _cli.Environment["PULSE_SERVER"] = "unix:" + _cli.Path("no-such-pulse-socket");

        var result = await _cli.RunAsync("dictate", "say.wav", "--mic", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // "PulseAudio refused (...)" here; "libpulse.so.0 is not installed" where the library is missing.
        Assert.StartsWith("No microphone device: ", line, StringComparison.Ordinal);
        Assert.EndsWith("Reading say.wav instead.", line.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("440", result.Out);
        Assert.Single(server.RealtimeSessions);
    }

    [Fact]
    public async Task Mic_DeviceAndDurationWithoutMic_IsAUsageError()
    {
        _cli.WriteWav("say.wav", 1);

        var result = await _cli.RunAsync("dictate", "say.wav", "--duration", "2s", "--offline");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--device and --duration go with --mic", result.Error);
    }

    [PulseAudioFact]
    public async Task Mic_LiveFromThePipeSource_OverTheTestServer_PrintsWhatWasSaid()
    {
        await using var daemon = await PulseDaemon.StartAsync(log);
        await using var server = await AudioTestServer.StartAsync();
        _cli.Environment["PULSE_SERVER"] = daemon.Server;
        // Half a second of quiet, 1.5 s of a 330 Hz tone, then silence: what the microphone hears.
        var samples = new short[16000 * 2];
        for (var i = 8000; i < samples.Length; i++)
        {
            samples[i] = (short)(8000 * Math.Sin(2 * Math.PI * 330 * i / 16000.0));
        }

        var dictation = _cli.RunAsync("dictate", "--mic", "--device", "mic", "--rate", "16000", "--duration", "4s", "--json", "--base-url", server.Endpoint.ToString());
        var feed = daemon.FeedAsync(Pcm16.ToBytes(samples));
        var result = await dictation;
        await feed;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(string.Empty, result.Error);
        log.WriteLine(result.Out);
        Assert.Contains("330 Hz", result.Out);
        Assert.Single(server.RealtimeSessions);
        Assert.Equal(0, await daemon.CountAsync("source-outputs"));
    }
}
