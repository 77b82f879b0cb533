using System.Numerics;

namespace AudioSdk.Audio;

/// <summary>
/// A band-limited, anti-aliased sample-rate converter for mono float samples, for any pair of integer
/// rates. Polyphase windowed-sinc (Kaiser, 90 dB stopband): flat within 0.001 dB up to 0.9 of the lower
/// Nyquist frequency, at least 90 dB down from the lower Nyquist frequency on. Used in one shot
/// (<see cref="Resample(ReadOnlySpan{float}, int, int)"/>) or as a stream fed chunk by chunk
/// (<see cref="Process"/> then <see cref="Flush"/>), whose output is identical to the one-shot output.
/// Not thread-safe; use one instance per stream.
/// </summary>
// Kept over NAudio.Core's WdlResamplingSampleProvider: 1 kHz 44.1->16 kHz at 123.0 dB SNR vs 62.4 dB at the same speed and 0 B allocated
// (48->24 kHz, an integer ratio: 138.0 vs 152.4 dB), NAudioComparisonBenchmarks.
public sealed class AudioResampler
{
    private const double StopbandAttenuationDb = 90;
    private const int MaxPhases = 4096;

    private readonly int _up;
    private readonly int _down;
    private readonly int _half;
    private readonly int _taps;
    private readonly float[] _bank;
    private float[] _buffer;
    private int _count;
    private long _bufferStart;
    private long _next;
    private long _consumed;
    private bool _flushed;

    /// <summary>Creates a converter.</summary>
    /// <param name="inputRate">The input sample rate in Hz.</param>
    /// <param name="outputRate">The output sample rate in Hz.</param>
    /// <exception cref="ArgumentOutOfRangeException">A rate is not positive, or the reduced ratio needs more than 4096 filter
    /// phases.</exception>
    public AudioResampler(int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRate);
        InputRate = inputRate;
        OutputRate = outputRate;
        var g = Gcd(inputRate, outputRate);
        _up = outputRate / g;
        _down = inputRate / g;
        if (_up > MaxPhases)
        {
            throw new ArgumentOutOfRangeException(nameof(outputRate),
                $"The ratio {outputRate}/{inputRate} reduces to {_up}/{_down}, which needs more than {MaxPhases} filter phases.");
        }

        // Pass band to 0.9 of the lower Nyquist frequency, stop band from it; in cycles per input sample.
        var nyquist = Math.Min(inputRate, outputRate) / 2.0;
        var transition = 0.1 * nyquist / inputRate;
        var cutoff = 0.95 * nyquist / inputRate;
        var length = (StopbandAttenuationDb - 7.95) / (2.285 * 2 * Math.PI * transition);
        _half = Math.Max(2, (int)Math.Ceiling(length / 2));
        _taps = 2 * _half;
        var beta = 0.1102 * (StopbandAttenuationDb - 8.7);
        var i0Beta = BesselI0(beta);
        _bank = new float[_up * _taps];
        for (var phase = 0; phase < _up; phase++)
        {
            var frac = (double)phase / _up;
            var row = new double[_taps];
            var sum = 0.0;
            for (var j = 0; j < _taps; j++)
            {
                var t = j - _half + 1 - frac;
                var x = t / (_half + 1);
                var window = Math.Abs(x) >= 1 ? 0 : BesselI0(beta * Math.Sqrt(1 - (x * x))) / i0Beta;
                row[j] = 2 * cutoff * Sinc(2 * cutoff * t) * window;
                sum += row[j];
            }

            for (var j = 0; j < _taps; j++)
            {
                _bank[(phase * _taps) + j] = (float)(row[j] / sum);
            }
        }

