using AudioSdk.Audio;

namespace AudioSdk.Tests.Audio;

public sealed class Mp3FrameScannerTests
{
    /// <summary>A structurally valid MPEG-1 Layer III frame at 128 kbit/s, 44.1 kHz (417 bytes, 418 when padded), silent payload.</summary>
    private static byte[] Frame(bool padded = false)
    {
        var frame = new byte[padded ? 418 : 417];
        frame[0] = 0xFF;
        frame[1] = 0xFB;
        frame[2] = (byte)(0x90 | (padded ? 0x02 : 0));
        frame[3] = 0x64;
        return frame;
    }

    private static byte[] Mp3(int frames, bool id3 = false, bool xing = false, bool id3v1 = false, bool junk = false)
    {
        var bytes = new List<byte>();
        if (id3)
        {
            bytes.AddRange([.. "ID3"u8, 4, 0, 0, 0, 0, 1, 0]);
            bytes.AddRange(new byte[128]);
        }

        if (xing)
        {
            var header = Frame();
            "Xing"u8.CopyTo(header.AsSpan(36));
            bytes.AddRange(header);
        }

        for (var i = 0; i < frames; i++)
        {
            bytes.AddRange(Frame(padded: i % 3 == 0));
            if (junk && i == frames / 2)
            {
                bytes.AddRange([0xFF, 0xFB, 0x00, 0x12, 0x34]);
            }
        }

        if (id3v1)
        {
            bytes.AddRange([.. "TAG"u8, .. new byte[125]]);
        }

        return [.. bytes];
    }

    [Theory]
    [InlineData(false, false, false, false)]
    [InlineData(true, true, true, true)]
    public async Task Duration_CountsAudioFramesOnly(bool id3, bool xing, bool id3v1, bool junk)
    {
        var bytes = Mp3(1000, id3, xing, id3v1, junk);

        var info = await Mp3FrameScanner.ScanAsync(new MemoryStream(bytes), collectFrameOffsets: true);

        Assert.Equal(1000, info.FrameCount);
        Assert.Equal(44100, info.SampleRate);
        Assert.Equal(1000 * 1152 / 44100.0, info.Duration.TotalSeconds, 6);
        Assert.Equal(1000, info.FrameOffsets.Count);
        Assert.All(info.FrameOffsets, o => Assert.Equal(0xFF, bytes[o]));
        Assert.Equal(id3 ? 138 + (xing ? 417 : 0) : xing ? 417 : 0, info.FrameOffsets[0]);
    }

    [Fact]
    public async Task NotMp3_IsAClearError()
    {
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Mp3FrameScanner.ScanAsync(new MemoryStream(new byte[5000])));
        Assert.Contains("Layer III", ex.Message);
    }

    [Fact]
    public void Sniffer_IsPublic_AndMapsExtensions()
    {
        Assert.Equal("mp3", AudioFormatSniffer.Detect(Mp3(2))!.Value.Extension);
        Assert.Equal("audio/mpeg", AudioFormatSniffer.ContentTypeForExtension(".MP3"));
        Assert.Null(AudioFormatSniffer.ContentTypeForExtension(".txt"));
    }
}
