using System.Text.Json;
using AudioSdk.Audio;
using AudioSdk.Realtime;
using AudioSdk.Realtime.Uplink;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// Client-side turn detection over real sockets: an open microphone (tones between silences, sent in 100 ms blocks,
/// never committed by hand) becomes one committed utterance per tone, in both dialects, with the VAD events where the
/// server's would be. The server's transcripts say what audio it heard, so the padding and the trailing silence show.
/// </summary>
public sealed class ClientTurnTests : RealtimeTestBase
{
    private static readonly TurnDetectorSettings Defaults = TurnDetectorSettings.Default;

    public static TheoryData<RealtimeDialect, RealtimeServerFlavor> Servers() => new()
    {
        { RealtimeDialect.OpenAITranscription, RealtimeServerFlavor.OpenAI },
        { RealtimeDialect.OpenAITranscription, RealtimeServerFlavor.Tinfoil },
        { RealtimeDialect.VllmNative, RealtimeServerFlavor.OpenAI },
    };

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task AnOpenMicrophone_BecomesOneCommittedUtterancePerTurn(RealtimeDialect dialect, RealtimeServerFlavor flavor)
    {
        Server.Options.RealtimeFlavor = flavor;
        var options = (dialect == RealtimeDialect.VllmNative ? Native() : OpenAI()) with { TurnDetection = RealtimeTurnDetection.OnClient };
        await using var rt = await Client.StartRealtimeSessionAsync(options);
        var transcripts = 0;
        var reading = ReadUntilAsync(rt, e => e is TranscriptCompleted && ++transcripts == 2, TimeSpan.FromSeconds(30));

        var silence = Defaults.SilenceDuration.TotalSeconds + 0.5;
        var audio = Pcm(TestAudio.Bursts(16000, 1.0 + 0.8 + silence + 0.6 + silence, [new(1.0, 0.8, 440), new(1.8 + silence, 0.6, 660)]));
        for (var offset = 0; offset < audio.Length; offset += 3200)
        {
            await rt.SendAudioAsync(audio.AsMemory(offset, Math.Min(3200, audio.Length - offset)));
        }

        var events = await reading;
        var finals = events.OfType<TranscriptCompleted>().ToList();

        var padding = Defaults.PrefixPadding.TotalSeconds;
        var started = events.OfType<SpeechStarted>().ToList();
        var stopped = events.OfType<SpeechStopped>().ToList();
        Assert.Equal(2, started.Count);
        Assert.Equal(2, stopped.Count);
        Assert.All(started, s => Assert.True(s.IsSynthesized));
        Assert.All(stopped, s => Assert.True(s.IsSynthesized));
        Assert.InRange(started[0].AudioStartMs, (1.0 - padding) * 1000 - 30, (1.0 - padding) * 1000 + 30);
        Assert.InRange(stopped[0].AudioEndMs, (1.8 + Defaults.SilenceDuration.TotalSeconds) * 1000 - 30, (1.8 + Defaults.SilenceDuration.TotalSeconds) * 1000 + 40);
        var secondStart = 1.8 + silence;
        Assert.InRange(started[1].AudioStartMs, (secondStart - padding) * 1000 - 30, (secondStart - padding) * 1000 + 30);

        // Each turn's audio: the padding, the tone, the silence up to the decision.
        var heard = Server.RealtimeSessions.SelectMany(s => s.Utterances).ToList();
        Assert.Equal(2, heard.Count);
        Assert.Equal(440, heard[0].FrequencyHz, 5);
        Assert.Equal(660, heard[1].FrequencyHz, 5);
        Assert.InRange(heard[0].Duration.TotalSeconds, padding + 0.8 + Defaults.SilenceDuration.TotalSeconds - 0.04, padding + 0.8 + Defaults.SilenceDuration.TotalSeconds + 0.05);
        Assert.InRange(heard[1].Duration.TotalSeconds, padding + 0.6 + Defaults.SilenceDuration.TotalSeconds - 0.04, padding + 0.6 + Defaults.SilenceDuration.TotalSeconds + 0.05);

        // In order: started, stopped, committed, then the transcript, per turn.
        var committed = events.OfType<Committed>().ToList();
        Assert.Equal(2, committed.Count);
        Assert.True(events.IndexOf(started[0]) < events.IndexOf(stopped[0]));
        Assert.True(events.IndexOf(stopped[0]) < events.IndexOf(committed[0]));
        Assert.True(events.IndexOf(committed[0]) < events.IndexOf(started[1]));
        Assert.Equal(committed.Select(c => c.ItemId), finals.Select(f => f.ItemId));
        if (dialect == RealtimeDialect.VllmNative)
        {
            Assert.Equal(committed.Select(c => c.ItemId), started.Select(s => s.ItemId));
        }
        else
        {
            var update = JsonDocument.Parse(Connection().ClientMessages.First(m => m.Contains("session.update", StringComparison.Ordinal)));
            Assert.Equal(JsonValueKind.Null, update.RootElement.GetProperty("session").GetProperty("audio").GetProperty("input").GetProperty("turn_detection").ValueKind);
        }
    }