        _buffer = new float[Math.Max(4096, _taps * 2)];
        Reset();
    }

    /// <summary>The input sample rate in Hz.</summary>
    public int InputRate { get; }

    /// <summary>The output sample rate in Hz.</summary>
    public int OutputRate { get; }

    /// <summary>The delay the filter needs before an input sample affects the output, in input samples.</summary>
    public int LatencySamples => _half;

    /// <summary>Converts a whole signal in one call.</summary>
    /// <param name="input">The mono samples.</param>
    /// <param name="inputRate">Their rate in Hz.</param>
    /// <param name="outputRate">The rate wanted in Hz.</param>
    /// <returns><c>ceil(input.Length * outputRate / inputRate)</c> samples, aligned with the input (sample 0 at time 0).</returns>
    public static float[] Resample(ReadOnlySpan<float> input, int inputRate, int outputRate)
    {
        if (inputRate == outputRate)
        {
            return input.ToArray();
        }

        var resampler = new AudioResampler(inputRate, outputRate);
        var output = new float[resampler.GetOutputLength(input.Length)];
        var written = resampler.Process(input, output);
        written += resampler.Flush(output.AsSpan(written));
        return written == output.Length ? output : output[..written];
    }

    /// <summary>Converts PCM16 samples in one call (rounded and clipped back to 16 bits).</summary>
    /// <param name="input">The mono samples.</param>
    /// <param name="inputRate">Their rate in Hz.</param>
    /// <param name="outputRate">The rate wanted in Hz.</param>
    public static short[] Resample(ReadOnlySpan<short> input, int inputRate, int outputRate)
    {
        var floats = new float[input.Length];
        Pcm16.ToFloat(input, floats);
        var resampled = Resample(floats, inputRate, outputRate);
        var output = new short[resampled.Length];
        Pcm16.FromFloat(resampled, output);
        return output;
    }

    /// <summary>How many output samples a whole input of this length produces.</summary>
    /// <param name="inputLength">The input's length in samples.</param>
    public int GetOutputLength(long inputLength) => checked((int)(((inputLength * _up) + _down - 1) / _down));

    /// <summary>The most output samples one <see cref="Process"/> call with this many input samples can produce.</summary>
    /// <param name="inputLength">The chunk's length in samples.</param>
    public int GetMaxOutputLength(int inputLength) => (int)((((long)inputLength + _taps) * _up / _down) + 2);

    /// <summary>Feeds a chunk and writes the output samples that are now fully determined.</summary>
    /// <param name="input">The next mono samples.</param>
    /// <param name="output">Room for at least <see cref="GetMaxOutputLength"/> samples.</param>
    /// <returns>The number of samples written.</returns>
    /// <exception cref="InvalidOperationException"><see cref="Flush"/> was called already; call <see cref="Reset"/> first.</exception>
    public int Process(ReadOnlySpan<float> input, Span<float> output)
    {
        if (_flushed)
        {
            throw new InvalidOperationException("The resampler was flushed; call Reset() to start a new stream.");
        }

        Append(input);
        _consumed += input.Length;
        return Produce(output, long.MaxValue);
    }

    /// <summary>Ends the stream: writes the remaining output, as if silence followed the last sample.</summary>
    /// <param name="output">Room for at least <see cref="GetMaxOutputLength"/>(0) samples.</param>
    /// <returns>The number of samples written.</returns>
    public int Flush(Span<float> output)
    {
        if (_flushed)
        {
            return 0;
        }

        _flushed = true;
        Span<float> zeros = stackalloc float[256];
        zeros.Clear();
        for (var left = _half + 1; left > 0; left -= zeros.Length)
        {
            Append(zeros[..Math.Min(left, zeros.Length)]);
        }

        return Produce(output, GetOutputLength(_consumed));
    }

    /// <summary>Forgets all input, to start a new stream with the same rates.</summary>
    public void Reset()
    {
        // Sample 0 sits at buffer index _half - 1, with zeros before it.
        _count = _half - 1;
        Array.Clear(_buffer, 0, _count);
        _bufferStart = -(_half - 1);
        _next = 0;
        _consumed = 0;
        _flushed = false;
    }

    private int Produce(Span<float> output, long limit)
    {
        var written = 0;
        var available = _bufferStart + _count;
        while (_next < limit)
        {
            var position = _next * _down;
            var index = position / _up;
            if (index + _half > available - 1)
            {
                break;
            }

            if (written == output.Length)
            {
                throw new ArgumentException("The output span is too small; size it with GetMaxOutputLength.", nameof(output));
            }

            var phase = (int)(position % _up);
            var start = (int)(index - _half + 1 - _bufferStart);
            output[written++] = Dot(_buffer.AsSpan(start, _taps), _bank.AsSpan(phase * _taps, _taps));
            _next++;
        }

        // Drop input that no future output needs.
        var keepFrom = (_next * _down / _up) - _half + 1;
        var drop = (int)Math.Clamp(keepFrom - _bufferStart, 0, _count);
        if (drop > 0)
        {
            _buffer.AsSpan(drop, _count - drop).CopyTo(_buffer);
            _count -= drop;
            _bufferStart += drop;
        }

        return written;
    }

    private void Append(ReadOnlySpan<float> samples)
    {
        if (_count + samples.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _count + samples.Length));
        }

        samples.CopyTo(_buffer.AsSpan(_count));
        _count += samples.Length;
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var acc = Vector<float>.Zero;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                acc += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
            }
        }

        var sum = Vector.Dot(acc, Vector<float>.One);
        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static double Sinc(double x) => Math.Abs(x) < 1e-12 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, half = x / 2;
        for (var k = 1; k < 200 && term > 1e-17 * sum; k++)
        {
            term *= half / k * (half / k);
            sum += term;
        }

        return sum;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
