using System.Buffers.Binary;

namespace AudioSdk.Testing.Internal;

/// <summary>Recognises the container of an upload from its first bytes and reads WAV headers.</summary>
internal static class AudioProbe
{
    public static string Sniff(ReadOnlySpan<byte> h)
    {
        if (h.Length >= 12 && h[..4].SequenceEqual("RIFF"u8) && h.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            return "wav";
        }

        if (h.Length >= 4 && h[..4].SequenceEqual("fLaC"u8))
        {
            return "flac";
        }

        if (h.Length >= 4 && h[..4].SequenceEqual("OggS"u8))
        {
            return "ogg";
        }

        if (h.Length >= 4 && h[0] == 0x1A && h[1] == 0x45 && h[2] == 0xDF && h[3] == 0xA3)
        {
            return "webm";
        }

        if (h.Length >= 8 && h.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            return "mp4";
        }

        if (h.Length >= 3 && h[..3].SequenceEqual("ID3"u8))
        {
            return "mp3";
        }

        if (h.Length >= 2 && h[0] == 0xFF && (h[1] & 0xE0) == 0xE0)
        {
            return (h[1] & 0x06) == 0 ? "aac" : "mp3";
        }

        return "unknown";
    }

    /// <summary>Reads a WAV header's format and the data chunk's offset and declared size.</summary>
    public static (int SampleRate, int Channels, int ByteRate, long DataOffset, uint DataSize, int Bits,
        int FormatTag)? ReadWav(ReadOnlySpan<byte> h)
    {
        if (Sniff(h) != "wav")
        {
            return null;
        }

        int sampleRate = 0, channels = 0, byteRate = 0, bits = 0, tag = 0;
        var offset = 12;
        while (offset + 8 <= h.Length)
        {
            var id = h.Slice(offset, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(h.Slice(offset + 4, 4));
            if (id.SequenceEqual("fmt "u8) && offset + 8 + 16 <= h.Length)
            {
                channels = BinaryPrimitives.ReadUInt16LittleEndian(h.Slice(offset + 10, 2));
                sampleRate = BinaryPrimitives.ReadInt32LittleEndian(h.Slice(offset + 12, 4));
                byteRate = BinaryPrimitives.ReadInt32LittleEndian(h.Slice(offset + 16, 4));
                bits = BinaryPrimitives.ReadUInt16LittleEndian(h.Slice(offset + 22, 2));
                tag = BinaryPrimitives.ReadUInt16LittleEndian(h.Slice(offset + 8, 2));
                if (tag == 0xFFFE && offset + 8 + 26 <= h.Length)
                {
                    tag = BinaryPrimitives.ReadUInt16LittleEndian(h.Slice(offset + 8 + 24, 2));
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                return byteRate > 0 ? (sampleRate, channels, byteRate, offset + 8, size, bits, tag) : null;
            }

            offset += 8 + (int)Math.Min(size + (size & 1), int.MaxValue - 16);
        }

        return null;
    }
}
