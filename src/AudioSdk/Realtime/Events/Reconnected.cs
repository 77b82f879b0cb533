namespace AudioSdk.Realtime;

/// <summary>
/// A new connection is open and configured, and the audio of every utterance without a final transcript has been sent
/// again (with the commits that had been made). Synthesized by the SDK. Transcripts of replayed utterances complete
/// the item ids you already hold; their deltas start over.
/// </summary>
/// <param name="attempts">The attempts it took.</param>
/// <param name="sessionId">The new connection's session id, when the server gives one.</param>
/// <param name="audioReplayed">How much audio was sent again.</param>
/// <param name="audioDropped">Audio that could not be replayed because it was past
/// <see cref="RealtimeReconnectOptions.MaxReplayDuration"/>.</param>
/// <param name="utterancesReplayed">How many utterances were sent again (committed or under way).</param>
public sealed class Reconnected(int attempts, string? sessionId, TimeSpan audioReplayed, TimeSpan audioDropped,
    int utterancesReplayed) : RealtimeEvent("reconnected", default(System.Text.Json.JsonElement))
{
    /// <summary>The attempts it took.</summary>
    public int Attempts { get; } = attempts;

    /// <summary>The new connection's session id, when the server gives one.</summary>
    public string? SessionId { get; } = sessionId;

    /// <summary>How much audio was sent again.</summary>
    public TimeSpan AudioReplayed { get; } = audioReplayed;

    /// <summary>Audio let go because it was past <see cref="RealtimeReconnectOptions.MaxReplayDuration"/> (zero when none).</summary>
    public TimeSpan AudioDropped { get; } = audioDropped;

    /// <summary>How many utterances were sent again.</summary>
    public int UtterancesReplayed { get; } = utterancesReplayed;

    /// <inheritdoc />
    public override string ToString() => $"Reconnected after {Attempts} attempt(s), {AudioReplayed.TotalSeconds:0.###} s replayed";
}
