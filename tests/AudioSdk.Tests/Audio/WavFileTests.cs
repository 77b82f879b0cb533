using System.Buffers.Binary;
using AudioSdk.Audio;

namespace AudioSdk.Tests.Audio;

public sealed class WavFileTests
{
    private static float[] Ramp(int count) => Enumerable.Range(0, count).Select(i => (float)((i % 200) - 100) / 128f).ToArray();

    [Theory]
    [InlineData(WavEncoding.Pcm, 8, 1, 1.0 / 128)]
    [InlineData(WavEncoding.Pcm, 16, 2, 1.0 / 32768)]
    [InlineData(WavEncoding.Pcm, 24, 3, 1.0 / 8388608)]
    [InlineData(WavEncoding.Pcm, 32, 6, 1e-7)]
    [InlineData(WavEncoding.IeeeFloat, 32, 2, 0)]
    public void WriteThenRead_RoundTripsEveryFormat(WavEncoding encoding, int bits, int channels, double tolerance)
    {
        var format = new WavFormat(encoding, 22050, channels, bits);
        var samples = Ramp(channels * 1000);

        var audio = WavFile.Read(WavFile.Write(samples, format));

        Assert.Equal(format, audio.Format);
        Assert.Equal(1000, audio.FrameCount);
        Assert.Equal(TimeSpan.FromTicks((long)Math.Round(1000.0 / 22050 * TimeSpan.TicksPerSecond)), audio.Duration);
        for (var i = 0; i < samples.Length; i++)
        {
            Assert.True(Math.Abs(samples[i] - audio.Samples[i]) <= tolerance + 1e-9, $"sample {i}: {samples[i]} vs {audio.Samples[i]}");
        }
    }

    [Fact]
    public void Write_ClipsOutOfRangeSamples()
    {
        var audio = WavFile.Read(WavFile.Write([2f, -2f, 1f, -1f], WavFormat.Pcm16Mono(8000)));
        Assert.Equal([32767 / 32768f, -1f, 32767 / 32768f, -1f], audio.Samples);
    }

    [Fact]
    public void Extensible_ListChunks_AndOddPadding_AreRead()
    {
        var data = new byte[8];
        BinaryPrimitives.WriteInt16LittleEndian(data, 16384);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2), -16384);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(4), 1);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(6), -1);
        var fmt = new byte[40];
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), 2);
        BinaryPrimitives.WriteInt32LittleEndian(fmt.AsSpan(4), 48000);
        BinaryPrimitives.WriteInt32LittleEndian(fmt.AsSpan(8), 48000 * 4);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), 4);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(24), 1);
        byte[] file = [.. "RIFF"u8, 0, 0, 0, 0, .. "WAVE"u8,
            .. "LIST"u8, 5, 0, 0, 0, 1, 2, 3, 4, 5, 0,
            .. "fmt "u8, 40, 0, 0, 0, .. fmt,
            .. "junk"u8, 3, 0, 0, 0, 9, 9, 9, 0,
            .. "data"u8, 8, 0, 0, 0, .. data];

        var audio = WavFile.Read(file);

        Assert.Equal(new WavFormat(WavEncoding.Pcm, 48000, 2, 16), audio.Format);
        Assert.Equal([0.5f, -0.5f, 1 / 32768f, -1 / 32768f], audio.Samples);
        Assert.Equal([0f, 0f], audio.ToMono());
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(uint.MaxValue)]
    public void StreamedWav_WithUnknownDataSize_ReadsToTheEnd(uint declared)
    {
        var bytes = WavFile.Write(Ramp(300), WavFormat.Pcm16Mono(16000));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(40), declared);

        var info = WavFile.ReadHeader(bytes);
        Assert.Null(info.DataLength);
        Assert.Null(info.Duration);
        Assert.Equal(300, WavFile.Read(bytes).FrameCount);
    }

    [Fact]
    public void TruncatedData_ReadsTheWholeFramesThatArrived()
    {
        var bytes = WavFile.Write(Ramp(300), new WavFormat(WavEncoding.Pcm, 16000, 2, 16));
        var audio = WavFile.Read(bytes.AsSpan(0, bytes.Length - 3));
        Assert.Equal(149, audio.FrameCount);
        Assert.Equal(TimeSpan.FromSeconds(150 / 16000.0), WavFile.ReadHeader(bytes).Duration);
    }

    public static TheoryData<byte[], string> Malformed()
    {
        var good = WavFile.Write(Ramp(10), WavFormat.Pcm16Mono(8000));
        byte[] With(int offset, params byte[] patch)
        {
            var copy = good.ToArray();
            patch.CopyTo(copy, offset);
            return copy;
        }

        return new()
        {
            { good[..8], "too short" },
            { With(0, "RIFX"u8.ToArray()), "starts with 'RIFX'" },
            { With(8, "AVI "u8.ToArray()), "form type is 'AVI '" },
            { good[..30], "ends inside the 'fmt ' chunk" },
            { good[..36], "before the 'data' chunk" },
            { good[..12], "before a 'fmt ' chunk" },
            { With(20, 2, 0), "Unsupported WAV encoding 0x0002" },
            { With(34, 12, 0), "Unsupported bit depth 12" },
            { With(22, 0, 0), "0 channels" },
            { With(32, 3, 0), "block align of 3" },
            { With(12, "data"u8.ToArray()), "comes before any 'fmt ' chunk" },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedHeader_SaysWhatIsWrong(byte[] bytes, string expected)
    {
        var ex = Assert.Throws<WavFormatException>(() => WavFile.Read(bytes));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void ToPcm16Mono_DownmixesAndResamples()
    {
        var stereo = new float[44100 * 2];
        for (var i = 0; i < 44100; i++)
        {
            var v = (float)(0.5 * Math.Sin(2 * Math.PI * 440 * i / 44100));
            stereo[2 * i] = v;
            stereo[(2 * i) + 1] = v;
        }

        var pcm = new WavAudio(new WavFormat(WavEncoding.Pcm, 44100, 2, 16), stereo).ToPcm16Mono(16000);
        Assert.Equal(16000, pcm.Length);
        Assert.InRange(pcm.Max(), 16300, 16400);
    }
}
