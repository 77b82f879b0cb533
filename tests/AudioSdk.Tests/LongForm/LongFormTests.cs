using System.Diagnostics;
using AudioSdk.Audio;
using AudioSdk.LongForm;
using AudioSdk.Subtitles;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;

namespace AudioSdk.Tests.LongForm;

public sealed class LongFormTests : ServerTest
{
    private static readonly TranscriptionOptions Verbose = new() { Model = "whisper-1", ResponseFormat = TranscriptionFormat.VerboseJson, TimestampGranularities = TimestampGranularities.Segment | TimestampGranularities.Word };

    private static void AssertMatches(IReadOnlyList<TestAudio.Burst> expected, IReadOnlyList<TranscriptionSegment> segments)
    {
        if (expected.Count != segments.Count)
        {
            Assert.Fail("bursts: " + string.Join(", ", expected.Select(b => $"{b.Start:0.00}-{b.Start + b.Duration:0.00}")) + "\nsegments: " + string.Join(", ", segments.Select(s => $"{s.Start.TotalSeconds:0.00}-{s.End.TotalSeconds:0.00}")));
        }

        Assert.Equal(expected.Count, segments.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(i, segments[i].Id);
            Assert.True(Math.Abs(expected[i].Start - segments[i].Start.TotalSeconds) <= 0.025, $"segment {i} starts at {segments[i].Start.TotalSeconds:0.000}, burst at {expected[i].Start:0.000}");
            Assert.True(Math.Abs(expected[i].Start + expected[i].Duration - segments[i].End.TotalSeconds) <= 0.025, $"segment {i} ends at {segments[i].End.TotalSeconds:0.000}, burst at {expected[i].Start + expected[i].Duration:0.000}");
        }
    }

    [Fact]
    public async Task TenMinutes_InOneMinuteChunks_StitchesEveryTimestampWhereItWasGenerated()
    {
        using var recording = LongRecording.Create(TimeSpan.FromMinutes(10));
        var progress = new List<LongFormProgress>();

        var t = await Client.TranscribeLongAsync(AudioInput.FromFile(recording.Path), Verbose, new LongFormOptions
        {
            MaxChunkDuration = TimeSpan.FromMinutes(1),
            BoundarySearchWindow = TimeSpan.FromSeconds(10),
            Progress = new SyncProgress<LongFormProgress>(progress.Add),
        });

        Assert.InRange(Server.Requests.Count, 10, 12);
        Assert.All(Server.Requests, r => Assert.True(r.Audio!.Duration <= TimeSpan.FromMinutes(1)));
        AssertMatches(recording.Bursts, t.Segments);
        Assert.Equal(recording.Duration, t.Duration);
        Assert.Equal(string.Join(" ", t.Segments.Select(s => s.Text.Trim())), t.Text);
        Assert.Equal(t.Segments.Sum(s => s.Text.Trim().Split(' ').Length), t.Words.Count);
        Assert.True(t.Words.Zip(t.Words.Skip(1)).All(p => p.First.Start <= p.Second.Start));
        Assert.Equal(Server.Requests.Count, progress.Count);
        Assert.Equal(progress.Count, progress[^1].ChunksCompleted);
        Assert.Equal(recording.Duration, progress[^1].AudioCompleted);
        Assert.Equal(recording.Duration, progress[^1].AudioTotal);
        Assert.Equal("duration", t.Usage!.Type);

        var cues = AudioSdk.Subtitles.SubtitleFile.ParseSrt(t.ToSrt());
        Assert.Equal(t.Segments.Count, cues.Count);
        Assert.True(Math.Abs((t.Segments[^1].End - cues[^1].End).TotalMilliseconds) <= 1);
        Assert.Equal(cues.Count, AudioSdk.Subtitles.SubtitleFile.ParseVtt(t.ToVtt()).Count);
    }

