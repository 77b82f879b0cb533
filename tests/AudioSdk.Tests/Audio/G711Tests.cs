using AudioSdk.Audio;
using AudioSdk.Tests.Infrastructure;
using NAudio.Codecs;

namespace AudioSdk.Tests.Audio;

/// <summary>
/// G.711 checked against tables built here from the standard's segment description (ITU-T G.711 Tables 1 and 2:
/// eight segments of sixteen intervals, each segment's step twice the previous one), independently of the SDK's bit
/// arithmetic: every one of the 65,536 PCM16 inputs and every one of the 256 codes. NAudio.Core's codecs are run through
/// the same tables and their disagreements counted.
/// </summary>
public sealed class G711Tests(Xunit.Abstractions.ITestOutputHelper log)
{
    /// <summary>One quantization interval: [Lower, Upper) in the law's own units (14-bit for μ-law, 13-bit for A-law), its code and its decoded value in 16 bits.</summary>
    private sealed record Interval(int Lower, int Upper, byte PositiveCode, int Decoded16);

    /// <summary>
    /// μ-law: 14-bit magnitudes. Segment 0 has a first interval of width 1 (decoded as 0), then 15 of width 2 up to 31;
    /// segment s (1..7) has 16 intervals of width 2^(s+1). The code's top bit is the sign (1 positive), then the inverted
    /// segment and the inverted step. Inputs at or above 8159 clip to the top interval.
    /// </summary>
    private static List<Interval> MuLawIntervals()
    {
        var list = new List<Interval>();
        var lower = 0;
        for (var segment = 0; segment < 8; segment++)
        {
            for (var step = 0; step < 16; step++)
            {
                var width = segment == 0 && step == 0 ? 1 : 2 << segment;
                var code = (byte)(0x80 | ((7 - segment) << 4) | (15 - step));
                var decoded = segment == 0 && step == 0 ? 0 : (lower * 2 + width) * 2; // midpoint, times 4
                list.Add(new Interval(lower, lower + width, code, decoded));
                lower += width;
            }
        }

        Assert.Equal(8159, lower);
        return list;
    }

    /// <summary>A-law: 13-bit magnitudes. Segments 0 and 1 have steps of 2, segment s (2..7) of 2^s; the code is the sign (1 positive), segment and step, XOR 0x55.</summary>
    private static List<Interval> ALawIntervals()
    {
        var list = new List<Interval>();
        var lower = 0;
        for (var segment = 0; segment < 8; segment++)
        {
            for (var step = 0; step < 16; step++)
            {
                var width = segment <= 1 ? 2 : 1 << segment;
                var code = (byte)((0x80 | (segment << 4) | step) ^ 0x55);
                list.Add(new Interval(lower, lower + width, code, (lower * 2 + width) * 4)); // midpoint, times 8
                lower += width;
            }
        }

        Assert.Equal(4096, lower);
        return list;
    }

    /// <summary>The reference encoder: the sample's magnitude (one's complement below zero, so ±levels are symmetric) in the law's units, looked up by walking the intervals.</summary>
    private static byte[] ReferenceEncodeTable(List<Interval> intervals, int shift, byte negativeMask)
    {
        var table = new byte[65536];
        for (var x = short.MinValue; ; x++)
        {
            var magnitude = (x >= 0 ? x : -x - 1) >> shift;
            var interval = intervals.FindLast(i => i.Lower <= magnitude) ?? intervals[0];
            table[(ushort)x] = x >= 0 ? interval.PositiveCode : (byte)(interval.PositiveCode & negativeMask);
            if (x == short.MaxValue)
            {
                break;
            }
        }

        return table;
    }

    /// <summary>The reference decoder: every code's interval midpoint, negative when the sign bit says so.</summary>
    private static short[] ReferenceDecodeTable(List<Interval> intervals, byte negativeMask)
    {
        var table = new short[256];
        var filled = new bool[256];
        foreach (var interval in intervals)
        {
            table[interval.PositiveCode] = (short)interval.Decoded16;
            table[interval.PositiveCode & negativeMask] = (short)-interval.Decoded16;
            filled[interval.PositiveCode] = filled[interval.PositiveCode & negativeMask] = true;
        }

        Assert.All(filled, Assert.True);
        return table;
    }

