using System.Buffers;
using System.Text.Json;
using AudioSdk.Internal;

namespace AudioSdk.Realtime;

/// <summary>
/// Keeps the bearer (API key or client secret) out of every event, whatever field a server echoes it in and however
/// it is encoded: <see cref="Scrub"/> rewrites a whole message before it is parsed, so no event, <see cref="RealtimeEvent.Raw"/>
/// or serialization of one (Microsoft.Extensions.AI's Trace logging writes them whole) can hold it; <see cref="Apply"/>
/// is the second line for messages that are not valid UTF-8 (they become <see cref="UnknownMessage"/>s).
/// </summary>
internal static class EventRedaction
{
    /// <summary>
    /// The message with every echo of the secret masked, or <see langword="null"/> when it holds none. A message with no
    /// escape, percent or entity character and no literal secret (audio deltas, nearly everything) is passed over at once.
    /// </summary>
    public static byte[]? Scrub(ReadOnlySpan<byte> message, string? secret, ReadOnlySpan<byte> secretUtf8)
    {
        if (string.IsNullOrEmpty(secret) || (message.IndexOfAny("\\%&"u8) < 0 && message.IndexOf(secretUtf8) < 0)
            || !System.Text.Unicode.Utf8.IsValid(message))
        {
            return null;
        }

        var text = System.Text.Encoding.UTF8.GetString(message);
        var redacted = SecretRedactor.Redact(text, secret)!;
        return ReferenceEquals(redacted, text) ? null : System.Text.Encoding.UTF8.GetBytes(redacted);
    }

    public static RealtimeEvent Apply(RealtimeEvent evt, string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return evt;
        }

        switch (evt)
        {
            case ServerError e when Holds(e.Raw, secret) || Has(secret, e.Message, e.Code, e.ErrorType, e.Param, e.ClientEventId):
                return new ServerError(R(e.ErrorType, secret), R(e.Code, secret), R(e.Message, secret)!, R(e.Param, secret),
                    R(e.ClientEventId, secret), Rewrite(e.Raw, secret));
            case TranscriptFailed f when Holds(f.Raw, secret):
                return new TranscriptFailed(R(f.ItemId, secret), R(f.ErrorType, secret), R(f.Code, secret), R(f.Message, secret),
                    Rewrite(f.Raw, secret));
            case UnknownMessage u when Holds(u.Raw, secret) || u.RawText.Contains(secret, StringComparison.Ordinal):
                var raw = Rewrite(u.Raw, secret);
                return new UnknownMessage(R(u.EventType, secret)!, raw,
                    raw.ValueKind == JsonValueKind.Undefined ? R(u.RawText, secret)! : raw.GetRawText());
            default:
                return evt;
        }
    }

    private static string? R(string? text, string secret) => SecretRedactor.Redact(text, secret);

    private static bool Has(string secret, params string?[] texts) => texts.Any(t => t?.Contains(secret, StringComparison.Ordinal) == true);

    /// <summary>Whether any string or property name in the JSON, once unescaped, holds the secret.</summary>
    private static bool Holds(JsonElement element, string secret)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Text(element)?.Contains(secret, StringComparison.Ordinal) == true;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name.Contains(secret, StringComparison.Ordinal) || Holds(property.Value, secret))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (Holds(item, secret))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private static JsonElement Rewrite(JsonElement element, string secret)
    {
        if (element.ValueKind == JsonValueKind.Undefined || !Holds(element, secret))
        {
            return element;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, element, secret);
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element, string secret)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(R(property.Name, secret)!);
                    Write(writer, property.Value, secret);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, secret);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String when Text(element) is { } text:
                writer.WriteStringValue(R(text, secret));
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary>A string's value; <see langword="null"/> for one .NET cannot hold (a lone surrogate).</summary>
    private static string? Text(JsonElement element)
    {
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
