using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AudioSdk.Internal.Json;

/// <summary>Reads a JSON number of seconds (or a numeric string) as a <see cref="TimeSpan"/> with tick precision.</summary>
internal sealed class SecondsConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        FromSeconds(ReadSeconds(ref reader));

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.TotalSeconds);

    /// <summary>The largest magnitude read (about 3,000 years), so later arithmetic on the value cannot overflow.</summary>
    internal const double MaxSeconds = 1e11;

    internal static TimeSpan FromSeconds(double seconds) => Math.Abs(seconds) <= MaxSeconds
        ? TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond))
        : throw new JsonException($"{seconds} seconds is outside the range of a time offset.");

    internal static double ReadSeconds(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => reader.GetDouble(),
        JsonTokenType.String when double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) => s,
        _ => throw new JsonException($"Expected a number of seconds, found {reader.TokenType}."),
    };
}

/// <summary>As <see cref="SecondsConverter"/>, for optional values.</summary>
internal sealed class NullableSecondsConverter : JsonConverter<TimeSpan?>
{
    public override bool HandleNull => true;

    public override TimeSpan? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : SecondsConverter.FromSeconds(SecondsConverter.ReadSeconds(ref reader));

    public override void Write(Utf8JsonWriter writer, TimeSpan? value, JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            writer.WriteNumberValue(v.TotalSeconds);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>Reads a string, or a number as its invariant text (some servers send numeric error codes).</summary>
internal sealed class LenientStringConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number =>
            reader.TryGetInt64(out var l) ? l.ToString(CultureInfo.InvariantCulture) : reader.GetDouble().ToString(CultureInfo.InvariantCulture),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        _ => JsonDocument.ParseValue(ref reader).RootElement.GetRawText(),
    };

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
