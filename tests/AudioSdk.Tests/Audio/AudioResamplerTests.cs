using AudioSdk.Tests.Infrastructure;
using AudioSdk.Audio;

namespace AudioSdk.Tests.Audio;

public sealed class AudioResamplerTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private static float[] Sine(double frequency, int rate, double seconds, double amplitude = 0.5) => TestAudio.Sine(frequency, rate, seconds, amplitude);

    /// <summary>Amplitude of the component at <paramref name="frequency"/>, by least squares over the steady middle part.</summary>
    private static double Amplitude(float[] x, double frequency, int rate, int skip)
    {
        var (sine, cosine) = SineFit.Fit(x.AsSpan(skip, x.Length - (2 * skip)), rate, frequency);
        return Math.Sqrt((sine * sine) + (cosine * cosine));
    }

    private static double Rms(ReadOnlySpan<float> x)
    {
        var sum = 0.0;
        foreach (var v in x)
        {
            sum += v * v;
        }

        return Math.Sqrt(sum / x.Length);
    }

    [Fact]
    public void OneKilohertz_From44100To16000_KeepsSnrOfAtLeast70dB()
    {
        var output = AudioResampler.Resample(Sine(1000, 44100, 2), 44100, 16000);

        Assert.Equal(32000, output.Length);
        var ideal = Sine(1000, 16000, 2);
        double signal = 0, noise = 0;
        for (var i = 400; i < output.Length - 400; i++)
        {
            signal += ideal[i] * ideal[i];
            noise += (output[i] - ideal[i]) * (output[i] - ideal[i]);
        }

        var snr = 10 * Math.Log10(signal / noise);
        log.WriteLine($"1 kHz 44100->16000: SNR {snr:0.0} dB");
        Assert.True(snr >= 70, $"SNR {snr:0.0} dB");
    }

    [Theory]
    [InlineData(44100, 16000, 10000)]
    [InlineData(48000, 24000, 14000)]
    [InlineData(44100, 16000, 8500)]
    public void ToneAboveTheNewNyquist_IsAttenuatedAtLeast60dB(int from, int to, double frequency)
    {
        var input = Sine(frequency, from, 1);
        var output = AudioResampler.Resample(input, from, to);

        var attenuation = 20 * Math.Log10(Rms(output.AsSpan(400, output.Length - 800)) / Rms(input));
        log.WriteLine($"{frequency} Hz {from}->{to}: {attenuation:0.0} dB");
        Assert.True(attenuation <= -60, $"{frequency} Hz came through at {attenuation:0.0} dB");
    }

    [Theory]
    [InlineData(44100, 16000)]
    [InlineData(48000, 24000)]
    [InlineData(24000, 16000)]
    [InlineData(16000, 24000)]
    [InlineData(44100, 48000)]
    [InlineData(8000, 16000)]
    public void Passband_UpTo90PercentOfTheLowerNyquist_IsFlatWithin0Point1dB(int from, int to)
    {
        var edge = 0.9 * Math.Min(from, to) / 2;
        var worst = 0.0;
        foreach (var frequency in new[] { 100, 1000, edge / 2, edge * 0.8, edge })
        {
            var output = AudioResampler.Resample(Sine(frequency, from, 1), from, to);
            var gain = 20 * Math.Log10(Amplitude(output, frequency, to, to / 20) / 0.5);
            worst = Math.Max(worst, Math.Abs(gain));
            Assert.True(Math.Abs(gain) <= 0.1, $"{from}->{to}: {frequency:0} Hz gain {gain:0.000} dB");
        }

        log.WriteLine($"{from}->{to}: passband deviation up to {edge:0} Hz at most {worst:0.0000} dB");
    }

    [Theory]
    [InlineData(44100, 16000, 4410)]
    [InlineData(48000, 24000, 4800)]
    [InlineData(16000, 24000, 1600)]
    [InlineData(44100, 16000, 1)]
    [InlineData(22050, 16000, 777)]
    public void Streaming_InChunks_EqualsOneShot(int from, int to, int chunk)
    {
        var random = new Random(7);
        var input = Enumerable.Range(0, from / 2 + 123).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var oneShot = AudioResampler.Resample(input, from, to);

        var resampler = new AudioResampler(from, to);
        var streamed = new List<float>();
        var buffer = new float[resampler.GetMaxOutputLength(chunk)];
        for (var offset = 0; offset < input.Length; offset += chunk)
        {
            var n = resampler.Process(input.AsSpan(offset, Math.Min(chunk, input.Length - offset)), buffer);
            streamed.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        var tail = resampler.Flush(buffer);
        streamed.AddRange(buffer.AsSpan(0, tail).ToArray());

        Assert.Equal(oneShot, streamed.ToArray());
    }

    [Fact]
    public void OutputIsTimeAligned_WithTheInput()
    {
        var input = new float[44100];
        input[22050] = 1;
        var output = AudioResampler.Resample(input, 44100, 16000);
        var peak = Array.IndexOf(output, output.Max());
        Assert.Equal(8000, peak);
    }

    [Fact]
    public void Pcm16Overload_RoundTripsLevels()
    {
        var input = Sine(440, 48000, 0.5, 0.25).Select(v => (short)(v * 32767)).ToArray();
        var output = AudioResampler.Resample(input, 48000, 16000);
        Assert.Equal(8000, output.Length);
        Assert.InRange(output.Max(), 8000, 8300);
    }

    [Fact]
    public void Reset_StartsANewStream_AndProcessAfterFlushThrows()
    {
        var resampler = new AudioResampler(48000, 16000);
        var buffer = new float[resampler.GetMaxOutputLength(4800)];
        var first = resampler.Process(Sine(100, 48000, 0.1), buffer) + resampler.Flush(buffer);
        Assert.Equal(1600, first);
        Assert.Throws<InvalidOperationException>(() => resampler.Process(new float[10], buffer));
        resampler.Reset();
        var second = resampler.Process(Sine(100, 48000, 0.1), buffer) + resampler.Flush(buffer);
        Assert.Equal(first, second);
    }

    [Fact]
    public void InvalidRates_AreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudioResampler(0, 16000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudioResampler(16000, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudioResampler(10007, 44101));
    }
}
