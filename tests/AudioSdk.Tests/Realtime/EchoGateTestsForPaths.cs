using AudioSdk.Audio;
using AudioSdk.Realtime.Uplink;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// The echo gate's path learning in detail, on a clock the test sets: frames placed in time from their block's clock
/// reading (the clock far from zero), an echo at the window's far end, faint playback at the echo's delay, the median
/// of the learned differences with only the played frames within 20 dB of the loudest, and the earliest lag on a tie.
/// </summary>
public sealed class EchoGateTestsForPaths
{
    private const int Rate = 16000;
    private const int TicksPerSample = 2;
    private const int FrameTicks = Rate * TicksPerSample / 100;
    private const int Frame = Rate / 100;
    private const long Start = 5_000_000;

    [Fact]
    public void FramesAreTimedFromTheirBlocksClockReading_NotFromTheClocksZero()
    {
        var clock = new TickClock(Rate * TicksPerSample) { Now = Start };
        var reference = Played(clock, seconds: 1, _ => -20);
        var gate = new EchoGate(reference, halfDuplex: true, Rate);

        for (var f = 30; f < 90; f += 10)
        {
            Assert.Equal(double.PositiveInfinity, FloorAt(gate, clock, f, -30, inTurn: false, offset: Start));
        }

        Assert.Equal(double.NegativeInfinity, FloorAt(gate, clock, 140, -30, inTurn: false, offset: Start));
    }

    [Fact]
    public void TheFramesOfOneBlock_AreTimedBackFromItsEnd()
    {
        // One block of 20 frames read at its end, 0.4 s after the playback's start; its first frames still have played
        // frames in their window, its last ones none.
        var clock = new TickClock(Rate * TicksPerSample) { Now = Start };
        var reference = Played(clock, seconds: 1, _ => -20);
        var gate = new EchoGate(reference, halfDuplex: true, Rate);
        clock.Now = Start + (140L * FrameTicks);
        gate.BeginBlock(140L * Frame);

        var floors = new List<double>();
        var expected = new List<double>();
        for (var f = 121; f <= 140; f++)
        {
            floors.Add(gate.Floor((long)f * Frame, -30, inTurn: false));
            expected.Add(PlayedLevels(reference, Start + ((long)f * FrameTicks)).Max() >= -60 ? double.PositiveInfinity : double.NegativeInfinity);
        }

        Assert.Equal(expected, floors);
        Assert.Equal(10, floors.Count(double.IsPositiveInfinity));
    }

    [Fact]
    public void AnEchoAtTheWindowsFarEnd_IsLearned()
    {
        const int Lag = 30;
        const double Gain = -12;
        var clock = new TickClock(Rate * TicksPerSample);
        var reference = Played(clock, seconds: 3, Varying(11));
        var gate = new EchoGate(reference, halfDuplex: false, Rate);
        for (var f = 32; f < 200; f++)
        {
            FloorAt(gate, clock, f, PlayedLevels(reference, (long)f * FrameTicks)[Lag] + Gain, inTurn: false);
        }

        for (var f = 200; f < 240; f += 7)
        {
            var played = PlayedLevels(reference, (long)f * FrameTicks);
            Assert.Equal(Math.Max(played[Lag - 1], played[Lag]) + Gain + EchoGate.Margin, FloorAt(gate, clock, f, -5, inTurn: true), 3);
        }
    }

    [Fact]
    public void FaintPlaybackAtTheEchosDelay_IsNotAnEcho()
    {
        // Two seconds of playback between -40 and -10 dBFS, then one at -75 dBFS: 50 ms into the faint part the echo's
        // delay (30 ms) holds only faint frames while the window's far end still holds loud ones.
        const int Lag = 3;
        var clock = new TickClock(Rate * TicksPerSample);
        var loud = Varying(7);
        var reference = Played(clock, seconds: 3, block => block < 40 ? loud(block) : -75);
        var gate = new EchoGate(reference, halfDuplex: false, Rate);
        for (var f = 32; f < 190; f++)
        {
            FloorAt(gate, clock, f, PlayedLevels(reference, (long)f * FrameTicks)[Lag] - 6, inTurn: false);
        }

        var played = PlayedLevels(reference, 208L * FrameTicks);
        Assert.True(played.Max() > -60 && played.Skip(Lag - 1).Take(5).All(l => double.IsFinite(l) && l < -60), "the scenario");
        Assert.Equal(double.NegativeInfinity, FloorAt(gate, clock, 208, -5, inTurn: true));
    }