    [Fact]
    public async Task ChunkBoundaries_FallInSilence_SoNoBurstIsCut()
    {
        using var recording = LongRecording.Create(TimeSpan.FromMinutes(3), seed: 5);

        await Client.TranscribeLongAsync(AudioInput.FromFile(recording.Path), Verbose, new LongFormOptions { MaxChunkDuration = TimeSpan.FromSeconds(30), BoundarySearchWindow = TimeSpan.FromSeconds(8) });

        var found = Server.Requests.Sum(r => r.Audio!.Bursts.Count);
        Assert.Equal(recording.Bursts.Count, found);
        // Balanced: ceil(180 s / (30 s - 8 s)) = 9 chunks aimed at 20 s, each cut moved at most one window to silence.
        Assert.Equal(9, Server.Requests.Count);
        Assert.All(Server.Requests, r => Assert.InRange(r.Audio!.Duration.TotalSeconds, 20 - 16, 30));
    }

    [Theory]
    [InlineData("srt")]
    [InlineData("vtt")]
    [InlineData("text")]
    public async Task TextFormats_AreParsedShiftedAndRenumbered(string format)
    {
        using var recording = LongRecording.Create(TimeSpan.FromMinutes(3), seed: 9);

        var result = await Client.TranscribeLongToTextAsync(AudioInput.FromFile(recording.Path), new TranscriptionOptions { Model = "whisper-1", ResponseFormat = format }, new LongFormOptions { MaxChunkDuration = TimeSpan.FromSeconds(40), BoundarySearchWindow = TimeSpan.FromSeconds(10) });

        Assert.All(Server.Requests, r => Assert.Equal(format, r.GetField("response_format")));
        if (format == "text")
        {
            Assert.Equal(recording.Bursts.Count, result.Text.Split("Sound of").Length - 1);
            return;
        }

        var cues = format == "srt" ? SubtitleFile.ParseSrt(result.Text) : SubtitleFile.ParseVtt(result.Text);
        Assert.Equal(recording.Bursts.Count, cues.Count);
        for (var i = 0; i < cues.Count; i++)
        {
            Assert.Equal(recording.Bursts[i].Start, cues[i].Start.TotalSeconds, 0.025);
        }

        if (format == "srt")
        {
            Assert.Contains($"\n{cues.Count}\n", "\n" + result.Text);
        }
    }

    [Fact]
    public async Task Translation_IsStitchedToo()
    {
        using var recording = LongRecording.Create(TimeSpan.FromMinutes(2), seed: 4);
        var t = await Client.TranslateLongAsync(AudioInput.FromFile(recording.Path), new TranslationOptions { Model = "whisper-1" }, new LongFormOptions { MaxChunkDuration = TimeSpan.FromSeconds(30), BoundarySearchWindow = TimeSpan.FromSeconds(8) });

        Assert.All(Server.Requests, r => Assert.Equal("/v1/audio/translations", r.Path));
        AssertMatches(recording.Bursts, t.Segments);
        Assert.Equal("english", t.Language);
    }

    [Fact]
    public async Task AFailedChunk_IsNamed_AndTheOthersAreKept()
    {
        using var recording = LongRecording.Create(TimeSpan.FromMinutes(2), seed: 2);
        var first = await Client.TranscribeLongAsync(AudioInput.FromFile(recording.Path), Verbose, new LongFormOptions { MaxChunkDuration = TimeSpan.FromSeconds(30), BoundarySearchWindow = TimeSpan.FromSeconds(8), MaxParallelism = 1 });
        var ok = Server.Requests.Count;
        Assert.True(ok >= 4);

        var before = Server.Requests.Count;
        Server.Enqueue(new ScriptedResponse { PathSuffix = "/audio/transcriptions" });
        Server.Enqueue(ScriptedResponse.Error(400, AudioErrorCodes.InvalidFile, "Chunk rejected."));
        var ex = await Assert.ThrowsAsync<LongFormChunkException>(() =>
            Client.TranscribeLongAsync(AudioInput.FromFile(recording.Path), Verbose, new LongFormOptions { MaxChunkDuration = TimeSpan.FromSeconds(30), BoundarySearchWindow = TimeSpan.FromSeconds(8), MaxParallelism = 1 }));

        Assert.Equal(1, ex.FailedChunk.Index);
        Assert.Equal(ok, ex.ChunkCount);
        Assert.Equal(first.Segments.First(s => s.Start >= ex.FailedChunk.Start).Start.TotalSeconds, ex.FailedChunk.Start.TotalSeconds, 5.0);
        Assert.Contains("Chunk 2 of", ex.Message);
        Assert.Equal(AudioErrorCodes.InvalidFile, Assert.IsType<AudioServiceException>(ex.InnerException).Code);
        var done = Assert.Single(ex.CompletedChunks);
        Assert.Equal(0, done.Index);
        Assert.StartsWith("Sound of", done.Text);
        Assert.Equal(done.Text, ex.PartialTranscription!.Text);
        Assert.Equal(before + 2, Server.Requests.Count);
    }

