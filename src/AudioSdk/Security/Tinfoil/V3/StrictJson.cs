using System.Text.Json;

namespace AudioSdk.Security.Tinfoil.V3;

/// <summary>Strict JSON for signed documents: valid UTF-8, no duplicate members anywhere, no unknown members where the shape is
/// fixed.</summary>
internal static class StrictJson
{
    public static JsonDocument Parse(ReadOnlyMemory<byte> bytes, string what)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes.Span))
        {
            throw Envelope($"{what} is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            throw Envelope($"{what} is not a single JSON value", ex);
        }

        if (HasDuplicates(document.RootElement))
        {
            document.Dispose();
            throw Envelope($"{what} has a duplicate member");
        }

        return document;
    }

    /// <summary>Checks an object has exactly the required members plus any of the optional ones.</summary>
    public static JsonElement Object(JsonElement element, string what, string[] required, params string[] optional)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Envelope($"{what} is not an object");
        }

        var seen = 0;
        foreach (var property in element.EnumerateObject())
        {
            if (Array.IndexOf(required, property.Name) >= 0)
            {
                seen++;
            }
            else if (Array.IndexOf(optional, property.Name) < 0)
            {
                throw Envelope($"{what} has an unknown member '{property.Name}'");
            }
        }

        if (seen != required.Length)
        {
            throw Envelope($"{what} lacks one of {string.Join(", ", required)}");
        }

        return element;
    }

    public static string String(JsonElement element, string name, string what)
    {
        var value = element.GetProperty(name);
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Envelope($"{what}.{name} is not a string");
        }

        return value.GetString()!;
    }

    public static byte[] Hex(JsonElement element, string name, string what, int length) =>
        Tinfoil.Hex.TryDecodeCanonical(String(element, name, what), length)
            ?? throw Envelope($"{what}.{name} is not {length} bytes of lowercase hex");

    public static byte[] Base64(JsonElement element, string name, string what) =>
        Base64Strict.TryDecodeCanonical(String(element, name, what)) ?? throw Envelope($"{what}.{name} is not canonical base64");

    public static AttestationException Envelope(string why, Exception? inner = null) =>
        Reject.With(AttestationStage.Envelope, "ENVELOPE_REJECTED", why, inner);

    private static bool HasDuplicates(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!names.Add(property.Name) || HasDuplicates(property.Value))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (HasDuplicates(item))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }
}