    [Fact]
    public void TheGain_IsTheMedianDifference_OverTheFramesPlayedWithin20DbOfTheLoudest()
    {
        const int Lag = 5;
        const double Gain = -8;
        var clock = new TickClock(Rate * TicksPerSample);
        var reference = Played(clock, seconds: 4, Varying(3));
        var gate = new EchoGate(reference, halfDuplex: false, Rate);
        var random = new Random(21);
        var learned = new List<float>();
        for (var f = 32; f < 260; f++)
        {
            var played = PlayedLevels(reference, (long)f * FrameTicks);
            var heard = played[Lag] + Gain + ((random.NextDouble() - 0.5) * 6);
            FloorAt(gate, clock, f, heard, inTurn: false);
            if (played[Lag] >= Math.Max(-60, played.Max() - 20))
            {
                learned.Add((float)(heard - played[Lag]));
            }
        }

        var kept = learned.TakeLast(200).Order().ToList();
        Assert.True(learned.Count < 228, $"some frames were played too faintly to learn from ({learned.Count} learned)");
        var median = kept[(kept.Count - 1) / 2];
        var at = PlayedLevels(reference, 262L * FrameTicks);
        Assert.Equal(at.Skip(Lag - 1).Take(5).Max() + median + EchoGate.Margin, FloorAt(gate, clock, 262, -5, inTurn: true), 4);
    }

    [Fact]
    public void OnATie_TheEarliestLagIsTheDelay()
    {
        // A steady playback: every lag learns the same differences. Just after the playback ends, the early lags hold
        // nothing played (so nothing heard is the speaker's) while the late ones still do.
        var clock = new TickClock(Rate * TicksPerSample);
        var reference = Played(clock, seconds: 4, _ => -20);
        var gate = new EchoGate(reference, halfDuplex: false, Rate);
        for (var f = 32; f < 330; f++)
        {
            FloorAt(gate, clock, f, -30, inTurn: false);
        }

        var played = PlayedLevels(reference, 405L * FrameTicks);
        Assert.True(played.Take(4).All(double.IsNegativeInfinity) && played.Skip(29).All(double.IsFinite), "the scenario");
        Assert.Equal(double.NegativeInfinity, FloorAt(gate, clock, 405, -5, inTurn: true));
    }

    private static double FloorAt(EchoGate gate, TickClock clock, int frame, double frameDb, bool inTurn, long offset = 0)
    {
        clock.Now = offset + ((long)frame * FrameTicks);
        gate.BeginBlock((long)frame * Frame);
        return gate.Floor((long)frame * Frame, frameDb, inTurn);
    }

    private static double[] PlayedLevels(PlaybackReference reference, long stamp)
    {
        var levels = new double[31];
        reference.Levels(stamp, FrameTicks, levels);
        return levels;
    }

    /// <summary>A level per 50 ms block, uniform between -40 and -10 dBFS, seeded.</summary>
    private static Func<int, double> Varying(int seed)
    {
        var random = new Random(seed);
        var levels = Enumerable.Range(0, 200).Select(_ => -40 + (30 * random.NextDouble())).ToArray();
        return block => levels[block];
    }

    /// <summary>A 1 kHz tone written now, its peak level (dBFS) set per 50 ms block.</summary>
    private static PlaybackReference Played(TickClock clock, double seconds, Func<int, double> levelOfBlock)
    {
        var samples = new short[(int)(seconds * Rate)];
        var amplitude = 0.0;
        for (var i = 0; i < samples.Length; i++)
        {
            if (i % (Rate / 20) == 0)
            {
                amplitude = Math.Pow(10, levelOfBlock(i / (Rate / 20)) / 20) * 32767;
            }

            samples[i] = (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * 1000 * i / Rate));
        }

        var reference = new PlaybackReference(clock);
        reference.Write(Pcm16.ToBytes(samples), Rate);
        return reference;
    }
}
