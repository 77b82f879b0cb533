using AudioSdk.Audio;

namespace AudioSdk.Realtime.Uplink;

/// <summary>
/// Playback-reference gating for the turn detector. While the speaker plays (its <see cref="PlaybackReference"/> above
/// -60 dBFS within <see cref="Window"/>, which covers the speaker's and the microphone's latency), a frame counts as the
/// user's speech only when its speech-band level is <see cref="Margin"/> over the echo expected from what was played.
/// The echo path is learned on the frames heard outside a turn while something plays: for each lag (10 ms steps over the
/// window, played frames within 20 dB of the loudest only) the microphone's level minus the played level; the lag where
/// that difference varies least (over the last 200 frames) is the echo's delay, and the median difference there is its
/// gain. The expected echo is the loudest played level from 10 ms before to 30 ms after that delay (jitter and
/// reflections), plus the gain. Until the path is learned (20 frames), and always in half-duplex mode, nothing heard
/// while the speaker plays is speech. A user's first syllables heard before a turn opens enter the learning too, a few
/// frames among 200, which moves a median little.
/// </summary>
internal sealed class EchoGate
{
    /// <summary>How far back the played audio is looked up: the speaker's buffer plus the microphone's block and latency.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(300);

    /// <summary>Over the expected echo, in dB, for a frame to count as the user's.</summary>
    public const double Margin = 3;

    private const double PlayingDb = -60;
    private const int Lags = 31;
    private const int Learned = 200;
    private const int MinLearned = 20;
    private readonly PlaybackReference _reference;
    private readonly bool _halfDuplex;
    private readonly long _frameTicks;
    private readonly double _ticksPerSample;
    private readonly double[] _played = new double[Lags];
    private readonly float[][] _differences = new float[Lags][];
    private readonly int[] _count = new int[Lags];
    private readonly int[] _next = new int[Lags];
    private readonly float[] _sorted = new float[Learned];
    private long _blockEndStamp;
    private long _blockEndPosition;

    public EchoGate(PlaybackReference reference, bool halfDuplex, int sampleRate)
    {
        _reference = reference;
        _halfDuplex = halfDuplex;
        _frameTicks = Math.Max(1, reference.Time.TimestampFrequency / 100);
        _ticksPerSample = (double)reference.Time.TimestampFrequency / sampleRate;
        for (var lag = 0; lag < Lags; lag++)
        {
            _differences[lag] = new float[Learned];
        }
    }

    /// <summary>A block of microphone audio arrives now; it ends at sample <paramref name="positionAfterBlock"/>.</summary>
    public void BeginBlock(long positionAfterBlock)
    {
        _blockEndStamp = _reference.Time.GetTimestamp();
        _blockEndPosition = positionAfterBlock;
    }

    /// <summary>
    /// The level (dBFS, speech band) a frame ending at <paramref name="frameEnd"/> must exceed to be the user's: negative
    /// infinity when nothing plays, positive infinity when it cannot tell (half duplex, or the echo path not learned yet).
    /// </summary>
    public double Floor(long frameEnd, double frameDb, bool inTurn)
    {
        var stamp = _blockEndStamp - (long)((_blockEndPosition - frameEnd) * _ticksPerSample);
        _reference.Levels(stamp, _frameTicks, _played);
        var loudest = double.NegativeInfinity;
        foreach (var level in _played)
        {
            loudest = Math.Max(loudest, level);
        }

        if (loudest < PlayingDb)
        {
            return double.NegativeInfinity;
        }

        if (_halfDuplex)
        {
            return double.PositiveInfinity;
        }

        if (!inTurn)
        {
            Learn(frameDb, loudest);
        }

        var delay = -1;
        var least = double.MaxValue;
        for (var lag = 0; lag < Lags; lag++)
        {
            if (_count[lag] >= MinLearned && Variance(lag) is var variance && variance < least)
            {
                delay = lag;
                least = variance;
            }
        }

        if (delay < 0)
        {
            return double.PositiveInfinity;
        }

        var expected = double.NegativeInfinity;
        for (var lag = Math.Max(0, delay - 1); lag <= Math.Min(Lags - 1, delay + 3); lag++)
        {
            expected = Math.Max(expected, _played[lag]);
        }

        if (expected < PlayingDb)
        {
            // Nothing audible played at the echo's delay: what is heard now is not the speaker's.
            return double.NegativeInfinity;
        }

        var differences = _differences[delay];
        Array.Copy(differences, _sorted, _count[delay]);
        Array.Sort(_sorted, 0, _count[delay]);
        return expected + _sorted[(_count[delay] - 1) / 2] + Margin;
    }

    /// <summary>One frame heard while the speaker played, outside a turn: its level against what was played, at each lag.</summary>
    private void Learn(double frameDb, double loudest)
    {
        for (var lag = 0; lag < Lags; lag++)
        {
            // Faint played frames say little about the path (the echo is under the room's noise).
            if (_played[lag] < Math.Max(PlayingDb, loudest - 20))
            {
                continue;
            }

            _differences[lag][_next[lag]] = (float)(frameDb - _played[lag]);
            _next[lag] = (_next[lag] + 1) % Learned;
            _count[lag] = Math.Min(_count[lag] + 1, Learned);
        }
    }

    /// <summary>How much the microphone-minus-played difference varies at a lag (over the frames kept).</summary>
    private double Variance(int lag)
    {
        var values = _differences[lag].AsSpan(0, _count[lag]);
        double sum = 0;
        double squares = 0;
        foreach (var v in values)
        {
            sum += v;
            squares += v * v;
        }

        var mean = sum / values.Length;
        return (squares / values.Length) - (mean * mean);
    }
}
