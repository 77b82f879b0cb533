using System.Globalization;
using System.Text.Json;

namespace AudioSdk.Security.Tinfoil.Sigstore;

/// <summary>Small readers over <see cref="JsonElement"/> for protobuf-JSON shapes (int64 as string or number).</summary>
internal static class Json
{
    public static JsonElement? Get(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            && value.ValueKind != JsonValueKind.Null ? value : null;

    public static string? GetString(this JsonElement element, string name) =>
        element.Get(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static long? GetInt64(this JsonElement element, string name) => element.Get(name) switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out var v) => v,
        { ValueKind: JsonValueKind.String } s when long.TryParse(s.GetString(), NumberStyles.None, CultureInfo.InvariantCulture,
            out var v) => v,
        _ => null,
    };

    /// <summary>
    /// An int64 member (number or decimal string) that must lie in [<paramref name="min"/>, <paramref name="max"/>]:
    /// null when absent, and <paramref name="fail"/>'s exception when present but not such a whole number.
    /// </summary>
    public static long? GetInt64InRange(this JsonElement element, string name, long min, long max, Func<string, AttestationException> fail)
    {
        if (element.Get(name) is not { } value)
        {
            return null;
        }

        long? number = value switch
        {
            { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out var v) => v,
            { ValueKind: JsonValueKind.String } s when long.TryParse(s.GetString(), NumberStyles.None, CultureInfo.InvariantCulture,
                out var v) => v,
            _ => null,
        };
        return number is { } n2 && n2 >= min && n2 <= max
            ? n2
            : throw fail($"{name} is not a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
    }

    public static IEnumerable<JsonElement> GetArray(this JsonElement element, string name) =>
        element.Get(name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    public static DateTimeOffset? GetTime(this JsonElement element, string name) =>
        element.GetString(name) is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
