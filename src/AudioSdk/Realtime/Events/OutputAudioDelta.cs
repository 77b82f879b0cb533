using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>
/// A piece of the assistant's spoken answer (<c>response.output_audio.delta</c>, conversation dialect), decoded once
/// from base64 into PCM16 (24 kHz mono, little-endian) owned by the event. The received JSON is not kept;
/// <see cref="RealtimeEvent.Raw"/> is rebuilt from the fields when read.
/// </summary>
public sealed class OutputAudioDelta : RealtimeEvent
{
    internal OutputAudioDelta(string? responseId, string? itemId, int outputIndex, int contentIndex, byte[] audio)
        : base("response.output_audio.delta")
    {
        ResponseId = responseId;
        ItemId = itemId;
        OutputIndex = outputIndex;
        ContentIndex = contentIndex;
        Audio = audio;
    }

    /// <summary>The response it belongs to.</summary>
    public string? ResponseId { get; }

    /// <summary>The assistant item it belongs to (truncate by this id after a barge-in).</summary>
    public string? ItemId { get; }

    /// <summary>The item's position in the response's output.</summary>
    public int OutputIndex { get; }

    /// <summary>The content part within the item.</summary>
    public int ContentIndex { get; }

    /// <summary>The PCM16 audio of this delta.</summary>
    public ReadOnlyMemory<byte> Audio { get; }

    /// <summary>The length of <see cref="Audio"/> at 24 kHz.</summary>
    public TimeSpan Duration => TimeSpan.FromTicks(Audio.Length * TimeSpan.TicksPerSecond / 48000);

    /// <inheritdoc />
    public override string ToString() => $"OutputAudioDelta {ItemId} {Audio.Length} bytes";

    private protected override byte[] BuildRaw()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, EventType);
            writer.WriteString("response_id"u8, ResponseId);
            writer.WriteString("item_id"u8, ItemId);
            writer.WriteNumber("output_index"u8, OutputIndex);
            writer.WriteNumber("content_index"u8, ContentIndex);
            writer.WriteBase64String("delta"u8, Audio.Span);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
