using System.Globalization;
using System.Text;

namespace AudioSdk.Internal.Http;

/// <summary>Builds <c>multipart/form-data</c> bodies: text fields first, then the streamed file part.</summary>
internal static class MultipartBuilder
{
    public static MultipartFormDataContent Create(PreparedAudio audio, IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        var content = new MultipartFormDataContent();
        foreach (var field in fields)
        {
            var part = new StringContent(field.Value);
            part.Headers.ContentType = null;
            content.Add(part, Quote(field.Key));
        }

        var file = new AudioUploadContent(audio.Source, audio.ContentType);
        file.Headers.TryAddWithoutValidation("Content-Disposition", FileDisposition(audio.FileName));
        content.Add(file);
        return content;
    }

    /// <summary>
    /// The file part's disposition. A name that is not plain printable ASCII is sent twice, as the official clients
    /// do: an ASCII <c>filename</c> that keeps the extension (other characters become <c>_</c>) for servers that
    /// read only that, and <c>filename*=UTF-8''...</c> (RFC 5987) with the real name.
    /// </summary>
    internal static string FileDisposition(string fileName)
    {
        var ascii = true;
        foreach (var c in fileName)
        {
            if (c is < ' ' or > '~')
            {
                ascii = false;
                break;
            }
        }

        if (ascii)
        {
            return "form-data; name=\"file\"; filename=" + Quote(fileName);
        }

        var fallback = new StringBuilder(fileName.Length);
        var encoded = new StringBuilder(fileName.Length * 3);
        foreach (var rune in fileName.EnumerateRunes())
        {
            fallback.Append(rune.Value is >= ' ' and <= '~' ? (char)rune.Value : '_');
        }

        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in fileName.EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..length])
            {
                if (IsAttributeChar(b))
                {
                    encoded.Append((char)b);
                }
                else
                {
                    encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }
        }

        return "form-data; name=\"file\"; filename=" + Quote(fallback.ToString()) + "; filename*=UTF-8''" + encoded;
    }

    // RFC 5987 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
    private static bool IsAttributeChar(byte b) =>
        b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'!' or (byte)'#' or (byte)'$' or (byte)'&' or (byte)'+' or (byte)'-' or (byte)'.' or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~';

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