    [Fact]
    public async Task SilenceAndClicks_SendNothing()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(Native() with { TurnDetection = RealtimeTurnDetection.OnClient });
        var clicks = Pcm(TestAudio.Bursts(16000, 3, [new(0.5, 0.03, 1000), new(1.5, 0.03, 1000)]));
        await rt.SendAudioAsync(clicks);

        Assert.DoesNotContain(Connection().ClientMessages, m => m.Contains("input_audio_buffer.append", StringComparison.Ordinal));
        var ex = await Assert.ThrowsAsync<RealtimeException>(() => rt.CommitAsync());
        Assert.Equal("input_audio_buffer_commit_empty", ex.Code);
    }

    [Fact]
    public async Task AManualCommit_EndsTheTurnUnderWay_WithAllOfItsAudio()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI() with { TurnDetection = RealtimeTurnDetection.OnClient });
        await rt.SendAudioAsync(Pcm(TestAudio.Bursts(16000, 1.5, [new(0.5, 1.0, 500)])));
        var committed = await rt.CommitAsync();
        var t = await rt.WaitForTranscriptAsync(committed.ItemId);

        AssertHeard(t.Transcript, 1.0 + Defaults.PrefixPadding.TotalSeconds, 500);
        Assert.Single(Server.RealtimeSessions.SelectMany(s => s.Utterances));
    }

    [Fact]
    public async Task ClientTurns_SurviveADropInTheMiddleOfATurn()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(Native() with { TurnDetection = RealtimeTurnDetection.OnClient, Reconnect = new() { InitialDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20) } });
        var audio = Pcm(TestAudio.Bursts(16000, 3.0, [new(0.5, 1.2, 440)]));
        var cut = 16000 * 2 * 1;
        await rt.SendAudioAsync(audio.AsMemory(0, cut));
        await Poll.UntilAsync(() => Connection().ClientMessages.Any(m => m.Contains("input_audio_buffer.append", StringComparison.Ordinal)));
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", DropConnection = true });
        await rt.SendAudioAsync(audio.AsMemory(cut));

        var events = await ReadUntilAsync(rt, e => e is TranscriptCompleted);
        var t = (TranscriptCompleted)events[^1];
        AssertHeard(t.Transcript, Defaults.PrefixPadding.TotalSeconds + 1.2 + Defaults.SilenceDuration.TotalSeconds, 440);
        Assert.Single(events.OfType<Reconnected>());
        Assert.Single(events.OfType<SpeechStarted>());
    }

    /// <summary>The test server's transcript states the duration and pitch it heard; the turn's edges fall on 10 ms frames.</summary>
    private static void AssertHeard(string transcript, double seconds, double hertz)
    {
        var match = System.Text.RegularExpressions.Regex.Match(transcript, @"Heard (\d+\.\d+) seconds at (\d+) Hz\.");
        Assert.True(match.Success, transcript);
        Assert.InRange(double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), seconds - 0.03, seconds + 0.03);
        Assert.Equal(hertz, double.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), 5);
    }

    private static byte[] Pcm(float[] samples)
    {
        var pcm = new short[samples.Length];
        Pcm16.FromFloat(samples, pcm);
        return Pcm16.ToBytes(pcm);
    }

    [Fact]
    public void TurnDetectionOptions_AreChecked_AllAtOnce()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
        {
            _ = Client.StartRealtimeSessionAsync(Native() with { TurnDetection = new RealtimeTurnDetection { Threshold = 2, MinSpeechMs = 1, SilenceDurationMs = 0 } });
        });
        Assert.Contains("Threshold", ex.Message);
        Assert.Contains("SilenceDurationMs", ex.Message);
        Assert.Contains("MinSpeechMs", ex.Message);
        Assert.Contains("native dialect has no server VAD", ex.Message);
    }
}
