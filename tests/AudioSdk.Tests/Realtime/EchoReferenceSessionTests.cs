using System.Runtime.InteropServices;
using AudioSdk.Audio;
using AudioSdk.Realtime;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// Client-side turn detection with a playback reference, through a real session and the test server: the speaker plays
/// bursts (660 Hz) that come back into the microphone 100 ms later at -10 dB, and the user speaks (440 Hz) over them
/// 2 s in. With the reference the session opens one turn, at the user; without it the echo opens a turn first.
/// </summary>
public sealed class EchoReferenceSessionTests : RealtimeTestBase
{
    private const int Rate = 16000;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheSpeakersEcho_OpensNoTurn_TheUserOverItDoes(bool withReference)
    {
        var clock = new SampleClock();
        var reference = new PlaybackReference(clock);
        var turns = withReference ? RealtimeTurnDetection.OnClient with { EchoReference = reference } : RealtimeTurnDetection.OnClient;
        await using var rt = await Client.StartRealtimeSessionAsync(Native() with { TurnDetection = turns });
        var reading = ReadUntilAsync(rt, e => e is TranscriptCompleted, TimeSpan.FromSeconds(30));

        var bursts = Enumerable.Range(0, 7).Select(i => new TestAudio.Burst(0.5 + (i * 0.45), 0.3, 660));
        var played = TestAudio.Bursts(Rate, 5.5, bursts);
        var user = TestAudio.Bursts(Rate, 5.5, [new(2.5, 0.8, 440)]);
        var delay = Rate / 10;
        var block = Rate / 50;
        for (var n = 0; n < played.Length; n += block)
        {
            clock.Now = n;
            reference.Write(Pcm16Bytes(played.AsSpan(n, block)), Rate);
            var mic = new float[block];
            for (var k = 0; k < block; k++)
            {
                mic[k] = user[n + k] + (n + k >= delay ? 0.3f * played[n + k - delay] : 0);
            }

            clock.Now = n + block;
            await rt.SendAudioAsync(Pcm16Bytes(mic));
        }

        var events = await reading;
        var started = events.OfType<SpeechStarted>().ToList();
        var padding = RealtimeTurnDetection.OnClient.PrefixPaddingMs ?? 300;
        if (withReference)
        {
            var turn = Assert.Single(started);
            Assert.InRange(turn.AudioStartMs, 2500 - padding - 30, 2500 - padding + 30);
        }
        else
        {
            Assert.True(started[0].AudioStartMs < 1000, $"the echo opened no turn without the reference (first at {started[0].AudioStartMs} ms)");
        }
    }

    [Fact]
    public void AnEchoReference_WithServerTurns_IsRefused()
    {
        var options = OpenAI() with { TurnDetection = new RealtimeTurnDetection { EchoReference = new PlaybackReference() } };
        var ex = Assert.Throws<ArgumentException>(() => Client.StartRealtimeSessionAsync(options).GetAwaiter().GetResult());
        Assert.Contains("TurnDetection.EchoReference applies to client-side turn detection only.", ex.Message, StringComparison.Ordinal);
    }

    private static byte[] Pcm16Bytes(ReadOnlySpan<float> samples)
    {
        var pcm = new short[samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            pcm[i] = (short)Math.Clamp(Math.Round(samples[i] * 32767), short.MinValue, short.MaxValue);
        }

        return MemoryMarshal.AsBytes(pcm.AsSpan()).ToArray();
    }

    private sealed class SampleClock : TimeProvider
    {
        public long Now { get; set; }

        public override long TimestampFrequency => Rate;

        public override long GetTimestamp() => Now;
    }
}
