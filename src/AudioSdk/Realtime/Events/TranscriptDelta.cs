using System.Text.Json;
using AudioSdk.Transcriptions;

namespace AudioSdk.Realtime;

/// <summary>More text of an utterance (<c>conversation.item.input_audio_transcription.delta</c>, native <c>transcription.delta</c>; empty native deltas are dropped).</summary>
/// <param name="itemId">The utterance's item id.</param>
/// <param name="delta">The new text.</param>
/// <param name="contentIndex">The content index, when the server sends one.</param>
/// <param name="logProbabilities">Token log probabilities, when asked for.</param>
/// <param name="eventType">The wire type.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class TranscriptDelta(string? itemId, string delta, int? contentIndex, IReadOnlyList<TranscriptionTokenLogProbability> logProbabilities, string eventType, JsonElement raw)
    : RealtimeEvent(eventType, raw)
{
    /// <summary>The utterance's item id.</summary>
    public string? ItemId { get; } = itemId;

    /// <summary>The new text.</summary>
    public string Delta { get; } = delta;

    /// <summary>The content index, when the server sends one.</summary>
    public int? ContentIndex { get; } = contentIndex;

    /// <summary>Token log probabilities, when asked for.</summary>
    public IReadOnlyList<TranscriptionTokenLogProbability> LogProbabilities { get; } = logProbabilities;

    /// <inheritdoc />
    public override string ToString() => $"TranscriptDelta {ItemId}: {Delta}";
}
