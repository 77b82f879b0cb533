using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.LongForm;

/// <summary>A long generated recording on disk: speech-like bursts separated by silences, with their true positions.</summary>
public sealed class LongRecording : IDisposable
{
    private LongRecording(string path, IReadOnlyList<TestAudio.Burst> bursts, TimeSpan duration)
    {
        Path = path;
        Bursts = bursts;
        Duration = duration;
    }

    public string Path { get; }

    public IReadOnlyList<TestAudio.Burst> Bursts { get; }

    public TimeSpan Duration { get; }

    /// <summary>Writes a 16-bit mono WAV of the given length, generated one minute at a time (never held whole).</summary>
    public static LongRecording Create(TimeSpan duration, int sampleRate = 16000, int seed = 11)
    {
        var random = new Random(seed);
        var bursts = new List<TestAudio.Burst>();
        var at = 0.4;
        while (true)
        {
            var length = Math.Round(0.6 + (random.NextDouble() * 3.4), 2);
            if (at + length + 0.3 > duration.TotalSeconds)
            {
                break;
            }

            bursts.Add(new TestAudio.Burst(Math.Round(at, 2), length, 150 + random.Next(0, 8) * 50));
            at += length + Math.Round(0.7 + (random.NextDouble() * 1.8), 2);
        }

        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "audiosdk-long-" + Guid.NewGuid().ToString("N") + ".wav");
        var totalSamples = (long)Math.Round(duration.TotalSeconds * sampleRate);
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        {
            var header = new byte[44];
            TestAudio.WriteHeader(header, sampleRate, totalSamples * 2);
            file.Write(header);
            const int block = 60;
            var next = 0;
            for (long start = 0; start < totalSamples; start += block * sampleRate)
            {
                var count = (int)Math.Min(block * sampleRate, totalSamples - start);
                var t0 = (double)start / sampleRate;
                while (next < bursts.Count && bursts[next].Start + bursts[next].Duration < t0)
                {
                    next++;
                }

                var local = bursts.Skip(next).TakeWhile(b => b.Start < t0 + block).Select(b => b with { Start = b.Start - t0 });
                var samples = TestAudio.Bursts(sampleRate, (double)count / sampleRate, local);
                var bytes = new byte[count * 2];
                for (var i = 0; i < count; i++)
                {
                    var v = (short)Math.Clamp(Math.Round(samples[i] * 32767), short.MinValue, short.MaxValue);
                    bytes[2 * i] = (byte)v;
                    bytes[(2 * i) + 1] = (byte)(v >> 8);
                }

                file.Write(bytes);
            }
        }

        return new LongRecording(path, bursts, TimeSpan.FromTicks(totalSamples * TimeSpan.TicksPerSecond / sampleRate));
    }

    public void Dispose() => File.Delete(Path);
}
