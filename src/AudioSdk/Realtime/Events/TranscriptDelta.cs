using System.Text.Json;
using AudioSdk.Transcriptions;

namespace AudioSdk.Realtime;

/// <summary>More text of an utterance (<c>conversation.item.input_audio_transcription.delta</c>, native <c>transcription.delta</c>; empty
/// native deltas are dropped).</summary>
public sealed class TranscriptDelta : RealtimeEvent
{
    /// <summary>Creates the event.</summary>
    /// <param name="itemId">The utterance's item id.</param>
    /// <param name="delta">The new text.</param>
    /// <param name="contentIndex">The content index, when the server sends one.</param>
    /// <param name="logProbabilities">Token log probabilities, when asked for.</param>
    /// <param name="eventType">The wire type.</param>
    /// <param name="raw">The JSON as received.</param>
    public TranscriptDelta(string? itemId, string delta, int? contentIndex,
        IReadOnlyList<TranscriptionTokenLogProbability> logProbabilities, string eventType, JsonElement raw)
        : base(eventType, raw)
    {
        ItemId = itemId;
        Delta = delta;
        ContentIndex = contentIndex;
        LogProbabilities = logProbabilities;
    }

    /// <summary>A delta read on the fast path, its JSON kept as bytes until <see cref="RealtimeEvent.Raw"/> is read.</summary>
    internal TranscriptDelta(string? itemId, string delta, int? contentIndex,
        IReadOnlyList<TranscriptionTokenLogProbability> logProbabilities, string eventType, byte[] rawUtf8)
        : base(eventType, rawUtf8)
    {
        ItemId = itemId;
        Delta = delta;
        ContentIndex = contentIndex;
        LogProbabilities = logProbabilities;
    }

    /// <summary>The utterance's item id.</summary>
    public string? ItemId { get; internal set; }

    /// <summary>The new text.</summary>
    public string Delta { get; }

    /// <summary>The content index, when the server sends one.</summary>
    public int? ContentIndex { get; }

    /// <summary>Token log probabilities, when asked for.</summary>
    public IReadOnlyList<TranscriptionTokenLogProbability> LogProbabilities { get; }

    /// <inheritdoc />
    public override string ToString() => $"TranscriptDelta {ItemId}: {Delta}";
}
