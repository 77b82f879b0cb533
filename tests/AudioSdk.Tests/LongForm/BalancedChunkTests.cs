using AudioSdk.LongForm;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.LongForm;

public sealed class BalancedChunkTests : ServerTest
{
    private static readonly TranscriptionOptions Verbose = new() { Model = "whisper-1", ResponseFormat = TranscriptionFormat.VerboseJson };

    [Theory]
    [InlineData(62, 20, 4)]   // 4 chunks of about 15.5 s, not 20 + 20 + 20 + 2
    [InlineData(60, 20, 4)]   // exactly three limits' worth: one more chunk, so every cut has room to move to silence
    [InlineData(41, 10, 6)]   // ceil(41 / (10 - 2)) = 6 of about 6.8 s
    public async Task Chunks_AreAsFewAsTheLimitAllows_AndOfNearlyEqualLength(int seconds, int limitSeconds, int expectedChunks)
    {
        using var recording = LongRecording.Create(TimeSpan.FromSeconds(seconds), seed: seconds);
        var limit = TimeSpan.FromSeconds(limitSeconds);

        var t = await Client.TranscribeLongAsync(AudioInput.FromFile(recording.Path), Verbose, new LongFormOptions
        {
            MaxChunkDuration = limit,
            BoundarySearchWindow = TimeSpan.FromSeconds(2),
        });

        var durations = Server.Requests.Select(r => r.Audio!.Duration).ToList();
        Assert.Equal(expectedChunks, durations.Count);
        Assert.All(durations, d => Assert.True(d <= limit, $"a chunk of {d} exceeds the limit {limit}"));
        var share = seconds / (double)expectedChunks;
        Assert.All(durations, d => Assert.InRange(d.TotalSeconds, share - 4.01, share + 4.01));
        Assert.Equal(recording.Duration, TimeSpan.FromTicks(durations.Sum(d => d.Ticks)));
        Assert.Equal(recording.Duration, t.Duration);
    }

    [Fact]
    public async Task SubtitleChunk_ThatIsNotSubtitles_IsAnInvalidResponseNamingTheChunk()
    {
        using var recording = LongRecording.Create(TimeSpan.FromSeconds(30), seed: 4);
        Server.Enqueue(new ScriptedResponse { Status = 200, ContentType = "text/plain", Body = "Hello, this is plain text and no subtitle." });

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => Client.TranscribeLongToTextAsync(
            AudioInput.FromFile(recording.Path),
            Verbose with { ResponseFormat = TranscriptionFormat.Srt },
            new LongFormOptions { MaxChunkDuration = TimeSpan.FromSeconds(10), BoundarySearchWindow = TimeSpan.FromSeconds(2), MaxParallelism = 1 }));

        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
        Assert.Contains("Chunk 1 of 4", ex.Message);
        Assert.Contains("SubRip", ex.Message);
        Assert.StartsWith("req_", ex.RequestId);
    }

    [Fact]
    public async Task Progress_IsReportedInOrder_ToASynchronousReporter()
    {
        using var recording = LongRecording.Create(TimeSpan.FromSeconds(60), seed: 9);
        var seen = new List<int>();
        var reporter = new OrderedProgress(seen);

        await Client.TranscribeLongAsync(AudioInput.FromFile(recording.Path), Verbose, new LongFormOptions
        {
            MaxChunkDuration = TimeSpan.FromSeconds(6),
            BoundarySearchWindow = TimeSpan.FromSeconds(1),
            MaxParallelism = 6,
            Progress = reporter,
        });

        Assert.Equal(Enumerable.Range(1, Server.Requests.Count), seen);
    }

    private sealed class OrderedProgress(List<int> seen) : IProgress<LongFormProgress>
    {
        public void Report(LongFormProgress value)
        {
            // No lock here on purpose: the client reports one at a time.
            seen.Add(value.ChunksCompleted);
            Thread.Sleep(1);
        }
    }
}