    // μ-law's sign bit is 0x80 as written; A-law's is 0x80 before the XOR with 0x55, so clearing it is the same mask.
    private static byte[] MuLawEncodeReference { get; } = ReferenceEncodeTable(MuLawIntervals(), 2, 0x7F);

    private static byte[] ALawEncodeReference { get; } = ReferenceEncodeTable(ALawIntervals(), 3, 0x7F);

    private static short[] MuLawDecodeReference { get; } = ReferenceDecodeTable(MuLawIntervals(), 0x7F);

    private static short[] ALawDecodeReference { get; } = ReferenceDecodeTable(ALawIntervals(), 0x7F);

    private static int CountEncodeMismatches(byte[] reference, Func<short, byte> encode)
    {
        var mismatches = 0;
        for (var i = 0; i < 65536; i++)
        {
            var x = (short)(ushort)i;
            if (encode(x) != reference[i])
            {
                mismatches++;
            }
        }

        return mismatches;
    }

    private static int CountDecodeMismatches(short[] reference, Func<byte, short> decode)
    {
        var mismatches = 0;
        for (var code = 0; code < 256; code++)
        {
            if (decode((byte)code) != reference[code])
            {
                mismatches++;
            }
        }

        return mismatches;
    }

    [Fact]
    public void ReferenceTables_AgreeWithTheStandardsPublishedPoints()
    {
        // G.711 Table 2 (μ-law): the top decoded value is 8031 in 14 bits, code 0x80 (positive) / 0x00 (negative);
        // zero encodes to 0xFF (positive) and 0x7F. Table 1 (A-law): 0xD5 is the smallest positive value, 0xAA the top.
        Assert.Equal(8031 * 4, MuLawDecodeReference[0x80]);
        Assert.Equal(-8031 * 4, MuLawDecodeReference[0x00]);
        Assert.Equal(0xFF, MuLawEncodeReference[0]);
        Assert.Equal(0x7F, MuLawEncodeReference[0xFFFF]);
        Assert.Equal(8, ALawDecodeReference[0xD5]);
        Assert.Equal(-8, ALawDecodeReference[0x55]);
        Assert.Equal(4032 * 8, ALawDecodeReference[0xAA]);
        Assert.Equal(0xAA, ALawEncodeReference[short.MaxValue]);
        Assert.Equal(0x2A, ALawEncodeReference[0x8000]);
    }

    [Fact]
    public void SdkEncoders_MatchTheReference_ForAll65536Inputs()
    {
        Assert.Equal(0, CountEncodeMismatches(MuLawEncodeReference, G711.EncodeMuLaw));
        Assert.Equal(0, CountEncodeMismatches(ALawEncodeReference, G711.EncodeALaw));
    }

    [Fact]
    public void SdkDecoders_MatchTheReference_ForAll256Codes()
    {
        Assert.Equal(0, CountDecodeMismatches(MuLawDecodeReference, G711.DecodeMuLaw));
        Assert.Equal(0, CountDecodeMismatches(ALawDecodeReference, G711.DecodeALaw));
    }

    [Fact]
    public void NAudioCodecs_AgainstTheReference_AreCounted()
    {
        var muEncode = CountEncodeMismatches(MuLawEncodeReference, MuLawEncoder.LinearToMuLawSample);
        var aEncode = CountEncodeMismatches(ALawEncodeReference, ALawEncoder.LinearToALawSample);
        var muDecode = CountDecodeMismatches(MuLawDecodeReference, MuLawDecoder.MuLawToLinearSample);
        var aDecode = CountDecodeMismatches(ALawDecodeReference, ALawDecoder.ALawToLinearSample);
        log.WriteLine($"NAudio.Core vs G.711 reference: μ-law encoder {65536 - muEncode}/65536 exact ({muEncode} differ), A-law encoder {65536 - aEncode}/65536 exact ({aEncode} differ), μ-law decoder {256 - muDecode}/256, A-law decoder {256 - aDecode}/256");

        // Only the A-law decoder is exact (the SDK uses it); the others are the SDK's own. Pinned so a change in NAudio shows.
        Assert.Equal(1, muDecode);
        Assert.Equal(0, aDecode);
        Assert.Equal(ExpectedNAudioMuLawEncodeMismatches, muEncode);
        Assert.Equal(ExpectedNAudioALawEncodeMismatches, aEncode);
    }

