using System.Buffers.Binary;
using System.Runtime.InteropServices;
using AudioSdk.Audio;
using AudioSdk.Realtime.Uplink;
using AudioSdk.Tests.Infrastructure;
using NAudio.Wave;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// The uplink's stages one by one, without a socket: odd-byte carry, chunking, downmix, resampling, WAV decoding and
/// the live-source frame stage, each against the exact bytes it must produce (the reference is computed with the
/// public codecs the stages are built on).
/// </summary>
public sealed class UplinkStageTests
{
    [Fact]
    public void OddByteCarry_HoldsTheOddByte_ForTheNextCall_AndPassesEmptyInputThrough()
    {
        var carry = new OddByteCarry();

        Assert.Equal(new byte[] { 1, 2 }, carry.Take(new byte[] { 1, 2, 3 }).ToArray());
        Assert.True(carry.Take(ReadOnlyMemory<byte>.Empty).IsEmpty);
        Assert.Equal(new byte[] { 3, 4, 5, 6 }, carry.Take(new byte[] { 4, 5, 6 }).ToArray());
        Assert.Equal(new byte[] { 7, 8 }, carry.Take(new byte[] { 7, 8 }).ToArray());
        Assert.False(carry.Drop());
    }

    [Fact]
    public void OddByteCarry_AByteAlone_IsCarried_AndAnOddJoinCarriesTheNewLastByte()
    {
        var carry = new OddByteCarry();

        Assert.True(carry.Take(new byte[] { 9 }).IsEmpty);
        Assert.Equal(new byte[] { 9, 10 }, carry.Take(new byte[] { 10, 11 }).ToArray());
        Assert.Equal(new byte[] { 11, 12 }, carry.Take(new byte[] { 12 }).ToArray());

        // A longer join than any before grows the buffer and keeps every byte.
        var longer = Enumerable.Range(0, 301).Select(i => (byte)i).ToArray();
        Assert.True(carry.Take(new byte[] { 200 }).IsEmpty);
        Assert.Equal(new byte[] { 200 }.Concat(longer).ToArray(), carry.Take(longer).ToArray());
    }

    [Fact]
    public void OddByteCarry_Drop_SaysWhetherAByteWasDropped_AndTheNextCallStartsClean()
    {
        var carry = new OddByteCarry();
        carry.Take(new byte[] { 1, 2, 3 });

        Assert.True(carry.Drop());
        Assert.False(carry.Drop());
        Assert.Equal(new byte[] { 4, 5 }, carry.Take(new byte[] { 4, 5 }).ToArray());
    }

    [Fact]
    public void Chunker_RoundsTheChunkDownToWholeSamples_NeverBelowOne()
    {
        Assert.Equal(6, new Chunker(7).ChunkBytes);
        Assert.Equal(6, new Chunker(6).ChunkBytes);
        Assert.Equal(2, new Chunker(3).ChunkBytes);
        Assert.Equal(2, new Chunker(1).ChunkBytes);
        Assert.Equal(2, new Chunker(0).ChunkBytes);
    }

