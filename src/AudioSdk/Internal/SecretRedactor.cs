using System.Globalization;
using System.Text;

namespace AudioSdk.Internal;

/// <summary>
/// Replaces a secret with <c>***</c> in text that came from a server, in every form an echo can take: literal,
/// JSON-escaped (<c>\u0073k-...</c>, <c>\/</c>, any mix of escaped and plain characters), percent-encoded
/// (<c>%73k-...</c>, UTF-8 bytes, either case) and as HTML character references (<c>&amp;#115;</c>, <c>&amp;#x73;</c>).
/// The one redactor every output path uses.
/// </summary>
internal static class SecretRedactor
{
    public const string Mask = "***";

    /// <summary>The text with every occurrence of the secret, in any of the forms above, replaced by <see cref="Mask"/>.</summary>
    /// <param name="text">Text from a server (a body, a header, a reason phrase, an event).</param>
    /// <param name="secret">The secret; nothing is replaced when it is null or empty.</param>
    public static string? Redact(string? text, string? secret)
    {
        if (string.IsNullOrEmpty(text) || string.IsNullOrEmpty(secret))
        {
            return text;
        }

        if (text.AsSpan().IndexOfAny('\\', '%', '&') < 0)
        {
            return text.Contains(secret, StringComparison.Ordinal) ? text.Replace(secret, Mask, StringComparison.Ordinal) : text;
        }

        StringBuilder? result = null;
        var copied = 0;
        var i = 0;
        while (i < text.Length)
        {
            var end = MatchAt(text, i, secret);
            if (end < 0)
            {
                i++;
                continue;
            }

            result ??= new StringBuilder(text.Length);
            result.Append(text, copied, i - copied).Append(Mask);
            copied = i = end;
        }

        return result is null ? text : result.Append(text, copied, text.Length - copied).ToString();
    }

    /// <summary>
    /// The exception to give the caller: <paramref name="error"/> itself when no message in its chain mentions the
    /// secret (in any form above, or as the hex bytes .NET prints for a framing line it cannot parse); otherwise a copy
    /// of the same kind (<see cref="HttpRequestException"/>, <see cref="HttpIOException"/>, <see cref="IOException"/>)
    /// whose messages are redacted, down the whole inner chain. A server can put the key in a header line or a chunk
    /// line that .NET then quotes in its own message.
    /// </summary>
    /// <param name="error">The exception as thrown.</param>
    /// <param name="secret">The secret; nothing is changed when it is null or empty.</param>
    public static Exception Scrub(Exception error, string? secret) =>
        string.IsNullOrEmpty(secret) || !Mentions(error, secret) ? error : Copy(error, secret)!;

    private static bool Mentions(Exception? error, string secret)
    {
        for (; error is not null; error = error.InnerException)
        {
            var message = error.Message;
            if (!ReferenceEquals(RedactMessage(message, secret), message))
            {
                return true;
            }
        }

        return false;
    }

    private static Exception? Copy(Exception? error, string secret)
    {
        if (error is null || !Mentions(error, secret))
        {
            return error;
        }

        var message = RedactMessage(error.Message, secret);
        var inner = Copy(error.InnerException, secret);
        return error switch
        {
            AudioTransportException transport => new AudioTransportException(message, inner, transport.IsTimeout, transport.Attempts),
            HttpRequestException http => new HttpRequestException(http.HttpRequestError, message, inner, http.StatusCode),
            HttpIOException io => new HttpIOException(io.HttpRequestError, message, inner),
            IOException => new IOException(message, inner),
            TimeoutException => new TimeoutException(message, inner),
            _ => new IOException(message, inner),
        };
    }

    /// <summary>A message with the secret redacted, including its bytes as upper-case hex pairs joined by dashes.</summary>
    private static string RedactMessage(string message, string secret)
    {
        var redacted = Redact(message, secret)!;
        var hex = BitConverter.ToString(Encoding.UTF8.GetBytes(secret));
        return redacted.Contains(hex, StringComparison.OrdinalIgnoreCase) ? redacted.Replace(hex, Mask,
            StringComparison.OrdinalIgnoreCase) : redacted;
    }

