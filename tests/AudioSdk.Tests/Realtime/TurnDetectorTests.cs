using System.Runtime.InteropServices;
using AudioSdk.Realtime.Uplink;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>The client-side turn detector on synthetic signals: positions, rejection of clicks, block-size independence, levels and rates.</summary>
public sealed class TurnDetectorTests
{
    private static readonly TurnDetectorSettings Defaults = TurnDetectorSettings.Default;

    private static List<TurnBoundary> Run(short[] samples, int rate, int blockBytes = 3200)
    {
        var detector = new TurnDetector(rate, Defaults);
        var found = new List<TurnBoundary>();
        var bytes = MemoryMarshal.AsBytes(samples.AsSpan());
        for (var offset = 0; offset < bytes.Length; offset += blockBytes)
        {
            detector.Process(bytes.Slice(offset, Math.Min(blockBytes, bytes.Length - offset)), found);
        }

        return found;
    }

    private static short[] Signal(int rate, double seconds, double gain, params TestAudio.Burst[] bursts) =>
        TestAudio.Bursts(rate, seconds, bursts).Select(s => (short)Math.Clamp(Math.Round(s * gain * 32767), short.MinValue, short.MaxValue)).ToArray();

    [Fact]
    public void Silence_OpensNoTurn() => Assert.Empty(Run(Signal(16000, 5, 1), 16000));

    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    [InlineData(24000)]
    [InlineData(48000)]
    public void ABurst_IsOneTurn_AtItsPlace(int rate)
    {
        var found = Run(Signal(rate, 4, 1, new TestAudio.Burst(1.0, 1.2, 300)), rate);

        Assert.Equal([TurnBoundaryKind.Started, TurnBoundaryKind.Ended], found.Select(b => b.Kind));
        Assert.InRange((double)found[0].SpeechSample / rate, 0.99, 1.02);
        Assert.InRange((double)found[0].DecidedAtSample / rate, 1.0 + Defaults.MinSpeech.TotalSeconds - 0.01, 1.0 + Defaults.MinSpeech.TotalSeconds + 0.03);
        Assert.InRange((double)found[1].SpeechSample / rate, 2.2, 2.2 + 0.06 + 0.03);
        Assert.InRange((double)(found[1].DecidedAtSample - found[1].SpeechSample) / rate, Defaults.SilenceDuration.TotalSeconds - 0.07, Defaults.SilenceDuration.TotalSeconds + 0.01);
    }

    [Fact]
    public void Clicks_ShorterThanMinSpeech_AreIgnored() =>
        Assert.Empty(Run(Signal(16000, 4, 1, new TestAudio.Burst(0.5, 0.03, 1000), new TestAudio.Burst(1.5, 0.04, 2000), new TestAudio.Burst(2.5, 0.03, 700)), 16000));

    [Fact]
    public void AGapShorterThanTheSilence_KeepsOneTurn() =>
        Assert.Equal(2, Run(Signal(16000, 5, 1, new TestAudio.Burst(1.0, 0.6, 300), new TestAudio.Burst(1.9, 0.6, 400)), 16000).Count);

    [Fact]
    public void BlockSizes_DoNotChangeTheBoundaries()
    {
        var signal = Signal(16000, 6, 1, new TestAudio.Burst(0.8, 0.7, 300), new TestAudio.Burst(2.6, 1.1, 500), new TestAudio.Burst(4.9, 0.3, 250));
        var reference = Run(signal, 16000, signal.Length * 2);
        Assert.Equal(6, reference.Count);
        var random = new Random(5);
        foreach (var block in new[] { 2, 320, 3200 }.Concat(Enumerable.Range(0, 5).Select(_ => 2 * random.Next(1, 4000))))
        {
            Assert.Equal(reference, Run(signal, 16000, block));
        }
    }

    [Theory]
    [InlineData(0.03)]
    [InlineData(8.0)]
    public void QuietAndClippedSpeakers_AreStillHeard(double gain)
    {
        var found = Run(Signal(16000, 4, gain, new TestAudio.Burst(1.0, 1.0, 300)), 16000);
        Assert.Equal(2, found.Count);
        Assert.InRange((double)found[0].SpeechSample / 16000, 0.98, 1.03);
    }

