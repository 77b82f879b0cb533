using System.Runtime.InteropServices;
using AudioSdk.Audio;
using AudioSdk.Realtime.Uplink;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// The turn detector's rules frame by frame, on tones whose level is set per 10 ms frame (phase continuous, so each
/// frame's energy is the level given): the margin and the zero-crossing guard at their edges, the gap a run may bridge,
/// the hysteresis and the reach-back over weak frames, the run of three that keeps a turn going, the noise floor's
/// blocks, the hiss band, the silence under -75 dBFS, and the echo gate's clock as the detector drives it.
/// </summary>
public sealed class TurnDetectorTestsForRules
{
    private const int Rate = 16000;
    private const int Frame = Rate / 100;

    /// <summary>The background's level: -40 dBFS peak. A segment's level is in dB over it.</summary>
    private const double BackgroundDb = -40;

    private static readonly TurnDetectorSettings Defaults = TurnDetectorSettings.Default;
    private static readonly long MinSpeech = (long)(Defaults.MinSpeech.TotalSeconds * Rate);
    private static readonly long Silence = (long)(Defaults.SilenceDuration.TotalSeconds * Rate);
    private static readonly long Hangover = Rate * 6 / 100;
    private static readonly double Silent = double.NegativeInfinity;

    [Fact]
    public void ASampleRateUnder100Hz_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TurnDetector(99, Defaults));
        Assert.False(new TurnDetector(100, Defaults).InTurn);
    }

    [Fact]
    public void AnOddFinalByte_IsIgnored()
    {
        var detector = new TurnDetector(Rate, Defaults);
        var found = new List<TurnBoundary>();
        detector.Process(new byte[] { 0x10, 0x00, 0x7F }, found);
        detector.Process(MemoryMarshal.AsBytes(Tone(1000, (40, 0), (30, 8), (80, 0)).AsSpan()), found);

        // One sample went in before the tone: its step falls one sample into the detector's frame 40.
        Assert.Equal(Boundary(TurnBoundaryKind.Started, 40 * Frame, 52 * Frame), found[0]);
    }

    [Fact]
    public void AfterDigitalSilence_TheFloorIsMinus120Db_AndTheOnsetIsTheToneFirstFrame()
    {
        var detector = new TurnDetector(Rate, Defaults);
        var found = new List<TurnBoundary>();
        var signal = Tone(1000, (10, Silent), (40, 0), (100, Silent));
        detector.Process(MemoryMarshal.AsBytes(signal.AsSpan(0, Frame)), found);
        Assert.Equal(-120, detector.NoiseFloorDb, 6);

        // The first block (100 ms) is silent: the floor stays; the tone starts 100 ms in.
        detector.Process(MemoryMarshal.AsBytes(signal.AsSpan(Frame)), found);
        Assert.Equal([TurnBoundaryKind.Started, TurnBoundaryKind.Ended], found.Select(b => b.Kind));
        Assert.Equal(Boundary(TurnBoundaryKind.Started, 10 * Frame, (10 * Frame) + MinSpeech), found[0]);
    }

    [Fact]
    public void UnderMinus75Dbfs_NothingIsAudible_EvenOverDigitalSilence()
    {
        // A 1 kHz tone of 3 LSB peak: -84 dBFS in the speech band, 36 dB over digital silence, and still silence.
        Assert.Empty(Run(Raw(10, 3, 300)));

        // 30 LSB (-64 dBFS) is heard.
        Assert.Equal(Boundary(TurnBoundaryKind.Started, 10 * Frame, (10 * Frame) + MinSpeech), Run(Raw(10, 30, 300))[0]);
    }

    [Fact]
    public void EightDbOverTheFloor_IsSpeech_AndTheTurnsEdgesFallOnItsFrames()
    {
        var found = Run(Tone(1000, (40, 0), (30, 8), (100, 0)));

        Assert.Equal(
            [
                Boundary(TurnBoundaryKind.Started, 40 * Frame, (40 * Frame) + MinSpeech),
                Boundary(TurnBoundaryKind.Ended, (70 * Frame) + Hangover, (70 * Frame) + Silence),
            ],
            found);
    }

    [Fact]
    public void AtASampleRateUnder7800Hz_TheBandsSplitUnderNyquist_AndTheRulesHold()
    {
        // At 6 kHz the split between the speech and hiss bands is 0.45 of the rate (2.7 kHz), not 3.5 kHz (over Nyquist).
        const int Low = 6000;
        const int LowFrame = Low / 100;
        var amplitude = 32767 * Math.Pow(10, BackgroundDb / 20);
        var samples = new short[170 * LowFrame];
        for (var i = 0; i < samples.Length; i++)
        {
            var gain = i >= 40 * LowFrame && i < 70 * LowFrame ? Math.Pow(10, 8 / 20.0) : 1;
            samples[i] = (short)Math.Round(gain * amplitude * Math.Sin(2 * Math.PI * 1000 * i / Low));
        }

        var detector = new TurnDetector(Low, Defaults);
        var found = new List<TurnBoundary>();
        detector.Process(MemoryMarshal.AsBytes(samples.AsSpan()), found);

        Assert.Equal([TurnBoundaryKind.Started, TurnBoundaryKind.Ended], found.Select(b => b.Kind));
        Assert.Equal(Boundary(TurnBoundaryKind.Started, 40 * LowFrame, (40 * LowFrame) + (long)(Defaults.MinSpeech.TotalSeconds * Low)), found[0]);

        // With the split this close to 1 kHz the band filters ring into the frame after the step down (a weak frame that
        // the hysteresis keeps): the last speech ends at frame 70 or 71.
        var lastSpeech = found[1].SpeechSample - (Low * 6 / 100);
        Assert.InRange(lastSpeech, 70 * LowFrame, 71 * LowFrame);
        Assert.Equal(lastSpeech + (long)(Defaults.SilenceDuration.TotalSeconds * Low), found[1].DecidedAtSample);
    }

    [Fact]
    public void FiveDbOverTheFloor_IsNotSpeech() => Assert.Empty(Run(Tone(1000, (40, 0), (30, 5), (100, 0))));

    [Fact]
    public void AToneThatCrossesZeroLikeNoise_Needs4DbMore()
    {
        // 3.2 kHz crosses zero 0.4 times a sample: 8 dB is 4 dB of margin, not speech; 11 dB is.
        Assert.Empty(Run(Tone(3200, (40, 0), (30, 8), (100, 0))));
        Assert.Equal(40 * Frame, Run(Tone(3200, (40, 0), (30, 11), (100, 0)))[0].SpeechSample);

        // 2.8 kHz crosses exactly 0.35 times a sample (56 in a frame): not over the guard, so 8 dB is speech.
        Assert.Equal(40 * Frame, Run(Tone(2800, (40, 0), (30, 8), (100, 0)))[0].SpeechSample);
    }

    [Fact]
    public void ASignalThatNeverGoesNegative_CrossesNoZero()
    {
        // A half-wave rectified 1 kHz tone: zero half the time, never negative, so no crossing and no extra margin.
        var found = Run(Tone(1000, [(40, 0), (30, 8), (100, 0)], rectified: true));
        Assert.Equal(Boundary(TurnBoundaryKind.Started, 40 * Frame, (40 * Frame) + MinSpeech), found[0]);
    }

    [Fact]
    public void TheHissBand_AloneOpensATurn()
    {
        // A 1 kHz tone at -20 dBFS sets both floors; a 6 kHz tone at -30 dBFS barely moves the speech band (under its
        // low-pass) but stands 11 dB over the hiss band's floor.
        var samples = new short[170 * Frame];
        for (var i = 0; i < samples.Length; i++)
        {
            var hiss = i >= 40 * Frame && i < 70 * Frame ? Math.Pow(10, -30 / 20.0) * Math.Sin(2 * Math.PI * 6000 * i / Rate) : 0;
            samples[i] = (short)Math.Round(32767 * ((0.1 * Math.Sin(2 * Math.PI * 1000 * i / Rate)) + hiss));
        }

        var found = Run(samples);
        Assert.Equal(Boundary(TurnBoundaryKind.Started, 40 * Frame, (40 * Frame) + MinSpeech), found[0]);
        Assert.Equal(TurnBoundaryKind.Ended, found[1].Kind);
    }

    [Fact]
    public void AGapOf150Ms_IsBridged_OneOf160MsIsNot()
    {
        // 60 ms of speech, a gap, 60 ms more: with a gap of 150 ms the run holds 120 ms and opens at its first frame.
        Assert.Equal(
            Boundary(TurnBoundaryKind.Started, 40 * Frame, 67 * Frame),
            Run(Tone(1000, (40, 0), (6, 8), (15, 0), (6, 8), (80, 0)))[0]);

        // 160 ms: the run starts again, and 60 ms is short of MinSpeech.
        Assert.Empty(Run(Tone(1000, (40, 0), (6, 8), (16, 0), (6, 8), (80, 0))));
        Assert.Equal(
            Boundary(TurnBoundaryKind.Started, 62 * Frame, 74 * Frame),
            Run(Tone(1000, (40, 0), (6, 8), (16, 0), (14, 8), (80, 0)))[0]);

        // A short gap is bridged too.
        Assert.Equal(
            Boundary(TurnBoundaryKind.Started, 40 * Frame, 57 * Frame),
            Run(Tone(1000, (40, 0), (6, 8), (5, 0), (6, 8), (80, 0)))[0]);
    }

    [Fact]
    public void AConfirmedOnset_ReachesBackOverTheWeakFramesBeforeIt()
    {
        // 4.5 dB is weak (over half the margin) but not speech: three such frames before the speech join the turn.
        Assert.Equal(
            Boundary(TurnBoundaryKind.Started, 40 * Frame, 55 * Frame),
            Run(Tone(1000, (40, 0), (3, 4.5), (20, 8), (80, 0)))[0]);

        // In the hiss band too: 6 kHz crosses zero like noise, so 6.5 dB is weak there only and 10 dB is speech there only.
        Assert.Equal(
            Boundary(TurnBoundaryKind.Started, 40 * Frame, 55 * Frame),
            Run(Tone(6000, (40, 0), (3, 6.5), (20, 10), (80, 0)))[0]);

        // Frames at 2 dB are not weak: the onset stays.
        Assert.Equal(
            Boundary(TurnBoundaryKind.Started, 43 * Frame, 55 * Frame),
            Run(Tone(1000, (40, 0), (3, 2), (20, 8), (80, 0)))[0]);
    }

    [Fact]
    public void TheReachBack_StopsShortOfTheRingOfWeakFrames()
    {
        // 25 weak frames before the speech: the run is 12 frames when confirmed, so 19 weak frames join (31 in all).
        Assert.Equal(
            Boundary(TurnBoundaryKind.Started, 46 * Frame, 77 * Frame),
            Run(Tone(1000, (40, 0), (25, 4.5), (20, 8), (80, 0)))[0]);
    }

    [Fact]
    public void InATurn_WeakFramesRightAfterSpeech_KeepItGoing()
    {
        Assert.Equal(
            Boundary(TurnBoundaryKind.Ended, (75 * Frame) + Hangover, (75 * Frame) + Silence),
            Run(Tone(1000, (40, 0), (30, 8), (5, 4.5), (100, 0)))[1]);
    }

    [Fact]
    public void InATurn_WeakFramesAfterAPause_DoNot()
    {
        Assert.Equal(
            Boundary(TurnBoundaryKind.Ended, (70 * Frame) + Hangover, (70 * Frame) + Silence),
            Run(Tone(1000, (40, 0), (30, 8), (20, 0), (5, 4.5), (100, 0)))[1]);
    }

    [Fact]
    public void InATurn_ThreeFramesOfSpeechAfterAPause_MoveItsEnd_TwoDoNot()
    {
        Assert.Equal(
            Boundary(TurnBoundaryKind.Ended, (93 * Frame) + Hangover, (93 * Frame) + Silence),
            Run(Tone(1000, (40, 0), (30, 8), (20, 0), (3, 8), (100, 0)))[1]);
        Assert.Equal(
            Boundary(TurnBoundaryKind.Ended, (70 * Frame) + Hangover, (70 * Frame) + Silence),
            Run(Tone(1000, (40, 0), (30, 8), (20, 0), (2, 8), (100, 0)))[1]);
    }

    [Fact]
    public void AfterATurnEnds_TheNextNeedsMinSpeechOfItsOwn()
    {
        // 30 ms to open, 30 ms to end: the second burst comes 40 ms after the first turn closed.
        var quick = Defaults with { MinSpeech = TimeSpan.FromMilliseconds(30), SilenceDuration = TimeSpan.FromMilliseconds(30) };
        var found = Run(Tone(1000, (40, 0), (5, 8), (4, 0), (5, 8), (60, 0)), quick);

        Assert.Equal(Boundary(TurnBoundaryKind.Started, 40 * Frame, 43 * Frame), found[0]);
        Assert.Equal(Boundary(TurnBoundaryKind.Ended, 48 * Frame, 48 * Frame), found[1]);
        Assert.Equal(Boundary(TurnBoundaryKind.Started, 49 * Frame, 52 * Frame), found[2]);
    }

    [Fact]
    public void AfterAReset_TheRunStartsAgain_AndItsOnsetReachesBackOverTheSpeechBefore()
    {
        var detector = new TurnDetector(Rate, Defaults);
        var found = new List<TurnBoundary>();
        var signal = Tone(1000, (40, 0), (60, 8), (100, 0));
        var frame = 0;
        while (!detector.InTurn)
        {
            detector.Process(MemoryMarshal.AsBytes(signal.AsSpan(frame++ * Frame, Frame)), found);
        }

        Assert.Equal(52, frame);
        detector.Reset();
        found.Clear();
        detector.Process(MemoryMarshal.AsBytes(signal.AsSpan(frame * Frame)), found);

        // The new run starts at frame 52 and is confirmed 12 frames later; its onset walks back over frames 40 to 51.
        Assert.Equal(Boundary(TurnBoundaryKind.Started, 40 * Frame, 64 * Frame), found[0]);
    }

    [Fact]
    public void TheFloor_FollowsQuieterNoise_AtTheNextBlock()
    {
        var detector = new TurnDetector(Rate, Defaults);
        var found = new List<TurnBoundary>();
        var signal = Tone(1000, (20, 0), (20, -10));
        detector.Process(MemoryMarshal.AsBytes(signal.AsSpan(0, 20 * Frame)), found);
        var floor = detector.NoiseFloorDb;
        detector.Process(MemoryMarshal.AsBytes(signal.AsSpan(20 * Frame, 9 * Frame)), found);
        Assert.Equal(floor, detector.NoiseFloorDb);
        detector.Process(MemoryMarshal.AsBytes(signal.AsSpan(29 * Frame)), found);

        Assert.InRange(detector.NoiseFloorDb - floor, -10.2, -9.8);
        Assert.Empty(found);
    }

    [Fact]
    public void TheFirstBlock_SetsTheFloor_EvenWithSpeechInIt()
    {
        var detector = new TurnDetector(Rate, Defaults);
        var found = new List<TurnBoundary>();
        var signal = Tone(1000, (1, 0), (9, 10));
        detector.Process(MemoryMarshal.AsBytes(signal.AsSpan(0, Frame)), found);
        var first = detector.NoiseFloorDb;
        detector.Process(MemoryMarshal.AsBytes(signal.AsSpan(Frame)), found);

        // The block's mean: one frame at 0 dB and nine at 10 dB.
        Assert.InRange(detector.NoiseFloorDb - first, (10 * Math.Log10(9.1)) - 0.6, (10 * Math.Log10(9.1)) + 0.6);
    }

    [Fact]
    public void BlocksWithSpeech_StayOutOfTheFloor()
    {
        // After 0.5 s at the background, 3.6 s of blocks at 2 dB, every other one with two frames of speech (10 dB,
        // runs too short for a turn). Only the blocks without speech join the floor's window: the background's blocks
        // are still in it, so a tone 7 dB over the background is speech. Were the speech blocks counted, the window
        // would hold only 2 dB blocks and 7 dB would be 5 dB over it.
        var segments = new List<(int, double)> { (50, 0) };
        for (var b = 0; b < 18; b++)
        {
            segments.AddRange([(2, 10), (8, 2), (10, 2)]);
        }

        segments.AddRange([(30, 7), (80, 0)]);
        var found = Run(Tone(1000, [.. segments], rectified: false));

        Assert.Equal([TurnBoundaryKind.Started, TurnBoundaryKind.Ended], found.Select(b => b.Kind));
        Assert.Equal(Boundary(TurnBoundaryKind.Started, 410 * Frame, 422 * Frame), found[0]);
    }

    [Fact]
    public void WhileTheSpeakerPlays_InHalfDuplex_NothingIsSpeech_UntilTheWindowHoldsNothingPlayed()
    {
        // The clock starts far from zero: the microphone's frames are placed on it from each block's reading.
        const long Start = 1_000_000;
        const int TicksPerSample = 2;
        var clock = new TickClock(Rate * TicksPerSample) { Now = Start + (20L * Frame * TicksPerSample) };
        var reference = new PlaybackReference(clock);
        reference.Write(MemoryMarshal.AsBytes(Tone(1000, (100, 20)).AsSpan()), Rate);

        // The microphone hears the background for 200 ms (the floor), then speech from the playback's start on.
        var detector = new TurnDetector(Rate, Defaults with { EchoReference = reference, HalfDuplex = true });
        var found = new List<TurnBoundary>();
        var signal = Tone(1000, (20, 0), (200, 8), (80, 0));
        for (var block = 0; block < signal.Length / (10 * Frame); block++)
        {
            clock.Now = Start + ((block + 1) * 10L * Frame * TicksPerSample);
            detector.Process(MemoryMarshal.AsBytes(signal.AsSpan(block * 10 * Frame, 10 * Frame)), found);
        }

        // The last played frame is stamped at the end of the microphone's frame 119; frame 149's window of 31 frames
        // still holds it.
        Assert.Equal(Boundary(TurnBoundaryKind.Started, 150 * Frame, 162 * Frame), found[0]);
    }

    private static TurnBoundary Boundary(TurnBoundaryKind kind, long speech, long decided) => new(kind, speech, decided);

    private static List<TurnBoundary> Run(short[] samples, TurnDetectorSettings? settings = null)
    {
        var detector = new TurnDetector(Rate, settings ?? Defaults);
        var found = new List<TurnBoundary>();
        detector.Process(MemoryMarshal.AsBytes(samples.AsSpan()), found);
        return found;
    }

    private static short[] Tone(double frequency, params (int Frames, double Db)[] segments) => Tone(frequency, segments, rectified: false);

    /// <summary>A tone, phase continuous, its level (dB over the background; negative infinity: digital silence) set per segment of frames.</summary>
    private static short[] Tone(double frequency, (int Frames, double Db)[] segments, bool rectified)
    {
        var samples = new short[segments.Sum(s => s.Frames) * Frame];
        var i = 0;
        foreach (var (frames, db) in segments)
        {
            var amplitude = 32767 * Math.Pow(10, (BackgroundDb + db) / 20);
            for (var end = i + (frames * Frame); i < end; i++)
            {
                var x = amplitude * Math.Sin(2 * Math.PI * frequency * i / Rate);
                samples[i] = (short)Math.Round(rectified ? Math.Max(0, x) : x);
            }
        }

        return samples;
    }

    /// <summary>Digital silence for some frames, then a 1 kHz tone of a peak in LSB.</summary>
    private static short[] Raw(int silentFrames, double peak, int toneFrames)
    {
        var samples = new short[(silentFrames + toneFrames) * Frame];
        for (var i = silentFrames * Frame; i < samples.Length; i++)
        {
            samples[i] = (short)Math.Round(peak * Math.Sin(2 * Math.PI * 1000 * i / Rate));
        }

        return samples;
    }
}
