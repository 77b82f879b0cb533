using System.Globalization;
using System.Text;

namespace AudioSdk.Internal.Http;

/// <summary>
/// Builds <c>multipart/form-data</c> bodies: text fields first, then the streamed file part. Everything but the file's
/// bytes is encoded once per request into one buffer that every attempt reuses; the file streams from its source.
/// </summary>
internal static class MultipartBuilder
{
    private const string BoundaryPrefix = "audiosdk-";

    private static readonly System.Buffers.SearchValues<char> Special = System.Buffers.SearchValues.Create("\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u007f");

    public static MultipartBody Create(PreparedAudio audio, IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        Span<char> boundary = stackalloc char[BoundaryPrefix.Length + 32];
        BoundaryPrefix.CopyTo(boundary);
        Guid.NewGuid().TryFormat(boundary[BoundaryPrefix.Length..], out _, "N");

        // Encoded straight into one pooled buffer, then copied once into the array every attempt reuses.
        var writer = new Utf8Writer(1024);
        try
        {
            foreach (var field in fields)
            {
                writer.Write("--").Write(boundary).Write("\r\nContent-Disposition: form-data; name=").Write(Quote(field.Key)).Write("\r\n\r\n").Write(field.Value).Write("\r\n");
            }

            writer.Write("--").Write(boundary).Write("\r\nContent-Disposition: ").Write(FileDisposition(audio.FileName))
                .Write("\r\nContent-Type: ").Write(HeaderValue(audio.ContentType)).Write("\r\n\r\n");
            var head = writer.ToArray();
            writer.Clear().Write("\r\n--").Write(boundary).Write("--\r\n");
            return new MultipartBody(head, writer.ToArray(), string.Concat("multipart/form-data; boundary=\"", boundary, "\""),
                audio.Source);
        }
        finally
        {
            writer.Dispose();
        }
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

    /// <summary>
    /// A quoted parameter value, escaped as browsers and openai-python's HTTP client do: a quote becomes <c>%22</c>, a
    /// backslash is doubled, control characters are percent-encoded, so no value can end the header early.
    /// </summary>
    private static string Quote(string value)
    {
        if (!value.AsSpan().ContainsAny(Special))
        {
            return "\"" + value + "\"";
        }

        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => quoted.Append("%22"),
                '\\' => quoted.Append("\\\\"),
                < ' ' or '\u007f' => quoted.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture)),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('"').ToString();
    }

    private static string HeaderValue(string value) =>
        value.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal);

    /// <summary>Appends UTF-8 text to a pooled buffer that grows as needed.</summary>
    private sealed class Utf8Writer(int capacity) : IDisposable
    {
        private byte[] _buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(capacity);
        private int _length;

        public Utf8Writer Write(ReadOnlySpan<char> text)
        {
            var needed = _length + Encoding.UTF8.GetMaxByteCount(text.Length);
            if (needed > _buffer.Length)
            {
                var larger = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
                _buffer.AsSpan(0, _length).CopyTo(larger);
                System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
            return this;
        }

        public Utf8Writer Clear()
        {
            _length = 0;
            return this;
        }

        public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

        public void Dispose() => System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
    }
}
