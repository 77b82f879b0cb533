using AudioSdk.Audio;
using AudioSdk.Realtime.Uplink;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// The echo gate on a clock the test sets: the floor it gives while nothing plays, in half duplex, before and after it
/// has learned the echo path, and the floor's exact value from the learned delay and gain. The microphone's levels are
/// made from the reference's own played levels at a known lag and gain, so the answer is known in closed form.
/// </summary>
public sealed class EchoGateTests
{
    private const int Rate = 16000;

    // Two clock ticks per sample: the gate's conversions between samples and ticks show.
    private const int TicksPerSample = 2;
    private const int FrameTicks = Rate * TicksPerSample / 100;
    private const int Frame = Rate / 100;

    [Fact]
    public void NothingPlayed_EveryFrameMayBeSpeech()
    {
        var clock = new TickClock(Rate * TicksPerSample);
        var gate = new EchoGate(new PlaybackReference(clock), halfDuplex: false, Rate);

        clock.Now = 10 * FrameTicks;
        gate.BeginBlock(10 * Frame);
        Assert.Equal(double.NegativeInfinity, gate.Floor(10 * Frame, -20, inTurn: false));
    }

    [Fact]
    public void HalfDuplex_NothingHeardWhileItPlaysIsSpeech_AndAfterwardsEverything()
    {
        var clock = new TickClock(Rate * TicksPerSample);
        var reference = Played(clock, seconds: 1, steady: true);
        var gate = new EchoGate(reference, halfDuplex: true, Rate);

        for (var f = 30; f < 90; f++)
        {
            Assert.Equal(double.PositiveInfinity, FloorAt(gate, clock, f, -30, inTurn: false));
        }

        // 400 ms after the end of the playback the window holds nothing played.
        Assert.Equal(double.NegativeInfinity, FloorAt(gate, clock, 140, -30, inTurn: false));
    }

    [Fact]
    public void UntilTwentyFramesAreLearned_NothingHeardWhilePlayingIsSpeech_AndFramesInATurnTeachNothing()
    {
        var clock = new TickClock(Rate * TicksPerSample);
        var reference = Played(clock, seconds: 2, steady: true);
        var gate = new EchoGate(reference, halfDuplex: false, Rate);

        // In a turn the gate learns nothing, however long.
        for (var f = 31; f < 61; f++)
        {
            Assert.Equal(double.PositiveInfinity, FloorAt(gate, clock, f, -40, inTurn: true));
        }

        for (var f = 61; f < 80; f++)
        {
            Assert.Equal(double.PositiveInfinity, FloorAt(gate, clock, f, -40, inTurn: false));
        }

        Assert.True(double.IsFinite(FloorAt(gate, clock, 80, -40, inTurn: false)), "learned after twenty frames");
    }

    [Fact]
    public void Learned_TheFloorIsTheLoudestPlayedAroundTheEchosDelay_PlusItsGain_PlusTheMargin()
    {
        const int Lag = 12;
        const double Gain = -10;
        var clock = new TickClock(Rate * TicksPerSample);
        var reference = Played(clock, seconds: 3, steady: false);
        var gate = new EchoGate(reference, halfDuplex: false, Rate);

        // The microphone hears what was played 120 ms before, 10 dB down; four frames to a block.
        for (var f = 32; f < 200; f++)
        {
            var played = PlayedLevels(reference, f);
            FloorAt(gate, clock, f, played[Lag] + Gain, inTurn: false, blockFrames: 4);
        }

        for (var f = 200; f < 240; f += 7)
        {
            var played = PlayedLevels(reference, f);
            var expected = played.Skip(Lag - 1).Take(5).Max() + Gain + EchoGate.Margin;
            Assert.Equal(expected, FloorAt(gate, clock, f, -5, inTurn: true, blockFrames: 4), 3);
        }
    }

    [Fact]
    public void Learned_NothingAudibleAtTheEchosDelay_TheFrameIsNotTheSpeakers()
    {
        const int Lag = 3;
        var clock = new TickClock(Rate * TicksPerSample);
        var reference = Played(clock, seconds: 2, steady: false);
        var gate = new EchoGate(reference, halfDuplex: false, Rate);
        for (var f = 32; f < 180; f++)
        {
            FloorAt(gate, clock, f, PlayedLevels(reference, f)[Lag] - 6, inTurn: false);
        }

        // 100 ms after the playback ended: the window still holds played frames, but none from lag 2 to 6.
        var played = PlayedLevels(reference, 210);
        Assert.True(played.Max() > -60 && played.Skip(Lag - 1).Take(5).All(double.IsNegativeInfinity), "the scenario");
        Assert.Equal(double.NegativeInfinity, FloorAt(gate, clock, 210, -5, inTurn: true));

        // While it played the floor was finite.
        Assert.True(double.IsFinite(FloorAt(gate, clock, 190, -5, inTurn: true)));
    }

    [Fact]
    public void FaintPlayback_UnderMinus60Dbfs_IsNotPlaying()
    {
        // Played at about -75 dBFS: under the -60 dBFS the gate calls playing, so every frame may be speech.
        var clock = new TickClock(Rate * TicksPerSample);
        var reference = Played(clock, seconds: 1, steady: true, steadyDb: -80);
        var gate = new EchoGate(reference, halfDuplex: true, Rate);

        Assert.Equal(double.NegativeInfinity, FloorAt(gate, clock, 60, -30, inTurn: false));
    }

    private static double FloorAt(EchoGate gate, TickClock clock, int frame, double frameDb, bool inTurn, int blockFrames = 1)
    {
        // The block ends (blockFrames - 1) frames after this frame; the clock reads the block's end.
        var blockEnd = (long)(frame + blockFrames - 1) * Frame;
        clock.Now = blockEnd * TicksPerSample;
        gate.BeginBlock(blockEnd);
        return gate.Floor((long)frame * Frame, frameDb, inTurn);
    }

    private static double[] PlayedLevels(PlaybackReference reference, int frame)
    {
        var levels = new double[31];
        reference.Levels((long)frame * FrameTicks, FrameTicks, levels);
        return levels;
    }

    /// <summary>A 1 kHz tone written at time zero: steady, or its level changing every 50 ms between -40 and -10 dBFS.</summary>
    private static PlaybackReference Played(TickClock clock, double seconds, bool steady, double steadyDb = -20)
    {
        var random = new Random(11);
        var samples = new short[(int)(seconds * Rate)];
        var amplitude = 0.0;
        for (var i = 0; i < samples.Length; i++)
        {
            if (i % (Rate / 20) == 0)
            {
                amplitude = Math.Pow(10, (steady ? steadyDb : -40 + (30 * random.NextDouble())) / 20) * 32767 * Math.Sqrt(2);
            }

            samples[i] = (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * 1000 * i / Rate));
        }

        var reference = new PlaybackReference(clock);
        clock.Now = 0;
        reference.Write(Pcm16.ToBytes(samples), Rate);
        return reference;
    }
}
