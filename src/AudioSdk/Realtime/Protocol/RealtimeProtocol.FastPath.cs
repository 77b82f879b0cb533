using System.Globalization;
using System.Text;
using System.Text.Json;
using AudioSdk.Internal.Json;
using AudioSdk.Transcriptions;

namespace AudioSdk.Realtime.Protocol;

internal abstract partial class RealtimeProtocol
{
    /// <summary>
    /// The hot path: a well-formed delta read field by field with <see cref="Utf8JsonReader"/>, its JSON kept as bytes
    /// (parsed only if <see cref="RealtimeEvent.Raw"/> is read). Anything unusual falls back to the general reader.
    /// </summary>
    private bool TryReadDelta(ReadOnlySpan<byte> utf8, string? currentItemId, out RealtimeEvent? evt)
    {
        evt = null;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var isDelta = false;
            string? itemId = null;
            string? delta = null;
            int? contentIndex = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals(DeltaType))
                    {
                        return false;
                    }

                    isDelta = true;
                }
                else if (reader.ValueTextEquals("item_id"u8))
                {
                    var last = Volatile.Read(ref _lastItemId);
                    if (reader.Read() && reader.TokenType == JsonTokenType.String && last is not null && reader.ValueTextEquals(last))
                    {
                        itemId = last;
                    }
                    else if (reader.TokenType == JsonTokenType.String)
                    {
                        itemId = reader.GetString();
                        Volatile.Write(ref _lastItemId, itemId);
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("delta"u8))
                {
                    if (!TryReadString(ref reader, out delta))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("content_index"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var index))
                    {
                        contentIndex = index;
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("logprobs"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.Null)
                    {
                        return false;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (!isDelta || reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false;
            }

            evt = CreateDelta(itemId, delta, contentIndex, currentItemId, utf8.ToArray());
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private static bool TryReadString(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            value = reader.GetString();
            return true;
        }

        return reader.TokenType == JsonTokenType.Null;
    }
}
