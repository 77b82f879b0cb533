using AudioSdk.LongForm;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.LongForm;

public sealed class LongFormOptionsTests : ServerTest
{
    private static readonly TranscriptionOptions Verbose = new() { Model = "whisper-1", ResponseFormat = TranscriptionFormat.VerboseJson };

    private Task<Transcription> Run(LongFormOptions options) => Client.TranscribeLongAsync(AudioInput.FromBytes(TestAudio.SineWav(0.5), "a.wav"), Verbose, options);

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new LongFormOptions();

        Assert.Equal(24_000_000, options.MaxChunkBytes);
        Assert.Equal(TimeSpan.FromMinutes(10), options.MaxChunkDuration);
        Assert.Equal(TimeSpan.FromSeconds(15), options.BoundarySearchWindow);
        Assert.Equal(3, options.MaxParallelism);
        Assert.Null(options.Progress);
        Assert.Null(options.FfmpegPath);
    }

    [Fact]
    public async Task TheSmallestAllowedValues_AreAccepted()
    {
        var t = await Run(new LongFormOptions { MaxChunkBytes = 64 * 1024, MaxChunkDuration = TimeSpan.FromSeconds(1), BoundarySearchWindow = TimeSpan.Zero, MaxParallelism = 1 });

        Assert.Single(Server.Requests);
        Assert.Equal(TimeSpan.FromSeconds(0.5), t.Duration);
    }

    [Fact]
    public async Task AWindowJustShorterThanTheDuration_IsAccepted()
    {
        var t = await Run(new LongFormOptions { MaxChunkDuration = TimeSpan.FromSeconds(1), BoundarySearchWindow = TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1) });

        Assert.Equal(TimeSpan.FromSeconds(0.5), t.Duration);
        Assert.NotEmpty(Server.Requests);
    }

    public static TheoryData<string, LongFormOptions> Invalid => new()
    {
        { "MaxChunkBytes must be at least 64 KiB (was 65535).", new LongFormOptions { MaxChunkBytes = (64 * 1024) - 1 } },
        { "MaxChunkDuration must be at least one second (was 00:00:00.9999999).", new LongFormOptions { MaxChunkDuration = TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1), BoundarySearchWindow = TimeSpan.Zero } },
        { "BoundarySearchWindow must be at least zero and shorter than MaxChunkDuration (was -00:00:00.0000001).", new LongFormOptions { BoundarySearchWindow = TimeSpan.FromTicks(-1) } },
        { "BoundarySearchWindow must be at least zero and shorter than MaxChunkDuration (was 00:00:05).", new LongFormOptions { MaxChunkDuration = TimeSpan.FromSeconds(5), BoundarySearchWindow = TimeSpan.FromSeconds(5) } },
        { "MaxParallelism must be at least 1 (was 0).", new LongFormOptions { MaxParallelism = 0 } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task EachLimit_IsCheckedAtItsBoundary_AndNamedWithTheValueGiven(string problem, LongFormOptions options)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Run(options));

        Assert.Equal("longForm", ex.ParamName);
        Assert.StartsWith("Invalid LongFormOptions: " + problem, ex.Message);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task EveryProblem_IsReportedAtOnce_InOneSentenceEach()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Run(new LongFormOptions { MaxChunkBytes = 0, MaxChunkDuration = TimeSpan.Zero, BoundarySearchWindow = TimeSpan.FromSeconds(-1), MaxParallelism = -1 }));

        Assert.StartsWith(
            "Invalid LongFormOptions: MaxChunkBytes must be at least 64 KiB (was 0). MaxChunkDuration must be at least one second (was 00:00:00). " +
            "BoundarySearchWindow must be at least zero and shorter than MaxChunkDuration (was -00:00:01). MaxParallelism must be at least 1 (was -1).",
            ex.Message);
    }

    [Fact]
    public void ChunkException_NeedsItsChunkAndTheCompletedList_AndDescribesTheChunk()
    {
        var chunk = new LongFormChunk(4, TimeSpan.FromSeconds(3725.5), TimeSpan.FromSeconds(4325.25));
        var inner = new TimeoutException("The service did not answer.");

        var ex = new LongFormChunkException(chunk, 12, [], inner);

        Assert.Equal("Chunk 5 of 12 (01:02:05.500 to 01:12:05.250) failed: The service did not answer.", ex.Message);
        Assert.Same(inner, ex.InnerException);
        Assert.Same(chunk, ex.FailedChunk);
        Assert.Equal(12, ex.ChunkCount);
        Assert.Empty(ex.CompletedChunks);
        Assert.Equal("failedChunk", Assert.Throws<ArgumentNullException>(() => new LongFormChunkException(null!, 1, [], inner)).ParamName);
        Assert.Equal("completedChunks", Assert.Throws<ArgumentNullException>(() => new LongFormChunkException(chunk, 1, null!, inner)).ParamName);
    }
}
