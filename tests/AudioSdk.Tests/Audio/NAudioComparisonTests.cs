using System.Diagnostics;
using AudioSdk.Audio;
using AudioSdk.Tests.Infrastructure;
using NAudio.Wave;
using NAudio.Wave.SampleProviders;

namespace AudioSdk.Tests.Audio;

/// <summary>
/// Where the SDK keeps its own code instead of NAudio.Core's, the evidence, measured side by side: the same 100,000
/// generated hostile WAV files through NAudio's <see cref="WaveFileReader"/> (every exception type counted), and the
/// same tone through NAudio's WDL resampler for SNR. Speed is in benchmarks (NAudioComparisonBenchmarks).
/// </summary>
public sealed class NAudioComparisonTests(Xunit.Abstractions.ITestOutputHelper log)
{
    [Fact]
    public void HostileWavFiles_ThroughNAudiosReader_AreTallied()
    {
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var slowest = TimeSpan.Zero;
        var total = 0;
        var seeds = WavFileFuzzTests.Seeds();
        for (var seed = 0; seed < seeds.Length; seed++)
        {
            var mutator = new Mutator(1000 + seed);
            for (var i = 0; i < WavFileFuzzTests.CasesPerSeed; i++)
            {
                var bytes = mutator.Mutate(seeds[seed]);
                var watch = Stopwatch.StartNew();
                string outcome;
                try
                {
                    using var reader = new WaveFileReader(new MemoryStream(bytes));
                    var buffer = new byte[4096];
                    var guard = 0;
                    while (reader.Read(buffer, 0, buffer.Length) > 0 && ++guard < 10_000)
                    {
                    }

                    outcome = "read";
                }
                catch (Exception ex)
                {
                    outcome = ex.GetType().Name;
                }

                slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                total++;
            }
        }

        log.WriteLine($"NAudio WaveFileReader over {total} hostile WAV files (slowest {slowest.TotalMilliseconds:0.0} ms): " +
            string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}")));
        Assert.Equal(100_000, total);
        Assert.Equal(total, outcomes.Values.Sum());
    }

    [Fact]
    public void ResamplerSnr_SdkBesideNAudioWdl()
    {
        const int from = 44100, to = 16000;
        var input = TestAudio.Sine(1000, from, 2);
        var ours = AudioResampler.Resample(input, from, to);
        var wdl = new WdlResamplingSampleProvider(new FloatArrayProvider(input, from), to);
        var theirs = new float[ours.Length + 4096];
        var read = 0;
        int n;
        while ((n = Interop.WaveIoTest.Read(wdl, theirs, read, Math.Min(4096, theirs.Length - read))) > 0)
        {
            read += n;
        }

        // Each output against the 1 kHz sine that fits it best (any delay or gain forgiven): what is left is noise and distortion.
        var ourSnr = SineFit.Snr(ours.AsSpan(400, ours.Length - 800), to, 1000);
        var theirSnr = SineFit.Snr(theirs.AsSpan(800, read - 1600), to, 1000);
        log.WriteLine($"1 kHz 44100->16000 SNR (best-fit sine): SDK {ourSnr:0.0} dB, NAudio WDL {theirSnr:0.0} dB");
        Assert.True(ourSnr > theirSnr, $"SDK {ourSnr:0.0} dB, NAudio {theirSnr:0.0} dB");
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

        public int Read(float[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    }
}
