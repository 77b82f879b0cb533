using System.Buffers.Binary;
using AudioSdk.Audio;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Audio;

/// <summary>Hostile WAV headers: only <see cref="WavFormatException"/>, in bounded time and memory, before anything is sized from them.</summary>
public sealed class WavFileFuzzTests
{
    public const int CasesPerSeed = 25_000;

    internal static byte[][] Seeds() =>
    [
        WavFile.Write(Enumerable.Range(0, 100).Select(i => (short)(i * 300)).ToArray(), 16000),
        WavFile.Write(Enumerable.Range(0, 60).Select(i => i / 60f).ToArray(), new WavFormat(WavEncoding.IeeeFloat, 48000, 2, 32)),
        Extensible24BitStereoWithListChunk(),
        Streamed8Bit(),
    ];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void MutatedFiles_ThrowOnlyWavFormatException(int seed)
    {
        var valid = Seeds()[seed];
        Assert.NotNull(WavFile.Read(valid));
        var mutator = new Mutator(1000 + seed);
        var inputs = Enumerable.Range(0, CasesPerSeed).Select(_ => mutator.Mutate(valid));

        var threw = HostileInput.Run(
            inputs,
            bytes =>
            {
                var info = WavFile.ReadHeader(bytes);
                Assert.InRange(info.Format.SampleRate, 1, WavFile.MaxSampleRate);
                Assert.InRange(info.Format.Channels, 1, WavFile.MaxChannels);
                Assert.InRange(info.DataOffset, 12, bytes.Length);
                WavFile.Read(bytes);
            },
            ex => ex is WavFormatException,
            HostileInput.Hex);

        Assert.InRange(threw, CasesPerSeed / 10, CasesPerSeed - (CasesPerSeed / 100));
    }

    [Theory]
    [InlineData(2_112_000_000, 1)]
    [InlineData(16000, 16_383)]
    [InlineData(768_001, 1)]
    [InlineData(16000, 65)]
    [InlineData(0, 1)]
    [InlineData(-8000, 1)]
    public void AbsurdRatesAndChannelCounts_AreRefused(int rate, int channels)
    {
        var bytes = Header244(rate, channels);

        var ex = Assert.Throws<WavFormatException>(() => WavFile.ReadHeader(bytes));
        Assert.Throws<WavFormatException>(() => WavFile.Read(bytes));
        Assert.Contains(rate is <= 0 or > WavFile.MaxSampleRate ? "sample rate" : "channels", ex.Message);
    }

    [Fact]
    public void TheLimitsThemselves_AreAccepted()
    {
        var info = WavFile.ReadHeader(Header244(WavFile.MaxSampleRate, WavFile.MaxChannels));

        Assert.Equal(WavFile.MaxSampleRate, info.Format.SampleRate);
        Assert.Equal(WavFile.MaxChannels, info.Format.Channels);
    }

    [Theory]
    [InlineData(0xFFFFFFFFu)]
    [InlineData(0xFFFFFFFEu)]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(0x7FFFFFF3u)]
    [InlineData(0x80000000u)]
    public void ChunkSizesNearTheIntegerLimits_DoNotWrapTheOffset(uint size)
    {
        var bytes = new byte[64];
        "RIFF"u8.CopyTo(bytes);
        "WAVE"u8.CopyTo(bytes.AsSpan(8));
        "LIST"u8.CopyTo(bytes.AsSpan(12));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), size);

        var ex = Assert.Throws<WavFormatException>(() => WavFile.ReadHeader(bytes));
        Assert.Contains("before a 'fmt ' chunk", ex.Message);
    }

    /// <summary>A 244-byte PCM16 WAV whose header declares the given rate and channel count.</summary>
    internal static byte[] Header244(int rate, int channels)
    {
        var bytes = new byte[244];
        "RIFF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 236);
        "WAVEfmt "u8.CopyTo(bytes.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(22), (ushort)channels);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(28), unchecked(rate * channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(32), (ushort)(channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(34), 16);
        "data"u8.CopyTo(bytes.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(40), 200);
        return bytes;
    }

    private static byte[] Extensible24BitStereoWithListChunk()
    {
        var bytes = new List<byte>();
        bytes.AddRange("RIFF"u8.ToArray());
        bytes.AddRange(new byte[4]);
        bytes.AddRange("WAVE"u8.ToArray());
        bytes.AddRange("LIST"u8.ToArray());
        bytes.AddRange(BitConverter.GetBytes(5));
        bytes.AddRange("INFOx"u8.ToArray());
        bytes.Add(0);
        var fmt = new byte[40];
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), 2);
        BinaryPrimitives.WriteInt32LittleEndian(fmt.AsSpan(4), 44100);
        BinaryPrimitives.WriteInt32LittleEndian(fmt.AsSpan(8), 44100 * 6);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), 6);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), 24);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(18), 24);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(20), 3);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(24), 1);
        bytes.AddRange("fmt "u8.ToArray());
        bytes.AddRange(BitConverter.GetBytes(40));
        bytes.AddRange(fmt);
        var data = Enumerable.Range(0, 120).Select(i => (byte)(i * 7)).ToArray();
        bytes.AddRange("data"u8.ToArray());
        bytes.AddRange(BitConverter.GetBytes(data.Length));
        bytes.AddRange(data);
        var file = bytes.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(file.Length - 8));
        return file;
    }

    private static byte[] Streamed8Bit()
    {
        var file = new byte[44 + 90];
        WavFile.WriteHeader(file, new WavFormat(WavEncoding.Pcm, 8000, 1, 8), 90);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(40), uint.MaxValue);
        return file;
    }
}
