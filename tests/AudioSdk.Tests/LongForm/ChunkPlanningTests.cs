using System.Buffers.Binary;
using AudioSdk.Audio;
using AudioSdk.LongForm;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.LongForm;

/// <summary>How a recording is cut, as the service sees it: the uploads' sizes, durations, names and types.</summary>
public sealed class ChunkPlanningTests : ServerTest
{
    private static readonly TranscriptionOptions Verbose = new() { Model = "whisper-1", ResponseFormat = TranscriptionFormat.VerboseJson };

    /// <summary>A 16 kHz mono 16-bit WAV of <paramref name="frames"/> samples of a quiet tone.</summary>
    private static byte[] Wav(int frames)
    {
        var samples = new float[frames];
        for (var i = 0; i < frames; i++)
        {
            samples[i] = (float)(0.25 * Math.Sin(2 * Math.PI * 440 * i / 16000));
        }

        return TestAudio.Wav(samples, 16000);
    }

    [Fact]
    public async Task EmptyAudio_IsRejected_BeforeAnythingIsSent()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Client.TranscribeLongAsync(AudioInput.FromBytes(Array.Empty<byte>(), "empty.wav"), Verbose));

        Assert.Equal("input", ex.ParamName);
        Assert.StartsWith("The audio is empty.", ex.Message);
        Assert.Empty(Server.Requests);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(".wav")]
    public async Task AnUnnamedRecording_ChunksAreNamedAfterAudio(string? fileName)
    {
        await Client.TranscribeLongAsync(AudioInput.FromBytes(Wav(48000), fileName), Verbose, new LongFormOptions { MaxChunkDuration = TimeSpan.FromSeconds(1), BoundarySearchWindow = TimeSpan.Zero, MaxParallelism = 1 });

        Assert.Equal(["audio.part001.wav", "audio.part002.wav", "audio.part003.wav"], Server.Requests.Select(r => r.Audio!.FileName));
    }

    [Fact]
    public async Task ChunksOfExactlyTheByteLimit_AreAllowed_AndAsFewAsPossible()
    {
        // (64 KiB - 44-byte header) / 2 bytes = 32,746 frames fit in one chunk; twice that makes exactly two full chunks.
        var wav = Wav(2 * 32_746);

        await Client.TranscribeLongAsync(AudioInput.FromBytes(wav, "full.wav"), Verbose, new LongFormOptions { MaxChunkBytes = 64 * 1024, BoundarySearchWindow = TimeSpan.Zero, MaxParallelism = 1 });

        Assert.Equal([64 * 1024L, 64 * 1024L], Server.Requests.Select(r => r.Audio!.Length));
    }

    [Fact]
    public async Task OneFrameMoreThanTheByteLimitsAllow_MakesAnotherChunk_NoneOverTheLimit()
    {
        var wav = Wav((2 * 32_746) + 1);

        var t = await Client.TranscribeLongAsync(AudioInput.FromBytes(wav, "over.wav"), Verbose, new LongFormOptions { MaxChunkBytes = 64 * 1024, BoundarySearchWindow = TimeSpan.Zero, MaxParallelism = 1 });

        Assert.Equal(3, Server.Requests.Count);
        Assert.All(Server.Requests, r => Assert.InRange(r.Audio!.Length, 44, 64 * 1024));
        Assert.Equal((2 * 32_746) + 1, Server.Requests.Sum(r => (r.Audio!.Length - 44) / 2));
        Assert.Equal(TimeSpan.FromTicks(((2 * 32_746) + 1) * TimeSpan.TicksPerSecond / 16000), t.Duration);
    }

    [Fact]
    public async Task SearchWindow_LeavesRoomBelowTheLimit_SoTheCutCanMove()
    {
        // 10 s with a 5 s limit and a 1 s window: ceil(10 / (5 - 1)) = 3 chunks, never two of exactly 5 s.
        await Client.TranscribeLongAsync(AudioInput.FromBytes(Wav(160_000), "ten.wav"), Verbose, new LongFormOptions { MaxChunkDuration = TimeSpan.FromSeconds(5), BoundarySearchWindow = TimeSpan.FromSeconds(1), MaxParallelism = 1 });

        Assert.Equal(3, Server.Requests.Count);
        Assert.All(Server.Requests, r => Assert.InRange(r.Audio!.Duration.TotalSeconds, 10 / 3.0 - 1.01, 10 / 3.0 + 1.01));
        Assert.Equal(TimeSpan.FromSeconds(10), TimeSpan.FromTicks(Server.Requests.Sum(r => r.Audio!.Duration.Ticks)));
    }

    [Fact]
    public async Task TheCut_MovesToTheQuietestMomentWithinTheWindow()
    {
        // 4 s of tone with 100 ms of silence at 1.80-1.90 s; a 3 s limit and a 0.5 s window aim the single cut at 2 s.
        var samples = new float[64_000];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = i is >= 28_800 and < 30_400 ? 0 : (float)(0.25 * Math.Sin(2 * Math.PI * 440 * i / 16000));
        }

        await Client.TranscribeLongAsync(AudioInput.FromBytes(TestAudio.Wav(samples, 16000), "gap.wav"), Verbose, new LongFormOptions { MaxChunkDuration = TimeSpan.FromSeconds(3), BoundarySearchWindow = TimeSpan.FromSeconds(0.5), MaxParallelism = 1 });

        Assert.Equal(2, Server.Requests.Count);
        Assert.InRange(Server.Requests[0].Audio!.Duration.TotalSeconds, 1.80, 1.90);
        Assert.Equal(TimeSpan.FromSeconds(4), Server.Requests[0].Audio!.Duration + Server.Requests[1].Audio!.Duration);
    }

    [Fact]
    public async Task AHeaderOnlyWav_IsSentAsOneEmptyChunk()
    {
        var t = await Client.TranscribeLongAsync(AudioInput.FromBytes(Wav(0), "silent.wav"), Verbose);

        var only = Assert.Single(Server.Requests);
        Assert.Equal(44, only.Audio!.Length);
        Assert.Equal(TimeSpan.Zero, t.Duration);
    }

    [Fact]
    public async Task ATruncatedWav_IsSplitByTheDataPresent_NotTheLengthItsHeaderClaims()
    {
        var wav = Wav(48_000);
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(40), 10 * 32_000); // the header claims 10 s; 3 s follow

        var t = await Client.TranscribeLongAsync(AudioInput.FromBytes(wav, "cut.wav"), Verbose, new LongFormOptions { MaxChunkDuration = TimeSpan.FromSeconds(2), BoundarySearchWindow = TimeSpan.Zero, MaxParallelism = 1 });

        Assert.Equal(TimeSpan.FromSeconds(3), t.Duration);
        Assert.Equal(2, Server.Requests.Count);
        Assert.Equal(96_000, Server.Requests.Sum(r => r.Audio!.Length - 44));
    }

    [Fact]
    public async Task BytesAfterTheDataChunk_AreNotSentAsAudio()
    {
        var wav = Wav(48_000);
        var trailer = new byte[26];
        "LIST"u8.CopyTo(trailer);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), 18);
        "INFOISFT"u8.CopyTo(trailer.AsSpan(8));
        var file = wav.Concat(trailer).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(file.Length - 8));

        var t = await Client.TranscribeLongAsync(AudioInput.FromBytes(file, "tagged.wav"), Verbose, new LongFormOptions { MaxChunkDuration = TimeSpan.FromSeconds(2), BoundarySearchWindow = TimeSpan.Zero, MaxParallelism = 1 });

        Assert.Equal(TimeSpan.FromSeconds(3), t.Duration);
        Assert.Equal(96_000, Server.Requests.Sum(r => r.Audio!.Length - 44));
    }

    [Fact]
    public async Task AnUnnamedSmallFileOfAnotherFormat_IsSentWhole_NamedAndTypedFromItsBytes()
    {
        var ogg = new byte[64 * 1024];
        "OggS"u8.CopyTo(ogg);

        await Client.TranscribeLongAsync(AudioInput.FromBytes(ogg), Verbose, new LongFormOptions { MaxChunkBytes = 64 * 1024 });

        var sent = Assert.Single(Server.Requests).Audio!;
        Assert.Equal("audio.ogg", sent.FileName);
        Assert.Equal("audio/ogg", sent.ContentType);
        Assert.Equal(ogg, sent.Bytes);
    }

    [Fact]
    public async Task AnUnnamedSmallFileOfNoKnownFormat_IsSentWhole_AsBinary()
    {
        var bytes = new byte[1000];
        new Random(3).NextBytes(bytes);
        bytes[0] = 0x01;
        Server.Enqueue(new AudioSdk.Testing.ScriptedResponse { Status = 200, Body = "{\"text\":\"?\"}" });

        await Client.TranscribeLongAsync(AudioInput.FromBytes(bytes), Verbose);

        var sent = Assert.Single(Server.Requests).Audio!;
        Assert.Equal("audio.bin", sent.FileName);
        Assert.Equal("application/octet-stream", sent.ContentType);
    }

    [Fact]
    public async Task ASmallFileOfAnotherFormat_KeepsTheCallersNameAndType()
    {
        var ogg = new byte[1000];
        "OggS"u8.CopyTo(ogg);

        await Client.TranscribeLongAsync(AudioInput.FromBytes(ogg, "voice.opus", "audio/opus"), Verbose);

        var sent = Assert.Single(Server.Requests).Audio!;
        Assert.Equal("voice.opus", sent.FileName);
        Assert.Equal("audio/opus", sent.ContentType);
    }

    [Theory]
    [InlineData("OggS", "ogg")]
    [InlineData("\u0001\u0002\u0003\u0004", "unrecognised")]
    public async Task AFileOfAnotherFormat_OneByteOverTheLimit_NeedsFfmpeg_AndTheErrorSaysWhy(string magic, string named)
    {
        var bytes = new byte[(64 * 1024) + 1];
        System.Text.Encoding.ASCII.GetBytes(magic).CopyTo(bytes, 0);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Client.TranscribeLongAsync(AudioInput.FromBytes(bytes, "x.dat"), Verbose, new LongFormOptions { MaxChunkBytes = 64 * 1024, FfmpegPath = "/nonexistent/ffmpeg" }));

        Assert.Contains($"splitting a {named} recording larger than 65536 bytes", ex.Message);
        Assert.Empty(Server.Requests);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(200_000)]
    public async Task AWavWithABrokenHeader_IsAFormatError_WhenFfmpegCannotRescueIt(int size)
    {
        var bytes = new byte[size];
        "RIFF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(size - 8));
        "WAVEfmt "u8.CopyTo(bytes.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(20), 0x7777); // no such codec

        await Assert.ThrowsAsync<WavFormatException>(() => Client.TranscribeLongAsync(AudioInput.FromBytes(bytes, "broken.wav"), Verbose, new LongFormOptions { MaxChunkBytes = 64 * 1024, FfmpegPath = "/nonexistent/ffmpeg" }));

        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Mp3_AnId3v1TagAtTheEnd_IsNotSentAsAudio()
    {
        const int frames = 200;
        var frame = new byte[417];
        frame[0] = 0xFF;
        frame[1] = 0xFB;
        frame[2] = 0x90;
        frame[3] = 0x64;
        var tag = new byte[128];
        "TAGTitle"u8.CopyTo(tag);
        var mp3 = Enumerable.Repeat(frame, frames).SelectMany(f => f).Concat(tag).ToArray();

        var t = await Client.TranscribeLongAsync(AudioInput.FromBytes(mp3, "song.mp3"), Verbose, new LongFormOptions { MaxChunkDuration = TimeSpan.FromSeconds(2), BoundarySearchWindow = TimeSpan.Zero, MaxParallelism = 1 });

        var frameSeconds = 1152 / 44100.0;
        Assert.Equal(frames * 417L, Server.Requests.Sum(r => r.Audio!.Length));
        Assert.Equal(["song.part001.mp3", "song.part002.mp3", "song.part003.mp3"], Server.Requests.Select(r => r.Audio!.FileName));
        Assert.All(Server.Requests, r => Assert.Equal("audio/mpeg", r.Audio!.ContentType));
        Assert.All(Server.Requests, r => Assert.Equal(0, r.Audio!.Length % 417));
        Assert.All(Server.Requests, r => Assert.True(r.Audio!.Length / 417 * frameSeconds <= 2.0));
        Assert.Equal(frames * frameSeconds, t.Duration!.Value.TotalSeconds, 3);
    }

    [Fact]
    public async Task Mp3_Chunks_AreOfNearlyEqualLength_AndStartAtTheirFrames()
    {
        const int frames = 100;
        var frame = new byte[417];
        frame[0] = 0xFF;
        frame[1] = 0xFB;
        frame[2] = 0x90;
        frame[3] = 0x64;
        var mp3 = Enumerable.Repeat(frame, frames).SelectMany(f => f).ToArray();
        var progress = new List<LongFormProgress>();

        await Client.TranscribeLongAsync(AudioInput.FromBytes(mp3, "short.mp3"), Verbose, new LongFormOptions { MaxChunkBytes = 64 * 1024, MaxChunkDuration = TimeSpan.FromSeconds(1), BoundarySearchWindow = TimeSpan.Zero, MaxParallelism = 1, Progress = new Sync(progress) });

        // 100 frames of 26.1 ms with at most 38 a chunk: three chunks of 34, 33 and 33 frames.
        Assert.Equal([34 * 417L, 33 * 417L, 33 * 417L], Server.Requests.Select(r => r.Audio!.Length));
        var frameTicks = 1152.0 * TimeSpan.TicksPerSecond / 44100;
        Assert.Equal([TimeSpan.FromTicks((long)Math.Round(34 * frameTicks)), TimeSpan.FromTicks((long)Math.Round(67 * frameTicks)), TimeSpan.FromTicks((long)Math.Round(100 * frameTicks))], progress.Select(p => p.AudioCompleted));
    }

    [Fact]
    public async Task Mp3_TheByteLimit_AlsoBindsAndNoChunkExceedsIt()
    {
        const int frames = 400;
        var frame = new byte[417];
        frame[0] = 0xFF;
        frame[1] = 0xFB;
        frame[2] = 0x90;
        frame[3] = 0x64;
        var mp3 = Enumerable.Repeat(frame, frames).SelectMany(f => f).ToArray();

        await Client.TranscribeLongAsync(AudioInput.FromBytes(mp3, "big.mp3"), Verbose, new LongFormOptions { MaxChunkBytes = 64 * 1024, MaxParallelism = 1 });

        // 166,800 bytes under a 65,536-byte limit: three chunks (157 frames fit in one), as equal as frames allow.
        Assert.Equal([134 * 417L, 133 * 417L, 133 * 417L], Server.Requests.Select(r => r.Audio!.Length));
    }

    private sealed class Sync(List<LongFormProgress> seen) : IProgress<LongFormProgress>
    {
        public void Report(LongFormProgress value)
        {
            lock (seen)
            {
                seen.Add(value);
            }
        }
    }
}