    [Fact]
    public void LoudNoiseFromTheFirstFrame_IsTheFloor_AndSpeechOnTopOfItIsFound()
    {
        var random = new Random(9);
        var signal = TestAudio.Bursts(16000, 6, [new(2.0, 1.0, 300)]).Select(s => (short)Math.Clamp(Math.Round(((s * 0.6) + ((random.NextDouble() - 0.5) * 0.05)) * 32767), short.MinValue, short.MaxValue)).ToArray();
        var found = Run(signal, 16000);
        Assert.Equal([TurnBoundaryKind.Started, TurnBoundaryKind.Ended], found.Select(b => b.Kind));
        Assert.InRange((double)found[0].SpeechSample / 16000, 1.98, 2.05);
    }

    [Fact]
    public void NoiseThatGetsLouder_EndsUpAsTheFloor_NotAsAnEndlessTurn()
    {
        // 2 s of quiet, then a fan switches on for good: a turn may open, but it must end.
        var random = new Random(4);
        var signal = Enumerable.Range(0, 16000 * 12).Select(i => (short)((random.NextDouble() - 0.5) * (i < 32000 ? 60 : 6000))).ToArray();
        var found = Run(signal, 16000);
        Assert.True(found.Count % 2 == 0, "every turn that opened was closed");
    }

    [Fact]
    public void Reset_EndsTheTurnUnderWay_WithoutABoundary()
    {
        var detector = new TurnDetector(16000, Defaults);
        var found = new List<TurnBoundary>();
        detector.Process(MemoryMarshal.AsBytes(Signal(16000, 1.5, 1, new TestAudio.Burst(0.5, 1.0, 300)).AsSpan()), found);
        Assert.True(detector.InTurn);
        detector.Reset();
        Assert.False(detector.InTurn);
        detector.Process(MemoryMarshal.AsBytes(new short[16000]).ToArray(), found);
        Assert.Single(found);
    }

    [Fact]
    public void ACleanBurst_OnsetIsItsFirstFrame_TheDecisionMinSpeechLater_AndTheEndHangoverAndSilenceAfterTheLastSpeech()
    {
        foreach (var rate in new[] { 8000, 16000, 24000, 48000 })
        {
            var found = Run(Signal(rate, 4, 1, new TestAudio.Burst(1.0, 0.8, 300)), rate);

            Assert.Equal([TurnBoundaryKind.Started, TurnBoundaryKind.Ended], found.Select(b => b.Kind));
            var frame = rate / 100;
            var minSpeech = (long)(Defaults.MinSpeech.TotalSeconds * rate);
            Assert.Equal(rate, found[0].SpeechSample);
            Assert.Equal(rate + minSpeech, found[0].DecidedAtSample);

            // The last frame heard as speech ends at the burst's end or a frame after (the band filters ring); the end is
            // 60 ms after it and the decision SilenceDuration after it.
            var hangover = rate * 6 / 100;
            var lastSpeech = found[1].SpeechSample - hangover;
            Assert.Equal(0, lastSpeech % frame);
            Assert.InRange(lastSpeech, (long)(1.8 * rate), (long)(1.8 * rate) + frame);
            Assert.Equal(lastSpeech + (long)(Defaults.SilenceDuration.TotalSeconds * rate), found[1].DecidedAtSample);
        }
    }

    [Fact]
    public void NoiseFloor_IsNaNBeforeTheFirstFrame_ThenTheSteadyNoisesLevelInTheSpeechBand()
    {
        var detector = new TurnDetector(16000, Defaults);
        Assert.True(double.IsNaN(detector.NoiseFloorDb));

        // A steady 1 kHz tone at -30 dBFS peak: -33 dBFS mean square, in the middle of the band.
        var tone = TestAudio.Sine(1000, 16000, 1.0, Math.Pow(10, -30 / 20.0)).Select(s => (short)Math.Round(s * 32768)).ToArray();
        var found = new List<TurnBoundary>();
        detector.Process(MemoryMarshal.AsBytes(tone.AsSpan(0, 80)), found);
        Assert.True(double.IsNaN(detector.NoiseFloorDb));
        detector.Process(MemoryMarshal.AsBytes(tone.AsSpan(80)), found);

        Assert.Empty(found);
        Assert.InRange(detector.NoiseFloorDb, -33.01 - 0.3, -33.01 + 0.3);
    }
}
