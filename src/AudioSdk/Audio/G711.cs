using System.Numerics;

namespace AudioSdk.Audio;

/// <summary>
/// ITU-T G.711 μ-law and A-law, bit-exact with the standard's tables: PCM16 in, 8-bit codes out, and back.
/// A 16-bit sample is taken to 14 bits (μ-law) or 13 bits (A-law) as ITU-T G.191's reference code does (negative
/// values by one's complement, so the decision levels are symmetric around zero); decoding gives the midpoint of the
/// code's interval, scaled back to 16 bits.
/// </summary>
/// <remarks>
/// Checked against the standard's tables for all 65,536 inputs and 256 codes. NAudio.Core's <c>MuLawEncoder</c> and
/// <c>ALawEncoder</c> differ on 128 inputs each (negative values on a decision level, and -32768, which μ-law encodes as
/// zero) and its <c>MuLawDecoder</c> on one code (0x7F gives -1, not 0), so those are the SDK's own; NAudio.Core's
/// A-law decoder is exact and is used.
/// </remarks>
public static class G711
{
    private static readonly short[] MuLawTable = BuildMuLawTable();

    /// <summary>The G.711 sample rate.</summary>
    public const int SampleRate = 8000;

    /// <summary>Encodes one sample to μ-law.</summary>
    /// <param name="sample">A PCM16 sample.</param>
    /// <returns>The μ-law code.</returns>
    public static byte EncodeMuLaw(short sample)
    {
        var magnitude = (sample < 0 ? ~sample : sample) >> 2;
        var biased = Math.Min(magnitude + 33, 0x1FFF);
        var exponent = 32 - BitOperations.LeadingZeroCount((uint)biased >> 6);
        var mantissa = (biased >> (exponent + 1)) & 0xF;
        var code = 0x7F ^ ((exponent << 4) | mantissa);
        return (byte)(sample >= 0 ? code | 0x80 : code);
    }

    /// <summary>Encodes one sample to A-law.</summary>
    /// <param name="sample">A PCM16 sample.</param>
    /// <returns>The A-law code.</returns>
    public static byte EncodeALaw(short sample)
    {
        var magnitude = (sample < 0 ? ~sample : sample) >> 4;
        if (magnitude > 15)
        {
            var exponent = 32 - BitOperations.LeadingZeroCount((uint)magnitude >> 4);
            magnitude = ((magnitude >> (exponent - 1)) & 0xF) | (exponent << 4);
        }

        return (byte)((sample >= 0 ? magnitude | 0x80 : magnitude) ^ 0x55);
    }

    /// <summary>Decodes one μ-law code.</summary>
    /// <param name="code">The code.</param>
    /// <returns>The PCM16 sample.</returns>
    public static short DecodeMuLaw(byte code) => MuLawTable[code];

    /// <summary>Decodes one A-law code.</summary>
    /// <param name="code">The code.</param>
    /// <returns>The PCM16 sample.</returns>
    public static short DecodeALaw(byte code) => NAudio.Codecs.ALawDecoder.ALawToLinearSample(code);

    /// <summary>Encodes PCM16 samples, one code per sample.</summary>
    /// <param name="samples">The samples.</param>
    /// <param name="codes">Where the codes go: at least as long as <paramref name="samples"/>.</param>
    /// <param name="law">The companding law.</param>
    /// <exception cref="ArgumentException"><paramref name="codes"/> is too short.</exception>
    public static void Encode(ReadOnlySpan<short> samples, Span<byte> codes, G711Law law)
    {
        if (codes.Length < samples.Length)
        {
            throw new ArgumentException($"The destination holds {codes.Length} codes; {samples.Length} are needed.", nameof(codes));
        }

        if (law == G711Law.MuLaw)
        {
            for (var i = 0; i < samples.Length; i++)
            {
                codes[i] = EncodeMuLaw(samples[i]);
            }
        }
        else
        {
            for (var i = 0; i < samples.Length; i++)
            {
                codes[i] = EncodeALaw(samples[i]);
            }
        }
    }

    /// <summary>Decodes codes to PCM16 samples, one sample per code.</summary>
    /// <param name="codes">The codes.</param>
    /// <param name="samples">Where the samples go: at least as long as <paramref name="codes"/>.</param>
    /// <param name="law">The companding law.</param>
    /// <exception cref="ArgumentException"><paramref name="samples"/> is too short.</exception>
    public static void Decode(ReadOnlySpan<byte> codes, Span<short> samples, G711Law law)
    {
        if (samples.Length < codes.Length)
        {
            throw new ArgumentException($"The destination holds {samples.Length} samples; {codes.Length} are needed.", nameof(samples));
        }

        if (law == G711Law.MuLaw)
        {
            for (var i = 0; i < codes.Length; i++)
            {
                samples[i] = DecodeMuLaw(codes[i]);
            }
        }
        else
        {
            for (var i = 0; i < codes.Length; i++)
            {
                samples[i] = DecodeALaw(codes[i]);
            }
        }
    }

    /// <summary>Each code's interval midpoint in 16 bits (the standard's decoder with a bias of 33 in 14-bit units), negative below
    /// 0x80.</summary>
    private static short[] BuildMuLawTable()
    {
        var table = new short[256];
        for (var code = 0; code < 256; code++)
        {
            var inverted = ~code;
            var exponent = (inverted >> 4) & 7;
            var mantissa = inverted & 0xF;
            var magnitude = ((0x84 | (mantissa << 3)) << exponent) - 0x84;
            table[code] = (short)(code >= 0x80 ? magnitude : -magnitude);
        }

        return table;
    }

    /// <summary>Encodes little-endian PCM16 bytes (an even count) to codes, half as many.</summary>
    internal static byte[] EncodePcmBytes(ReadOnlySpan<byte> pcm16, G711Law law)
    {
        var codes = new byte[pcm16.Length / 2];
        Encode(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(pcm16[..(codes.Length * 2)]), codes, law);
        return codes;
    }

    /// <summary>Decodes codes to little-endian PCM16 bytes, twice as many.</summary>
    internal static byte[] DecodeToPcmBytes(ReadOnlySpan<byte> codes, G711Law law)
    {
        var pcm = new byte[codes.Length * 2];
        Decode(codes, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(pcm.AsSpan()), law);
        return pcm;
    }
}
