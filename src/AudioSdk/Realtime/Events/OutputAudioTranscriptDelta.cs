using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>A piece of the transcript of the assistant's spoken answer (<c>response.output_audio_transcript.delta</c>, conversation
/// dialect).</summary>
/// <param name="responseId">The response it belongs to.</param>
/// <param name="itemId">The assistant item.</param>
/// <param name="delta">The text.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class OutputAudioTranscriptDelta(string? responseId, string? itemId, string delta,
    JsonElement raw) : RealtimeEvent("response.output_audio_transcript.delta", raw)
{
    /// <summary>The response it belongs to.</summary>
    public string? ResponseId { get; } = responseId;

    /// <summary>The assistant item.</summary>
    public string? ItemId { get; } = itemId;

    /// <summary>The text.</summary>
    public string Delta { get; } = delta;

    /// <inheritdoc />
    public override string ToString() => $"OutputAudioTranscriptDelta {ResponseId} {ItemId}";
}