    [Fact]
    public async Task NonSeekableStream_IsSpooled_AndSplit()
    {
        using var recording = LongRecording.Create(TimeSpan.FromMinutes(1), seed: 8);
        await using var file = File.OpenRead(recording.Path);
        using var once = new ForwardOnlyStream(file);

        var t = await Client.TranscribeLongAsync(AudioInput.FromStream(once, "meeting.wav"), Verbose, new LongFormOptions { MaxChunkDuration = TimeSpan.FromSeconds(20), BoundarySearchWindow = TimeSpan.FromSeconds(5) });

        AssertMatches(recording.Bursts, t.Segments);
        Assert.StartsWith("meeting.part", Server.Requests[0].Audio!.FileName);
    }

    [Fact]
    public async Task Mp3_IsCutAtFrameBoundaries()
    {
        var frames = 30 * 60 * 44100 / 1152;
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".mp3");
        var frame = new byte[417];
        frame[0] = 0xFF;
        frame[1] = 0xFB;
        frame[2] = 0x90;
        frame[3] = 0x64;
        await using (var file = File.Create(path))
        {
            for (var i = 0; i < frames; i++)
            {
                file.Write(frame);
            }
        }

        try
        {
            var t = await Client.TranscribeLongAsync(AudioInput.FromFile(path), Verbose, new LongFormOptions { MaxChunkDuration = TimeSpan.FromMinutes(10), MaxChunkBytes = 8_000_000 });

            var frameSeconds = 1152 / 44100.0;
            Assert.True(Server.Requests.Count >= 4);
            Assert.Equal(frames * 417L, Server.Requests.Sum(r => r.Audio!.Length));
            Assert.All(Server.Requests, r =>
            {
                Assert.Equal(0, r.Audio!.Length % 417);
                Assert.True(r.Audio.Length <= 8_000_000);
                Assert.Equal("mp3", r.Audio.Format);
            });
            Assert.Equal(frames * frameSeconds, t.Duration!.Value.TotalSeconds, 3);
            var starts = t.Segments.Where(s => s.Id > 0 && s.Text.Contains("Segment 1 ")).Select(s => s.Start.TotalSeconds).ToList();
            Assert.All(starts, s => Assert.Equal(0, Math.Round(s / frameSeconds) - (s / frameSeconds), 4));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task OtherFormats_WithoutFfmpeg_GiveAClearError()
    {
        var ogg = new byte[200_000];
        "OggS"u8.CopyTo(ogg);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Client.TranscribeLongAsync(AudioInput.FromBytes(ogg, "talk.ogg"), Verbose, new LongFormOptions { MaxChunkBytes = 100_000, FfmpegPath = "/nonexistent/ffmpeg" }));

        Assert.Contains("ffmpeg", ex.Message);
        Assert.Contains("WAV and MP3", ex.Message);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task SmallFilesOfOtherFormats_AreSentWhole()
    {
        var ogg = new byte[50_000];
        "OggS"u8.CopyTo(ogg);
        var t = await Client.TranscribeLongAsync(AudioInput.FromBytes(ogg, "talk.ogg"), Verbose);
        Assert.Equal(ogg, Server.Requests.Single().Audio!.Bytes);
        Assert.Equal("talk.ogg", Server.Requests[0].Audio!.FileName);
        Assert.Equal(TimeSpan.FromSeconds(50_000 / 16000.0), t.Duration);
    }

    [Fact]
    public async Task OtherFormats_WithFfmpeg_AreConvertedThenSplit()
    {
        var ffmpeg = Ffmpeg.TryFind();
        using var recording = LongRecording.Create(TimeSpan.FromSeconds(90), seed: 6);
        // A FLAC-looking file larger than the chunk limit needs ffmpeg; where it is missing the error says what to install.
        var flacBytes = new byte[200 * 1024];
        "fLaC"u8.CopyTo(flacBytes);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Client.TranscribeLongAsync(AudioInput.FromBytes(flacBytes, "big.flac"), Verbose, new LongFormOptions { MaxChunkBytes = 64 * 1024, FfmpegPath = "/missing/ffmpeg" }));
        Assert.Contains("ffmpeg", ex.Message);
        Assert.Empty(Server.Requests);
        if (ffmpeg is null)
        {
            return;
        }

        var flac = Path.ChangeExtension(recording.Path, ".flac");
        await ffmpeg.ConvertToMp3Async(recording.Path, Path.ChangeExtension(recording.Path, ".mp3"));
        await RunFfmpegAsync(ffmpeg, recording.Path, flac);
        try
        {
            var t = await Client.TranscribeLongAsync(AudioInput.FromFile(flac), Verbose, new LongFormOptions { MaxChunkBytes = 1_000_000, MaxChunkDuration = TimeSpan.FromSeconds(30), BoundarySearchWindow = TimeSpan.FromSeconds(8) });

            Assert.All(Server.Requests, r => Assert.Equal(16000, r.Audio!.SampleRate));
            AssertMatches(recording.Bursts, t.Segments);
        }
        finally
        {
            File.Delete(flac);
            File.Delete(Path.ChangeExtension(recording.Path, ".mp3"));
        }
    }

