using System.Globalization;

namespace AudioSdk.Security.Tinfoil;

/// <summary>Hex helpers: lowercase output, strict or case-insensitive input.</summary>
internal static class Hex
{
    public static string Lower(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    /// <summary>Decodes hex of either case; null when the text is not an even number of hex digits.</summary>
    public static byte[]? TryDecode(string? text)
    {
        if (text is null || text.Length % 2 != 0)
        {
            return null;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return null;
            }
        }

        return Convert.FromHexString(text);
    }

    /// <summary>Decodes lowercase hex only (the canonical form on the wire); null otherwise.</summary>
    public static byte[]? TryDecodeCanonical(string? text, int expectedLength = -1)
    {
        if (text is null || (expectedLength >= 0 && text.Length != expectedLength * 2))
        {
            return null;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return null;
            }
        }

        return TryDecode(text);
    }

    public static string Normalize(string text) => text.ToLower(CultureInfo.InvariantCulture);
}
