using System.Text.Json;
using System.Text.Json.Serialization;

namespace AudioSdk.Internal.Json;

/// <summary>
/// Reads a token's <c>bytes</c> leniently: OpenAI's schema types the entries as <c>number</c>, so an entry such as
/// <c>104.0</c> is read as 104, and one that is not a whole number from 0 to 255 (or not a number at all) is
/// left out rather than failing the whole response. A value that is not an array reads as no bytes.
/// </summary>
internal sealed class TokenBytesConverter : JsonConverter<IReadOnlyList<int>>
{
    public override bool HandleNull => true;

    public override IReadOnlyList<int> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return [];
        }

        var bytes = new List<int>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value) && value >= 0 && value <= 255
                && value == Math.Floor(value))
            {
                bytes.Add((int)value);
            }
            else
            {
                reader.Skip();
            }
        }

        return bytes;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<int> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var b in value)
        {
            writer.WriteNumberValue(b);
        }

        writer.WriteEndArray();
    }
}
