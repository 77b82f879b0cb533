using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>
/// A piece of the assistant's spoken answer (<c>response.output_audio.delta</c>, conversation dialect), decoded once
/// from base64 into the session's output format (<see cref="RealtimeConversationOptions.OutputAudioFormat"/>: PCM16 at
/// 24 kHz mono, little-endian, by default; G.711 codes at 8 kHz for telephony) owned by the event. The received JSON is not kept;
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

    /// <summary>The audio of this delta, in <see cref="Format"/>: PCM16 (24 kHz) or G.711 codes (8 kHz) as received.</summary>
    public ReadOnlyMemory<byte> Audio { get; }

    /// <summary>How <see cref="Audio"/> is encoded (the session's <see cref="RealtimeConversationOptions.OutputAudioFormat"/>).</summary>
    public RealtimeAudioEncoding Format { get; internal set; }

    /// <summary>The sample rate of <see cref="Audio"/>: 24000 for PCM16, 8000 for G.711.</summary>
    public int SampleRate => Format == RealtimeAudioEncoding.Pcm16 ? 24000 : AudioSdk.Audio.G711.SampleRate;

    /// <summary>The length of <see cref="Audio"/>.</summary>
    public TimeSpan Duration => DurationOf(Audio.Length, Format);

    /// <summary>The audio as little-endian PCM16 at <see cref="SampleRate"/>: G.711 decoded, PCM16 copied.</summary>
    /// <returns>A new array.</returns>
    public byte[] ToPcm16() => Format.Law() is { } law ? AudioSdk.Audio.G711.DecodeToPcmBytes(Audio.Span, law) : Audio.ToArray();

    internal static TimeSpan DurationOf(long bytes, RealtimeAudioEncoding format) =>
        format == RealtimeAudioEncoding.Pcm16 ? TimeSpan.FromTicks(bytes * TimeSpan.TicksPerSecond / 48000) : TimeSpan.FromTicks(bytes * TimeSpan.TicksPerSecond / AudioSdk.Audio.G711.SampleRate);

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
