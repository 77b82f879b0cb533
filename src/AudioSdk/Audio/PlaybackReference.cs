using AudioSdk.Realtime.Uplink;

namespace AudioSdk.Audio;

/// <summary>
/// What the speaker is playing, as the client-side turn detector needs it to tell the agent's own voice leaking back
/// into the microphone from a user who interrupts: the level of each 10 ms of played audio in the speech band, with the
/// time it was handed to the player. <see cref="AudioPlayback"/> writes one (<see cref="AudioPlayback.EchoReference"/>);
/// give it to <see cref="Realtime.RealtimeTurnDetection.EchoReference"/>. Write to your own when your player is not an
/// <see cref="AudioPlayback"/>. Thread-safe: the player writes on its thread, the session reads on the caller's. Keeps
/// the last 10 s (levels only, no audio).
/// </summary>
public sealed class PlaybackReference
{
    private const int Kept = 1024;
    private readonly object _gate = new();
    private readonly long[] _stamps = new long[Kept];
    private readonly float[] _levels = new float[Kept];
    private int _next;
    private int _count;
    private int _rate;
    private int _frame;
    private Biquad _highPass;
    private Biquad _lowPass;
    private double _energy;
    private int _filled;

    /// <summary>Creates a reference on a clock (the system's by default; a test's own to replay recorded audio).</summary>
    /// <param name="timeProvider">The clock that stamps played audio; the session reads the same clock for the microphone's.</param>
    public PlaybackReference(TimeProvider? timeProvider = null)
    {
        Time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The clock both sides are stamped with.</summary>
    public TimeProvider Time { get; }

    /// <summary>Records audio as it is handed to the player (now), PCM16 mono little-endian; any block size.</summary>
    /// <param name="pcm16">The audio (an odd final byte is ignored).</param>
    /// <param name="sampleRate">Its rate.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not 100 to 768000 Hz.</exception>
    public void Write(ReadOnlySpan<byte> pcm16, int sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sampleRate, WavFile.MaxSampleRate);
        var now = Time.GetTimestamp();
        var ticksPerSample = (double)Time.TimestampFrequency / sampleRate;
        lock (_gate)
        {
            if (sampleRate != _rate)
            {
                _rate = sampleRate;
                _frame = sampleRate / 100;
                _highPass = Biquad.HighPass(sampleRate, 250);
                _lowPass = Biquad.LowPass(sampleRate, Math.Min(3500, sampleRate * 0.45));
                _energy = 0;
                _filled = 0;
            }

            var samples = pcm16.Length / 2;
            for (var i = 0; i < samples; i++)
            {
                var x = _lowPass.Next(_highPass.Next((short)(pcm16[2 * i] | (pcm16[(2 * i) + 1] << 8))));
                _energy += x * x;
                if (++_filled == _frame)
                {
                    // Stamped with when the frame's end plays, counting from now at the rate.
                    Add(now + (long)((i + 1) * ticksPerSample), (float)Level(_energy / _frame));
                    _energy = 0;
                    _filled = 0;
                }
            }
        }
    }

    /// <summary>
    /// The played levels (dBFS, speech band) before <paramref name="to"/>, by lag: entry <c>k</c> is the loudest frame
    /// stamped <c>k</c> frames (of <paramref name="frameTicks"/>) before, rounded; negative infinity where nothing was played.
    /// </summary>
    internal void Levels(long to, long frameTicks, Span<double> byLag)
    {
        byLag.Fill(double.NegativeInfinity);
        var from = to - (frameTicks * byLag.Length) + (frameTicks / 2);
        lock (_gate)
        {
            for (var k = 1; k <= _count; k++)
            {
                var index = (_next - k + Kept) % Kept;
                var stamp = _stamps[index];
                if (stamp < from)
                {
                    break;
                }

                var lag = (to - stamp + (frameTicks / 2)) / frameTicks;
                if (stamp <= to + (frameTicks / 2) && lag >= 0 && lag < byLag.Length && _levels[index] > byLag[(int)lag])
                {
                    byLag[(int)lag] = _levels[index];
                }
            }
        }
    }

    internal static double Level(double meanSquare) => 10 * Math.Log10((meanSquare / (32768.0 * 32768.0)) + 1e-12);

    private void Add(long stamp, float level)
    {
        _stamps[_next] = stamp;
        _levels[_next] = level;
        _next = (_next + 1) % Kept;
        _count = Math.Min(_count + 1, Kept);
    }
}
