using AudioSdk.Audio;
using BenchmarkDotNet.Attributes;

namespace AudioSdk.Benchmarks;

/// <summary>
/// Ten seconds of audio through the SDK's band-limited resampler, beside naive linear interpolation
/// (what many clients do, and what aliases) in the same run. Samples per second = input samples / mean time.
/// </summary>
[MemoryDiagnoser]
public class ResamplerBenchmarks
{
    private float[] _input = [];
    private float[] _output = [];
    private AudioResampler _resampler = null!;

    [Params(44100, 48000)]
    public int InputRate { get; set; }

    [Params(16000, 24000)]
    public int OutputRate { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _input = Enumerable.Range(0, InputRate * 10).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        _resampler = new AudioResampler(InputRate, OutputRate);
        _output = new float[_resampler.GetMaxOutputLength(_input.Length) + 64];
    }

    /// <summary>The SDK's resampler, streaming 100 ms chunks as the realtime session does.</summary>
    [Benchmark]
    public int PolyphaseSinc_100msChunks()
    {
        _resampler.Reset();
        var chunk = InputRate / 10;
        var written = 0;
        for (var offset = 0; offset < _input.Length; offset += chunk)
        {
            written += _resampler.Process(_input.AsSpan(offset, chunk), _output.AsSpan(written));
        }

        return written + _resampler.Flush(_output.AsSpan(written));
    }

    /// <summary>The SDK's resampler in one shot (allocates its filter bank and output).</summary>
    [Benchmark]
    public int PolyphaseSinc_OneShot() => AudioResampler.Resample(_input, InputRate, OutputRate).Length;

    /// <summary>The alternative: linear interpolation, no anti-aliasing filter.</summary>
    [Benchmark(Baseline = true)]
    public int LinearInterpolation()
    {
        var count = (int)((long)_input.Length * OutputRate / InputRate);
        var step = (double)InputRate / OutputRate;
        for (var i = 0; i < count; i++)
        {
            var position = i * step;
            var index = (int)position;
            var frac = (float)(position - index);
            var next = index + 1 < _input.Length ? _input[index + 1] : 0;
            _output[i] = _input[index] + ((next - _input[index]) * frac);
        }

        return count;
    }
}
