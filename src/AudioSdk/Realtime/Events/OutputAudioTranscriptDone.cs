using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>The whole transcript of the assistant's spoken answer for one item (<c>response.output_audio_transcript.done</c>, conversation
/// dialect).</summary>
/// <param name="responseId">The response it belongs to.</param>
/// <param name="itemId">The assistant item.</param>
/// <param name="transcript">The whole transcript.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class OutputAudioTranscriptDone(string? responseId, string? itemId, string transcript,
    JsonElement raw) : RealtimeEvent("response.output_audio_transcript.done", raw)
{
    /// <summary>The response it belongs to.</summary>
    public string? ResponseId { get; } = responseId;

    /// <summary>The assistant item.</summary>
    public string? ItemId { get; } = itemId;

    /// <summary>The whole transcript.</summary>
    public string Transcript { get; } = transcript;

    /// <inheritdoc />
    public override string ToString() => $"OutputAudioTranscriptDone {ResponseId} {ItemId}";
}
