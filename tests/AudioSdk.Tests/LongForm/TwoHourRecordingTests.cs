using System.Diagnostics;
using AudioSdk.LongForm;
using AudioSdk.Tests.Audio;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using Xunit.Abstractions;

namespace AudioSdk.Tests.LongForm;

/// <summary>A two-hour synthetic WAV, split with the default limits and transcribed against the in-process server.</summary>
[Collection(nameof(MemoryMeasurement))]
public sealed class TwoHourRecordingTests(ITestOutputHelper output) : ServerTest
{
    [Fact]
    public async Task TwoHours_DefaultLimits_EveryStitchedTimestampMatchesItsBurst()
    {
        using var recording = LongRecording.Create(TimeSpan.FromHours(2));
        Server.Options.MaxCapturedFileBytes = 0;
        var heap = new HeapSampler();
        var watch = Stopwatch.StartNew();

        var t = await Client.TranscribeLongAsync(AudioInput.FromFile(recording.Path), new TranscriptionOptions { Model = "whisper-1", ResponseFormat = TranscriptionFormat.VerboseJson });

        watch.Stop();
        await heap.DisposeAsync();
        Assert.InRange(Server.Requests.Count, 12, 13);
        Assert.All(Server.Requests, r => Assert.True(r.Audio!.Duration <= TimeSpan.FromMinutes(10) && r.Audio.Length <= 24_000_000));
        Assert.Equal(TimeSpan.FromHours(2), t.Duration);
        Assert.Equal(recording.Bursts.Count, t.Segments.Count);
        for (var i = 0; i < recording.Bursts.Count; i++)
        {
            var b = recording.Bursts[i];
            Assert.True(Math.Abs(b.Start - t.Segments[i].Start.TotalSeconds) <= 0.025 && Math.Abs(b.Start + b.Duration - t.Segments[i].End.TotalSeconds) <= 0.025, $"burst {i} at {b.Start:0.000}-{b.Start + b.Duration:0.000} came back as {t.Segments[i].Start.TotalSeconds:0.000}-{t.Segments[i].End.TotalSeconds:0.000}");
            Assert.Equal(i, t.Segments[i].Id);
            var hz = double.Parse(t.Segments[i].Text.Trim().Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(hz - b.Frequency) <= b.Frequency * 0.05, $"burst {i}: {b.Frequency} Hz heard as {hz} Hz");
        }

        output.WriteLine($"2 h WAV ({new FileInfo(recording.Path).Length / 1048576.0:0} MiB, {recording.Bursts.Count} bursts) in {Server.Requests.Count} chunks, {watch.Elapsed.TotalSeconds:0.0} s; {heap}");
        Assert.True(heap.Growth < 128L * 1024 * 1024, $"managed heap grew by {heap.Growth / 1048576.0:0} MiB");
    }
}