    [Fact]
    public void Chunker_CutsIntoFullChunks_AndAShorterLastOne()
    {
        var pcm = Enumerable.Range(0, 10).Select(i => (byte)i).ToArray();

        Assert.Equal(
            [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]],
            Chunks(new Chunker(4), pcm));
        Assert.Equal([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]], Chunks(new Chunker(5), pcm));
        Assert.Equal([[0, 1, 2, 3, 4, 5], [6, 7, 8, 9]], Chunks(new Chunker(6), pcm));
        Assert.Equal([[0, 1, 2, 3], [4, 5, 6, 7]], Chunks(new Chunker(4), pcm[..8]));
        Assert.Equal([[0, 1]], Chunks(new Chunker(4), pcm[..2]));
        Assert.Empty(Chunks(new Chunker(4), []));
    }

    [Fact]
    public void Downmixer_Mono_IsLeftAsItIs()
    {
        float[] samples = [0.1f, -0.2f, 0.3f];

        Assert.Equal(3, Downmixer.DownmixInPlace(samples, 1));
        Assert.Equal([0.1f, -0.2f, 0.3f], samples);
    }

    [Fact]
    public void Downmixer_AveragesEachFrame_IntoTheStart_AndIgnoresAPartialFrame()
    {
        float[] stereo = [1f, 3f, -1f, -3f, 0.5f, 0.25f, 9f];
        Assert.Equal(3, Downmixer.DownmixInPlace(stereo, 2));
        Assert.Equal([2f, -2f, 0.375f], stereo[..3]);

        float[] three = [0.3f, 0.6f, 0.9f, -0.3f, 0f, 0.3f];
        Assert.Equal(2, Downmixer.DownmixInPlace(three, 3));
        Assert.Equal(0.6f, three[0], 6);
        Assert.Equal(0f, three[1], 6);
    }

    [Fact]
    public void ResampleStage_AtTheWireRate_PassesPcmThrough_EncodesFloats_AndHasNoTail()
    {
        var stage = new ResampleStage(16000, 16000);
        var pcm = new byte[] { 1, 2, 3, 4 };

        Assert.Equal(pcm, stage.Process(pcm.AsMemory()).ToArray());
        Assert.Equal(Pcm16.ToBytes([16384, -16384, 32767]), stage.Process([0.5f, -0.5f, 2f]).ToArray());
        Assert.True(stage.Flush().IsEmpty);
        stage.Reset();
        Assert.Equal(Pcm16.ToBytes([8192]), stage.Process([0.25f]).ToArray());
    }

    [Fact]
    public void ResampleStage_BetweenRates_MatchesTheResampler_BlockByBlock_WithItsTailOnFlush()
    {
        var tone = Pcm16.FromBytes(TestAudio.TonePcm16(0.25, 440, 16000));
        var expected = Reference(16000, 8000, tone, [100, 1000, 2900]);
        var stage = new ResampleStage(16000, 8000);

        var produced = new List<byte>();
        foreach (var block in Blocks(tone, [100, 1000, 2900]))
        {
            produced.AddRange(stage.Process(Pcm16.ToBytes(block).AsMemory()).ToArray());
        }

        produced.AddRange(stage.Flush().ToArray());
        Assert.Equal(expected, produced);

        // The flush left a clean state: the same audio again gives the same bytes.
        var again = new List<byte>();
        foreach (var block in Blocks(tone, [100, 1000, 2900]))
        {
            again.AddRange(stage.Process(Pcm16.ToBytes(block).AsMemory()).ToArray());
        }

        again.AddRange(stage.Flush().ToArray());
        Assert.Equal(expected, again);
        Assert.True(stage.Process(ReadOnlyMemory<byte>.Empty).IsEmpty);
    }

    [Fact]
    public void ResampleStage_FloatInput_BetweenRates_MatchesTheResampler()
    {
        var tone = TestAudio.Sine(300, 8000, 0.1, 0.4);
        var resampler = new AudioResampler(8000, 16000);
        var output = new float[resampler.GetMaxOutputLength(tone.Length)];
        var n = resampler.Process(tone, output);
        var expected = new short[n];
        Pcm16.FromFloat(output.AsSpan(0, n), expected);

        var stage = new ResampleStage(8000, 16000);
        Assert.Equal(Pcm16.ToBytes(expected), stage.Process(tone.AsSpan()).ToArray());
    }

    [Fact]
    public void ResampleStage_Reset_DropsWhatTheFilterHeld()
    {
        var tone = Pcm16.ToBytes(Pcm16.FromBytes(TestAudio.TonePcm16(0.05, 440, 16000)));
        var stage = new ResampleStage(16000, 24000);
        var first = stage.Process(tone.AsMemory()).ToArray();

        stage.Reset();
        Assert.Equal(first, stage.Process(tone.AsMemory()).ToArray());
    }

    [Fact]
    public async Task WavDecoder_ReadsTenthsOfASecond_InterleavedFloats_AndDownmixesThem()
    {
        var format = new WavFormat(WavEncoding.Pcm, 8000, 2, 16);
        var interleaved = Enumerable.Range(0, 2 * 2000).Select(i => (float)Math.Round(((i % 2 == 0 ? 1 : -0.5) * Math.Sin(i / 37.0) * 0.5) * 32768) / 32768f).ToArray();
        var decoder = await WavDecoder.OpenAsync(new MemoryStream(WavFile.Write(interleaved, format)), default);

        Assert.Equal(format, decoder.Format);
        var frames = 0;
        var sizes = new List<int>();
        while (true)
        {
            var block = await decoder.ReadAsync(default);
            if (block.IsEmpty)
            {
                break;
            }

            sizes.Add(block.Length);
            Assert.Equal(interleaved.AsSpan(frames * 2, block.Length).ToArray(), block.ToArray());
            var mono = decoder.Downmix(block).ToArray();
            Assert.Equal(block.Length / 2, mono.Length);
            for (var f = 0; f < mono.Length; f++)
            {
                Assert.Equal((interleaved[(frames + f) * 2] + interleaved[((frames + f) * 2) + 1]) / 2, mono[f], 6);
            }

            frames += mono.Length;
        }

        Assert.Equal([1600, 1600, 800], sizes);
        Assert.Equal(2000, frames);
        Assert.True((await decoder.ReadAsync(default)).IsEmpty);
    }

    [Fact]
    public async Task WavDecoder_BlockFrames_AreATenthOfASecond_AtLeastOne_AtMost16K()
    {
        await AssertFirstBlockAsync(5, 1);
        await AssertFirstBlockAsync(9, 1);
        await AssertFirstBlockAsync(48000, 4800);
        await AssertFirstBlockAsync(WavDecoder.MaxSampleRate, 16 * 1024);
    }

    [Fact]
    public async Task WavDecoder_StopsAtTheDeclaredDataLength_AndDropsAPartialFrame()
    {
        // 5 stereo 16-bit frames declared, then a partial frame's 2 bytes inside the declared length, then a trailing chunk.
        var format = new WavFormat(WavEncoding.Pcm, 8000, 2, 16);
        var bytes = new byte[44 + 22 + 12];
        WavFile.WriteHeader(bytes, format, 22);
        for (var i = 0; i < 11; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(44 + (2 * i)), (short)((i + 1) * 1000));
        }

        "LIST"u8.CopyTo(bytes.AsSpan(66));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(70), 4);
        "INFO"u8.CopyTo(bytes.AsSpan(74));
        var decoder = await WavDecoder.OpenAsync(new MemoryStream(bytes), default);

        var block = await decoder.ReadAsync(default);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => i * 1000 / 32768f).ToArray(), block.ToArray());
        Assert.True((await decoder.ReadAsync(default)).IsEmpty);
    }

    [Fact]
    public async Task WavDecoder_ADeclaredLengthEndingInTheSecondBlock_StopsThere()
    {
        // 8 kHz mono: 1600-byte blocks. 2000 data bytes declared, then 400 bytes of a trailing chunk the second read also gets.
        var bytes = new byte[44 + 2000 + 400];
        WavFile.WriteHeader(bytes, WavFormat.Pcm16Mono(8000), 2000);
        bytes.AsSpan(44 + 2000).Fill(0x7F);
        var decoder = await WavDecoder.OpenAsync(new MemoryStream(bytes), default);

        Assert.Equal(800, (await decoder.ReadAsync(default)).Length);
        var second = await decoder.ReadAsync(default);
        Assert.Equal(200, second.Length);
        Assert.All(second.ToArray(), s => Assert.Equal(0f, s));
        Assert.True((await decoder.ReadAsync(default)).IsEmpty);
    }

    [Fact]
    public async Task WavDecoder_AStreamedHeader_ReadsToTheEndOfTheStream()
    {
        // Data length 0 means "streamed, unknown": everything after the header is audio, in whole frames.
        var bytes = new byte[44 + 9];
        WavFile.WriteHeader(bytes, WavFormat.Pcm16Mono(16000), 0);
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(44 + (2 * i)), (short)(-(i + 1) * 4096));
        }

        var decoder = await WavDecoder.OpenAsync(new MemoryStream(bytes), default);

        Assert.Equal(new[] { -0.125f, -0.25f, -0.375f, -0.5f }, (await decoder.ReadAsync(default)).ToArray());
        Assert.True((await decoder.ReadAsync(default)).IsEmpty);
    }

    [Fact]
    public async Task WavDecoder_RefusesMoreThan32Channels_WithTheLimitInTheMessage_And32AreRead()
    {
        var ex = await Assert.ThrowsAsync<WavFormatException>(() => WavDecoder.OpenAsync(new MemoryStream(WavFileFuzzTestsHeader(16000, 33)), default));
        Assert.Equal("The WAV declares 33 channels; realtime sending takes 1 to 32.", ex.Message);

        var decoder = await WavDecoder.OpenAsync(new MemoryStream(WavFileFuzzTestsHeader(16000, 32)), default);
        Assert.Equal(32, decoder.Format.Channels);
    }

    [Fact]
    public async Task WavDecoder_NotAWav_IsAWavFormatException()
    {
        var ex = await Assert.ThrowsAsync<WavFormatException>(() => WavDecoder.OpenAsync(new MemoryStream("RIFX0000WAVE"u8.ToArray()), default));
        Assert.Contains("not 'RIFF'", ex.Message);
    }

    [Fact]
    public void FrameStage_BytesFor_IsWholeFrames_AtLeastOne()
    {
        var stereo = new FrameStage(new WaveFormat(16000, 16, 2), 16000, "source");
        Assert.Equal(1600 * 4, stereo.BytesFor(TimeSpan.FromMilliseconds(100)));
        Assert.Equal(4, stereo.BytesFor(TimeSpan.FromTicks(1)));

        var law = new FrameStage(WaveFormat.CreateMuLawFormat(8000, 2), 16000, "source");
        Assert.Equal(800 * 2, law.BytesFor(TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void FrameStage_PartialFrames_AreCarried_SoAnySplitGivesTheSameWireBytes()
    {
        var format = new WaveFormat(16000, 16, 2);
        var source = StereoPcm16(800);
        var expected = Downmixed(source);

        foreach (var sizes in new int[][] { [source.Length], [1, 1, 1, 1, 3200 - 4], [3, 5, 7, 11, 13, 17, 3200 - 56], [2, 4, 4094] })
        {
            var stage = new FrameStage(format, 16000, "source");
            var wire = new List<byte>();
            var offset = 0;
            foreach (var size in sizes)
            {
                var take = Math.Min(size, source.Length - offset);
                wire.AddRange(stage.Process(source.AsSpan(offset, take)).ToArray());
                offset += take;
            }

            Assert.Equal(expected, wire.ToArray());
        }
    }

    [Fact]
    public void FrameStage_ASplitInsideAFrame_SendsTheWholeFramesAtOnce()
    {
        var stage = new FrameStage(new WaveFormat(16000, 16, 2), 16000, "source");
        var source = StereoPcm16(3);
        var expected = Downmixed(source);

        Assert.True(stage.Process(source.AsSpan(0, 3)).IsEmpty);
        Assert.Equal(expected.AsSpan(0, 4).ToArray(), stage.Process(source.AsSpan(3, 6)).ToArray());
        Assert.Equal(expected.AsSpan(4, 2).ToArray(), stage.Process(source.AsSpan(9, 3)).ToArray());
    }

    [Fact]
    public void FrameStage_G711_DecodesOneByteASample_PerChannel()
    {
        var codes = new byte[] { 0x00, 0xFF, 0x80, 0x7F, 0x10, 0x90 };
        var stage = new FrameStage(WaveFormat.CreateMuLawFormat(16000, 2), 16000, "source");

        var expected = new short[3];
        for (var f = 0; f < 3; f++)
        {
            var mean = ((G711.DecodeMuLaw(codes[2 * f]) / 32768f) + (G711.DecodeMuLaw(codes[(2 * f) + 1]) / 32768f)) / 2;
            Pcm16.FromFloat([mean], expected.AsSpan(f, 1));
        }

        Assert.True(stage.Process(codes.AsSpan(0, 1)).IsEmpty);
        Assert.Equal(Pcm16.ToBytes(expected), stage.Process(codes.AsSpan(1)).ToArray());
    }

    [Fact]
    public void FrameStage_Float32_AndOtherRates_AreDecodedAndResampled()
    {
        var tone = TestAudio.Sine(440, 8000, 0.1, 0.3);
        var bytes = MemoryMarshal.AsBytes(tone.AsSpan()).ToArray();
        var stage = new FrameStage(WaveFormat.CreateIeeeFloatWaveFormat(8000, 1), 16000, "source");

        var resampler = new AudioResampler(8000, 16000);
        var output = new float[resampler.GetMaxOutputLength(tone.Length) + resampler.GetMaxOutputLength(0)];
        var n = resampler.Process(tone, output);
        var expectedBody = new short[n];
        Pcm16.FromFloat(output.AsSpan(0, n), expectedBody);
        var tail = resampler.Flush(output);
        var expectedTail = new short[tail];
        Pcm16.FromFloat(output.AsSpan(0, tail), expectedTail);

        Assert.Equal(Pcm16.ToBytes(expectedBody), stage.Process(bytes).ToArray());
        Assert.Equal(Pcm16.ToBytes(expectedTail), stage.Flush().ToArray());
    }

    [Fact]
    public void FrameStage_Flush_DropsAPartialFrame()
    {
        var stage = new FrameStage(new WaveFormat(16000, 16, 2), 16000, "source");
        var source = StereoPcm16(2);

        Assert.True(stage.Process(source.AsSpan(0, 3)).IsEmpty);
        Assert.True(stage.Flush().IsEmpty);
        Assert.Equal(Downmixed(source), stage.Process(source).ToArray());
    }

    [Fact]
    public void FrameStage_AnUnsupportedSource_IsRefusedWithItsParameterName()
    {
        var ex = Assert.Throws<ArgumentException>(() => new FrameStage(new WaveFormat(16000, 12, 1), 16000, "microphone"));
        Assert.Equal("microphone", ex.ParamName);
    }

    internal static byte[] WavFileFuzzTestsHeader(int rate, int channels) => AudioSdk.Tests.Audio.WavFileFuzzTests.Header244(rate, channels);

    private static async Task AssertFirstBlockAsync(int rate, int frames)
    {
        var total = frames + 3;
        var samples = Enumerable.Range(0, total).Select(i => (float)((i % 64) - 32) / 64).ToArray();
        var decoder = await WavDecoder.OpenAsync(new MemoryStream(WavFile.Write(samples, WavFormat.Pcm16Mono(rate))), default);

        var first = await decoder.ReadAsync(default);
        Assert.Equal(frames, first.Length);
        Assert.Equal(samples[..frames], first.ToArray());
        var second = await decoder.ReadAsync(default);
        Assert.Equal(Math.Min(3, frames), second.Length);
    }

    private static List<byte[]> Chunks(Chunker chunker, byte[] pcm)
    {
        var chunks = new List<byte[]>();
        foreach (var chunk in chunker.Split(pcm))
        {
            chunks.Add(chunk.ToArray());
        }

        return chunks;
    }

    private static IEnumerable<short[]> Blocks(short[] samples, int[] sizes)
    {
        var offset = 0;
        var i = 0;
        while (offset < samples.Length)
        {
            var take = Math.Min(sizes[i++ % sizes.Length], samples.Length - offset);
            yield return samples[offset..(offset + take)];
            offset += take;
        }
    }

    private static List<byte> Reference(int from, int to, short[] samples, int[] sizes)
    {
        var resampler = new AudioResampler(from, to);
        var bytes = new List<byte>();
        foreach (var block in Blocks(samples, sizes))
        {
            var floats = new float[block.Length];
            Pcm16.ToFloat(block, floats);
            var output = new float[resampler.GetMaxOutputLength(floats.Length)];
            var n = resampler.Process(floats, output);
            var pcm = new short[n];
            Pcm16.FromFloat(output.AsSpan(0, n), pcm);
            bytes.AddRange(Pcm16.ToBytes(pcm));
        }

        var tail = new float[resampler.GetMaxOutputLength(0)];
        var t = resampler.Flush(tail);
        var tailPcm = new short[t];
        Pcm16.FromFloat(tail.AsSpan(0, t), tailPcm);
        bytes.AddRange(Pcm16.ToBytes(tailPcm));
        return bytes;
    }

    private static byte[] StereoPcm16(int frames)
    {
        var samples = new short[frames * 2];
        for (var f = 0; f < frames; f++)
        {
            samples[2 * f] = (short)(1000 + (37 * f));
            samples[(2 * f) + 1] = (short)(-3000 + (101 * f));
        }

        return Pcm16.ToBytes(samples);
    }

    private static byte[] Downmixed(byte[] stereoPcm16)
    {
        var samples = Pcm16.FromBytes(stereoPcm16);
        var mono = new short[samples.Length / 2];
        for (var f = 0; f < mono.Length; f++)
        {
            var mean = ((samples[2 * f] / 32768f) + (samples[(2 * f) + 1] / 32768f)) / 2;
            Pcm16.FromFloat([mean], mono.AsSpan(f, 1));
        }

        return Pcm16.ToBytes(mono);
    }
}
