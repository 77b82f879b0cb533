using System.IO.Compression;

namespace AudioSdk.Security.Tinfoil;

/// <summary>Canonical base64 and bounded gzip, for bytes an attacker controls.</summary>
internal static class Base64Strict
{
    /// <summary>Decodes standard base64 only when it is canonical (no whitespace, padding, zero pad bits); null otherwise.</summary>
    public static byte[]? TryDecodeCanonical(string? text)
    {
        if (text is null || text.Length % 4 != 0)
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }

        return string.Equals(Convert.ToBase64String(bytes), text, StringComparison.Ordinal) ? bytes : null;
    }

    /// <summary>Decodes standard base64 (lenient about canonical form); null when it is not base64.</summary>
    public static byte[]? TryDecode(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Decompresses gzip into at most <paramref name="maxBytes"/> bytes; null when it is not gzip or is larger.</summary>
    public static byte[]? TryGunzip(byte[] compressed, int maxBytes)
    {
        try
        {
            using var input = new GZipStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress);
            var buffer = new byte[maxBytes + 1];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = input.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
            }

            return total > maxBytes ? null : buffer[..total];
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
