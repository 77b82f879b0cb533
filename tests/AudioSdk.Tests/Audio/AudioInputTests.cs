using AudioSdk.Audio;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.Audio;

public sealed class AudioInputTests : ServerTest
{
    public static TheoryData<byte[], string, string> Headers => new()
    {
        { TestAudio.SineWav(0.01), "wav", "audio/wav" },
        { [.. "ID3"u8, 4, 0, 0, 0, 0, 0, 0], "mp3", "audio/mpeg" },
        { [0xFF, 0xFB, 0x90, 0x64], "mp3", "audio/mpeg" },
        { [0xFF, 0xF3, 0x90, 0x64], "mp3", "audio/mpeg" },
        { [.. "fLaC"u8, 0, 0, 0, 34], "flac", "audio/flac" },
        { [.. "OggS"u8, 0, 2, 0, 0], "ogg", "audio/ogg" },
        { [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81], "webm", "audio/webm" },
        { [0, 0, 0, 0x20, .. "ftypM4A "u8, 0, 0, 0, 0], "m4a", "audio/mp4" },
        { [0, 0, 0, 0x20, .. "ftypisom"u8, 0, 0, 0, 0], "mp4", "audio/mp4" },
        { [0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC], "aac", "audio/aac" },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public void Sniffer_RecognisesEachContainer(byte[] header, string extension, string contentType)
    {
        var format = AudioFormatSniffer.Detect(header);
        Assert.Equal(new SniffedFormat(extension, contentType), format);
    }

    [Fact]
    public void Sniffer_ReturnsNullForUnknownBytes()
    {
        Assert.Null(AudioFormatSniffer.Detect("hello world"u8));
        Assert.Null(AudioFormatSniffer.Detect([]));
    }

    [Theory]
    [MemberData(nameof(Headers))]
    public async Task NamelessInput_GetsNameAndTypeFromItsBytes(byte[] header, string extension, string contentType)
    {
        var bytes = header.Concat(new byte[4096]).ToArray();
        await Client.TranscribeToTextAsync(AudioInput.FromStream(new NonSeekable(bytes)), new TranscriptionOptions { Model = "whisper-1" });

        var audio = Server.Requests[0].Audio!;
        Assert.Equal("audio." + extension, audio.FileName);
        Assert.Equal(contentType, audio.ContentType);
        Assert.Equal(bytes.Length, audio.Length);
        Assert.Equal(bytes, audio.Bytes);
    }

    [Fact]
    public async Task FromFile_TakesNameAndTypeFromTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".flac");
        var bytes = TestAudio.SineWav(1);
        await File.WriteAllBytesAsync(path, bytes);
        try
        {
            var input = AudioInput.FromFile(path);
            Assert.True(input.IsReplayable);
            await Client.TranscribeToTextAsync(input, new TranscriptionOptions { Model = "whisper-1" });
            await Client.TranscribeToTextAsync(input, new TranscriptionOptions { Model = "whisper-1" });

            Assert.All(Server.Requests, r =>
            {
                Assert.Equal(Path.GetFileName(path), r.Audio!.FileName);
                Assert.Equal("audio/flac", r.Audio.ContentType);
                Assert.Equal(bytes, r.Audio.Bytes);
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ExplicitNameAndType_Win()
    {
        await Client.TranscribeToTextAsync(AudioInput.FromBytes(TestAudio.SineWav(0.5), "x.bin", "audio/x-custom"), new TranscriptionOptions { Model = "whisper-1" });
        Assert.Equal("x.bin", Server.Requests[0].Audio!.FileName);
        Assert.Equal("audio/x-custom", Server.Requests[0].Audio!.ContentType);
    }

    [Fact]
    public async Task NonSeekableInput_CanBeSentOnce()
    {
        var input = AudioInput.FromStream(new NonSeekable(TestAudio.SineWav(0.5)), "once.wav");
        Assert.False(input.IsReplayable);
        await Client.TranscribeToTextAsync(input, new TranscriptionOptions { Model = "whisper-1" });
        await Assert.ThrowsAsync<InvalidOperationException>(() => Client.TranscribeToTextAsync(input, new TranscriptionOptions { Model = "whisper-1" }));
        Assert.Single(Server.Requests);
    }

    [Fact]
    public void UnreadableStream_IsRejected()
    {
        var closed = new MemoryStream();
        closed.Dispose();
        Assert.Throws<ArgumentException>(() => AudioInput.FromStream(closed));
        Assert.Throws<ArgumentException>(() => AudioInput.FromFile(" "));
    }

    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
