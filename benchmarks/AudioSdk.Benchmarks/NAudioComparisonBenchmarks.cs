using AudioSdk.Audio;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using NAudio.Wave;
using NAudio.Wave.SampleProviders;

namespace AudioSdk.Benchmarks;

/// <summary>
/// Ten seconds of audio resampled (48 kHz to 24 kHz, an integer ratio; 44.1 kHz to 16 kHz, not one): the SDK's
/// resampler beside NAudio.Core's WDL resampler (<see cref="WdlResamplingSampleProvider"/>), both pulled 100 ms at a
/// time, with each one's SNR on a 1 kHz sine and its output length in the same table (<see cref="QualityConfig"/>);
/// and a 10 s WAV parsed by the SDK's <see cref="WavFile"/> beside NAudio's <see cref="WaveFileReader"/>.
/// Input samples per second = 10 s × the input rate / mean time.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(QualityConfig))]
public class NAudioComparisonBenchmarks
{
    private int Rate => InputRate;

    /// <summary>The conversion: 48000 to 24000 or 44100 to 16000.</summary>
    [Params(48000, 44100)]
    public int InputRate { get; set; }

    /// <summary>The output rate for <see cref="InputRate"/>.</summary>
    public int OutputRate => InputRate == 48000 ? 24000 : 16000;
    private float[] _input = [];
    private float[] _output = [];
    private byte[] _wav = [];
    private AudioResampler _resampler = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _input = Enumerable.Range(0, Rate * 10).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        _resampler = new AudioResampler(Rate, OutputRate);
        _output = new float[_resampler.GetMaxOutputLength(_input.Length) + 4096];
        _wav = WavFile.Write(_input, new WavFormat(WavEncoding.Pcm, 48000, 1, 16));
    }

    /// <summary>The SDK's polyphase windowed-sinc resampler.</summary>
    [Benchmark(Baseline = true)]
    public int Sdk_Resample()
    {
        _resampler.Reset();
        var chunk = Rate / 10;
        var written = 0;
        for (var offset = 0; offset < _input.Length; offset += chunk)
        {
            written += _resampler.Process(_input.AsSpan(offset, chunk), _output.AsSpan(written));
        }

        return written + _resampler.Flush(_output.AsSpan(written));
    }

    /// <summary>NAudio.Core's WDL resampler over the same input.</summary>
    [Benchmark]
    public int NAudioWdl_Resample()
    {
        var wdl = new WdlResamplingSampleProvider(new FloatArrayProvider(_input, Rate), OutputRate);
        var written = 0;
        int n;
        while ((n = wdl.Read(_output.AsSpan(written, Math.Min(2400, _output.Length - written)))) > 0)
        {
            written += n;
        }

        return written;
    }

    /// <summary>The SDK's WAV reader: header checks, then decoding to floats.</summary>
    [Benchmark]
    public int Sdk_ReadWav() => WavFile.Read(_wav).Samples.Length;

    /// <summary>NAudio.Core's WAV reader, read to floats through its sample provider.</summary>
    [Benchmark]
    public int NAudio_ReadWav()
    {
        using var reader = new WaveFileReader(new MemoryStream(_wav));
        var samples = reader.ToSampleProvider();
        var buffer = new float[4800];
        var total = 0;
        int n;
        while ((n = samples.Read(buffer)) > 0)
        {
            total += n;
        }

        return total;
    }

    /// <summary>The SDK's resampler over a whole signal, pulled 100 ms at a time, flushed at the end.</summary>
    internal static float[] SdkResample(float[] input, int from, int to)
    {
        var resampler = new AudioResampler(from, to);
        var output = new float[resampler.GetMaxOutputLength(input.Length) + 4096];
        var written = 0;
        for (var offset = 0; offset < input.Length; offset += from / 10)
        {
            written += resampler.Process(input.AsSpan(offset, Math.Min(from / 10, input.Length - offset)), output.AsSpan(written));
        }

        written += resampler.Flush(output.AsSpan(written));
        return output[..written];
    }

    /// <summary>NAudio's WDL resampler over a whole signal, pulled 100 ms (of output) at a time until it ends.</summary>
    internal static float[] WdlResample(float[] input, int from, int to)
    {
        var wdl = new WdlResamplingSampleProvider(new FloatArrayProvider(input, from), to);
        var output = new float[(int)((long)input.Length * to / from) + 8192];
        var written = 0;
        int n;
        while (written < output.Length && (n = wdl.Read(output.AsSpan(written, Math.Min(to / 10, output.Length - written)))) > 0)
        {
            written += n;
        }

        return output[..written];
    }

    private sealed class FloatArrayProvider(float[] samples, int rate) : ISampleProvider
    {
        private int _position;

        public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(rate, 1);

        public int Read(Span<float> buffer)
        {
            var n = Math.Min(buffer.Length, samples.Length - _position);
            samples.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
    }
}