    /// <summary>
    /// Redacts a response's reason phrase and header values in place, so everything built from it afterwards
    /// (messages, logs, <see cref="ResponseMetadata"/>) sees only the redacted values.
    /// </summary>
    /// <param name="response">The response, as it arrived.</param>
    /// <param name="secret">The secret.</param>
    public static void RedactResponse(HttpResponseMessage response, string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return;
        }

        if (Redact(response.ReasonPhrase, secret) is var reason && !ReferenceEquals(reason, response.ReasonPhrase))
        {
            response.ReasonPhrase = reason;
        }

        Redact(response.Headers, secret);
        Redact(response.Content.Headers, secret);
    }

    private static void Redact(System.Net.Http.Headers.HttpHeaders headers, string secret)
    {
        List<(string Name, List<string> Values)>? changed = null;
        foreach (var header in headers.NonValidated)
        {
            List<string>? values = null;
            var index = 0;
            foreach (var value in header.Value)
            {
                var redacted = Redact(value, secret)!;
                if (values is null && !ReferenceEquals(redacted, value))
                {
                    values = header.Value.Take(index).ToList();
                }

                values?.Add(redacted);
                index++;
            }

            if (values is not null || !ReferenceEquals(Redact(header.Key, secret), header.Key))
            {
                (changed ??= []).Add((header.Key, values ?? [.. header.Value]));
            }
        }

        foreach (var (name, values) in changed ?? [])
        {
            headers.Remove(name);
            var redactedName = Redact(name, secret)!;
            headers.TryAddWithoutValidation(redactedName == name ? name : "X-Redacted", values);
        }
    }

    /// <summary>Where a match of the whole secret starting at <paramref name="start"/> ends, or -1.</summary>
    private static int MatchAt(string text, int start, string secret)
    {
        var at = start;
        Span<byte> utf8 = stackalloc byte[4];
        for (var k = 0; k < secret.Length; k++)
        {
            var c = secret[k];
            if (at >= text.Length)
            {
                return -1;
            }

            if (text[at] == c)
            {
                at++;
                continue;
            }

            var next = DecodeOne(text, at, c, utf8);
            if (next < 0)
            {
                return -1;
            }

            at = next;
        }

        return at;
    }

    /// <summary>Where an encoded form of <paramref name="expected"/> at <paramref name="at"/> ends, or -1.</summary>
    private static int DecodeOne(string text, int at, char expected, Span<byte> utf8)
    {
        switch (text[at])
        {
            case '\\' when at + 1 < text.Length:
                var escape = text[at + 1];
                if (escape is 'u' or 'U' && at + 6 <= text.Length && TryHex(text.AsSpan(at + 2, 4), out var code) && code == expected)
                {
                    return at + 6;
                }

                return escape == expected && escape is '/' or '\\' or '"' or '\'' ? at + 2 : -1;
            case '%':
                var length = Encoding.UTF8.GetBytes([expected], utf8);
                var position = at;
                for (var b = 0; b < length; b++)
                {
                    if (position + 3 > text.Length || text[position] != '%' || !TryHex(text.AsSpan(position + 1, 2), out var value)
                        || value != utf8[b])
                    {
                        return -1;
                    }

                    position += 3;
                }

                return position;
            case '&' when at + 3 < text.Length && text[at + 1] == '#':
                var semicolon = text.IndexOf(';', at + 2);
                if (semicolon < 0 || semicolon - at > 10)
                {
                    return -1;
                }

                var digits = text.AsSpan(at + 2, semicolon - at - 2);
                var parsed = digits.Length > 1 && digits[0] is 'x' or 'X'
                    ? TryHex(digits[1..], out var hex) ? hex : -1
                    : int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var dec) ? dec : -1;
                return parsed == expected ? semicolon + 1 : -1;
            default:
                return -1;
        }
    }

    private static bool TryHex(ReadOnlySpan<char> digits, out int value) =>
        int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
}
