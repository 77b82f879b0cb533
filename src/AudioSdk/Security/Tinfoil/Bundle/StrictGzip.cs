using System.Buffers.Binary;
using System.IO.Compression;

namespace AudioSdk.Security.Tinfoil.Bundle;

/// <summary>
/// One gzip member (RFC 1952) read strictly, for a report body an attacker controls: the header's reserved flags clear,
/// the trailer's CRC-32 and length equal to what the deflate data gives, nothing after the trailer, and the output
/// bounded. A re-encoded body is also refused by the certificate's <c>.hatt.</c> names, which bind its exact bytes.
/// </summary>
internal static class StrictGzip
{
    private const byte FlagHeaderCrc = 0x02;
    private const byte FlagExtra = 0x04;
    private const byte FlagName = 0x08;
    private const byte FlagComment = 0x10;

    private static readonly uint[] Table = BuildTable();

    /// <summary>The decompressed bytes when the input is one well-formed member of exactly <paramref name="expectedLength"/> bytes;
    /// otherwise null.</summary>
    public static byte[]? TryDecompress(ReadOnlySpan<byte> member, int expectedLength)
    {
        if (member.Length < 18 || member[0] != 0x1F || member[1] != 0x8B || member[2] != 8 || (member[3] & 0xE0) != 0)
        {
            return null;
        }

        var flags = member[3];
        var at = 10;
        if ((flags & FlagExtra) != 0)
        {
            if (member.Length < at + 2)
            {
                return null;
            }

            at += 2 + BinaryPrimitives.ReadUInt16LittleEndian(member[at..]);
        }

        foreach (var flag in new[] { FlagName, FlagComment })
        {
            if ((flags & flag) != 0 && at < member.Length)
            {
                var end = member[at..].IndexOf((byte)0);
                at = end < 0 ? member.Length : at + end + 1;
            }
        }

        if ((flags & FlagHeaderCrc) != 0)
        {
            at += 2;
        }

        if (at > member.Length - 8)
        {
            return null;
        }

        var trailer = member[^8..];
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        if (size != (uint)expectedLength)
        {
            return null;
        }

        var output = new byte[expectedLength + 1];
        var total = 0;
        try
        {
            using var inflater = new DeflateStream(new MemoryStream(member[at..^8].ToArray(), writable: false), CompressionMode.Decompress);
            int read;
            while (total < output.Length && (read = inflater.Read(output, total, output.Length - total)) > 0)
            {
                total += read;
            }
        }
        catch (InvalidDataException)
        {
            return null;
        }

        return total == expectedLength && Crc32(output.AsSpan(0, total)) == crc ? output[..total] : null;
    }

    /// <summary>CRC-32 (ISO 3309, the polynomial gzip uses).</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