    private const int ExpectedNAudioMuLawEncodeMismatches = 128;

    private const int ExpectedNAudioALawEncodeMismatches = 128;

    [Fact]
    public void SpanCodecs_RoundTripEveryCode_AndRejectShortDestinations()
    {
        var codes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        foreach (var law in new[] { G711Law.MuLaw, G711Law.ALaw })
        {
            var samples = new short[256];
            G711.Decode(codes, samples, law);
            var again = new byte[256];
            G711.Encode(samples, again, law);
            for (var i = 0; i < 256; i++)
            {
                // Decoding then encoding is the identity, except μ-law's negative zero (0x7F), which decodes to 0 = positive zero (0xFF).
                Assert.Equal(law == G711Law.MuLaw && i == 0x7F ? 0xFF : i, again[i]);
            }

            Assert.Throws<ArgumentException>(() => G711.Encode(samples, new byte[255], law));
            Assert.Throws<ArgumentException>(() => G711.Decode(codes, new short[255], law));
        }
    }

    /// <summary>Telephone audio through the realtime path: 8 kHz up to the conversation dialect's 24 kHz and back, by the SDK's resampler.</summary>
    private double RoundTripSnr(float[] at8k, string what)
    {
        var up = AudioResampler.Resample(at8k, 8000, 24000);
        var back = AudioResampler.Resample(up, 24000, 8000);
        Assert.Equal(at8k.Length, back.Length);
        double signal = 0, noise = 0;
        for (var i = 0; i < at8k.Length; i++)
        {
            signal += at8k[i] * at8k[i];
            noise += (back[i] - at8k[i]) * (back[i] - at8k[i]);
        }

        var snr = 10 * Math.Log10(signal / noise);
        log.WriteLine($"{what}: 8 kHz -> 24 kHz -> 8 kHz SNR {snr:0.0} dB over {at8k.Length / 8000.0:0.0} s");
        return snr;
    }

    [EspeakFact]
    public void EightToTwentyFourAndBack_OnSpeech_KeepsAtLeast35dB()
    {
        var speech = Dictation.CleanSpeech(8000, 4);
        Assert.True(RoundTripSnr(speech, "espeak-ng speech") >= 35);
    }

    [Fact]
    public void EightToTwentyFourAndBack_OnASpeechLikeSignal_KeepsAtLeast35dB()
    {
        // A voiced-speech stand-in: a 90-220 Hz gliding pitch with harmonics to 3.4 kHz shaped by two moving formants,
        // syllable-rate amplitude, pauses.
        var rate = 8000;
        var samples = new float[rate * 4];
        var phase = 0.0;
        for (var i = 0; i < samples.Length; i++)
        {
            var t = (double)i / rate;
            var pitch = 155 + (65 * Math.Sin(2 * Math.PI * 0.7 * t));
            phase += 2 * Math.PI * pitch / rate;
            var f1 = 500 + (250 * Math.Sin(2 * Math.PI * 3 * t));
            var f2 = 1500 + (600 * Math.Sin(2 * Math.PI * 2.1 * t));
            var value = 0.0;
            for (var h = 1; h * pitch < 3400; h++)
            {
                var f = h * pitch;
                var gain = (1 / (1 + Math.Pow((f - f1) / 150, 2))) + (0.5 / (1 + Math.Pow((f - f2) / 200, 2))) + 0.02;
                value += gain * Math.Sin(h * phase);
            }

            var envelope = Math.Max(0, Math.Sin(2 * Math.PI * 2.5 * t)) * (t % 2 < 1.6 ? 1 : 0);
            samples[i] = (float)(0.1 * envelope * value);
        }

        Assert.True(RoundTripSnr(samples, "speech-like signal") >= 35);
    }
}
