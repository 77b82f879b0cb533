using System.Buffers.Binary;

namespace AudioSdk.Audio;

public static partial class WavFile
{
    /// <summary>Encodes interleaved float samples as a complete WAV file.</summary>
    /// <param name="samples">Interleaved samples in [-1, 1]; integer formats are rounded and clipped.</param>
    /// <param name="format">The format to write.</param>
    public static byte[] Write(ReadOnlySpan<float> samples, WavFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        Validate(format, 0);
        var width = format.BitsPerSample / 8;
        var dataLength = samples.Length * width;
        var bytes = new byte[44 + dataLength];
        WriteHeader(bytes, format, dataLength);
        var data = bytes.AsSpan(44);
        for (var i = 0; i < samples.Length; i++)
        {
            var s = samples[i];
            switch (format.Encoding, format.BitsPerSample)
            {
                case (WavEncoding.IeeeFloat, _):
                    BinaryPrimitives.WriteSingleLittleEndian(data[(4 * i)..], s);
                    break;
                case (_, 8):
                    data[i] = (byte)(Quantize(s, 128) + 128);
                    break;
                case (_, 16):
                    BinaryPrimitives.WriteInt16LittleEndian(data[(2 * i)..], (short)Quantize(s, 32768));
                    break;
                case (_, 24):
                    var v = (int)Quantize(s, 8388608);
                    data[3 * i] = (byte)v;
                    data[(3 * i) + 1] = (byte)(v >> 8);
                    data[(3 * i) + 2] = (byte)(v >> 16);
                    break;
                default:
                    BinaryPrimitives.WriteInt32LittleEndian(data[(4 * i)..], (int)Quantize(s, 2147483648.0));
                    break;
            }
        }

        return bytes;
    }

    /// <summary>Encodes mono PCM16 samples as a complete WAV file.</summary>
    /// <param name="samples">The samples.</param>
    /// <param name="sampleRate">Their rate in Hz.</param>
    public static byte[] Write(ReadOnlySpan<short> samples, int sampleRate)
    {
        var bytes = new byte[44 + (samples.Length * 2)];
        WriteHeader(bytes, WavFormat.Pcm16Mono(sampleRate), samples.Length * 2);
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(44 + (2 * i)), samples[i]);
        }

        return bytes;
    }

    /// <summary>Writes a canonical 44-byte header (RIFF, 16-byte fmt, data).</summary>
    /// <param name="destination">At least 44 bytes.</param>
    /// <param name="format">The format.</param>
    /// <param name="dataLength">The data size in bytes; above 4 GiB - 45 it is written as 0xFFFFFFFF (streamed).</param>
    public static void WriteHeader(Span<byte> destination, WavFormat format, long dataLength)
    {
        ArgumentNullException.ThrowIfNull(format);
        Validate(format, 0);
        var size = dataLength + 36 > uint.MaxValue ? uint.MaxValue : (uint)(dataLength + 36);
        "RIFF"u8.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], size);
        "WAVEfmt "u8.CopyTo(destination[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[20..], format.Encoding == WavEncoding.IeeeFloat ? FormatFloat : FormatPcm);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[22..], (ushort)format.Channels);
        BinaryPrimitives.WriteInt32LittleEndian(destination[24..], format.SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(destination[28..], format.ByteRate);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[32..], (ushort)format.BlockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[34..], (ushort)format.BitsPerSample);
        "data"u8.CopyTo(destination[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[40..], dataLength > uint.MaxValue - 45 ? uint.MaxValue : (uint)dataLength);
    }
}
