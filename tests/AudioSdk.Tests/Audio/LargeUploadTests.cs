using System.Diagnostics;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using Xunit.Abstractions;

namespace AudioSdk.Tests.Audio;

/// <summary>Runs alone, so the process-wide heap figures are this test's own.</summary>
[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement;

/// <summary>A 1 GiB generated WAV uploads over a real socket while managed memory stays flat.</summary>
[Collection(nameof(MemoryMeasurement))]
public sealed class LargeUploadTests(ITestOutputHelper output) : ServerTest
{
    private const long OneGiB = 1L << 30;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OneGigabyteStream_Uploads_WithFlatManagedMemory(bool seekable)
    {
        Server.Options.MaxCapturedFileBytes = 0;
        var heap = new HeapSampler();
        var watch = Stopwatch.StartNew();
        using var source = new GeneratedWavStream(OneGiB, seekable);
        var transcript = await Client.TranscribeAsync(AudioInput.FromStream(source, "big.wav"), new TranscriptionOptions { Model = "whisper-1" });
        watch.Stop();
        await heap.DisposeAsync();

        var audio = Server.Requests[0].Audio!;
        Assert.Equal(OneGiB, audio.Length);
        Assert.Equal(Math.Ceiling((OneGiB - 44) / 32000.0), transcript.Usage!.Duration!.Value.TotalSeconds);
        output.WriteLine($"seekable={seekable}: 1 GiB in {watch.Elapsed.TotalSeconds:0.0} s; {heap}");
        Assert.True(heap.Growth < 64L * 1024 * 1024, $"managed heap grew by {heap.Growth / 1048576.0:0.0} MiB during a 1 GiB upload");
    }
}
