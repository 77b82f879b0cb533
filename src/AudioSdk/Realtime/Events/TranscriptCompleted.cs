using System.Text.Json;
using AudioSdk.Transcriptions;

namespace AudioSdk.Realtime;

/// <summary>An utterance's final transcript (<c>...input_audio_transcription.completed</c>, native <c>transcription.done</c>).</summary>
/// <param name="itemId">The utterance's item id.</param>
/// <param name="transcript">The final text, as the server sent it (native text usually starts with a space).</param>
/// <param name="usage">Usage normalised across dialects, when reported.</param>
/// <param name="logProbabilities">Token log probabilities, when asked for.</param>
/// <param name="eventType">The wire type.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class TranscriptCompleted(string? itemId, string transcript, RealtimeUsage? usage,
    IReadOnlyList<TranscriptionTokenLogProbability> logProbabilities, string eventType, JsonElement raw)
    : RealtimeEvent(eventType, raw)
{
    /// <summary>The utterance's item id.</summary>
    public string? ItemId { get; internal set; } = itemId;

    /// <summary>The final text.</summary>
    public string Transcript { get; } = transcript;

    /// <summary>Usage normalised across dialects; <see langword="null"/> when the server reports none (Tinfoil's OpenAI mode).</summary>
    public RealtimeUsage? Usage { get; } = usage;

    /// <summary>Token log probabilities, when asked for.</summary>
    public IReadOnlyList<TranscriptionTokenLogProbability> LogProbabilities { get; } = logProbabilities;

    /// <inheritdoc />
    public override string ToString() => $"TranscriptCompleted {ItemId}: {Transcript}";
}