    [Fact]
    public async Task Cancellation_StopsTheRun()
    {
        using var recording = LongRecording.Create(TimeSpan.FromMinutes(2), seed: 3);
        using var cts = new CancellationTokenSource();
        Server.Enqueue(new ScriptedResponse { Delay = TimeSpan.FromSeconds(30) });
        var run = Client.TranscribeLongAsync(AudioInput.FromFile(recording.Path), Verbose, new LongFormOptions { MaxChunkDuration = TimeSpan.FromSeconds(30), BoundarySearchWindow = TimeSpan.FromSeconds(5), MaxParallelism = 1 }, cts.Token);
        await Server.WaitForRequestAsync();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task InvalidLongFormOptions_AreRejected()
    {
        var all = await Assert.ThrowsAsync<ArgumentException>(() => Client.TranscribeLongAsync(AudioInput.FromBytes(new byte[10]), Verbose, new LongFormOptions { MaxParallelism = 0, MaxChunkBytes = 10, MaxChunkDuration = TimeSpan.FromSeconds(10), BoundarySearchWindow = TimeSpan.FromSeconds(20) }));
        Assert.Equal("longForm", all.ParamName);
        Assert.Contains("MaxParallelism", all.Message);
        Assert.Contains("MaxChunkBytes", all.Message);
        Assert.Contains("BoundarySearchWindow", all.Message);
        Assert.DoesNotContain("MaxChunkDuration must", all.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => Client.TranscribeLongAsync(AudioInput.FromBytes(new byte[10]), Verbose with { ResponseFormat = TranscriptionFormat.Srt }));
        var json = await Assert.ThrowsAsync<ArgumentException>(() => Client.TranscribeLongToTextAsync(AudioInput.FromBytes(new byte[10]), Verbose));
        Assert.Equal("options", json.ParamName);
        Assert.Contains("The long-form text methods stitch text, srt and vtt; for 'verbose_json' use the typed long-form method.", json.Message, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    private static async Task RunFfmpegAsync(Ffmpeg ffmpeg, string input, string output)
    {
        using var process = Process.Start(new ProcessStartInfo(ffmpeg.ExecutablePath, ["-hide_banner", "-loglevel", "error", "-y", "-i", input, "-c:a", "flac", output]) { RedirectStandardError = true })!;
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        private readonly object _gate = new();

        public void Report(T value)
        {
            lock (_gate)
            {
                report(value);
            }
        }
    }
}
