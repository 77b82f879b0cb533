using System.Net.WebSockets;

namespace AudioSdk.Realtime;

/// <summary>
/// How a realtime session recovers when its connection drops (<see cref="RealtimeSessionOptions.Reconnect"/>): it opens
/// a new connection through the same handler (so pinning still holds), configures it as before, replays the audio of
/// every utterance that has no final transcript yet, commits what had been committed, and goes on. Item ids you hold
/// stay valid, and an id you have seen is never given to another utterance (a new item whose server id repeats one gets a
/// <c>~n</c> suffix, see <see cref="RealtimeSession"/>). Sends made during the outage wait for it to end.
/// <para>
/// The conversation dialect resumes the conversation: a new socket is a new conversation, so the new one gets the same
/// configuration and then the conversation so far as items, under the ids you know (system and user text, user audio
/// turns as their input transcripts, assistant messages as their text or transcript, function calls and outputs; no
/// audio), and their echoes are not shown again. A user audio turn with no input transcript cannot be carried and is
/// left out: turn input transcription on if the model must remember such turns. A response the drop cut off ends at
/// once with a <see cref="ResponseDone"/> of status <c>cancelled</c> and <see cref="ResponseDone.StatusReason"/>
/// <c>connection_lost</c> (published between <see cref="Reconnecting"/> and <see cref="Reconnected"/>); its partial
/// output is not kept. Set <see cref="RestartInterruptedResponse"/> to have it asked for again.
/// </para>
/// </summary>
/// <remarks>
/// A dropped connection (a reset, a lost TCP connection, no close handshake) is always recoverable; a close is recoverable
/// when its status is in <see cref="RecoverableCloseStatuses"/>. A normal close (1000), a policy violation (1008), an
/// application status (4000 and above) and an upgrade refused with 401, 403 or 404 never reconnect.
/// </remarks>
public sealed record RealtimeReconnectOptions
{
    /// <summary>Attempts per outage before the session gives up and ends with <see cref="Closed"/> (default 5).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The wait before the first attempt; it doubles for each further one, up to <see cref="MaxDelay"/> (default 250
    /// ms).</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between attempts (default 5 s). Each wait is drawn at random between half and all of its nominal
    /// value.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Close statuses that reconnect (default 1001 going away, 1011 internal error, 1012 service restart, 1013 try again
    /// later). 1000, 1008 and 4000 and above are refused here.
    /// </summary>
    public IReadOnlySet<WebSocketCloseStatus> RecoverableCloseStatuses { get; init; } = new HashSet<WebSocketCloseStatus>
    {
        WebSocketCloseStatus.EndpointUnavailable,
        WebSocketCloseStatus.InternalServerError,
        (WebSocketCloseStatus)1012,
        (WebSocketCloseStatus)1013,
    };

    /// <summary>
    /// The most audio kept for replay, across every utterance still waiting for its final transcript (default 60 s).
    /// Past it the oldest audio is let go (the utterance it belonged to is then replayed without its beginning), and
    /// <see cref="Reconnected.AudioDropped"/> says how much.
    /// </summary>
    public TimeSpan MaxReplayDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Conversation dialect: after a drop that cut off a response, ask for a new one (<c>response.create</c>) once the
    /// conversation is seeded on the new connection (default false: the cut-off response is dropped and the next one is
    /// yours to ask for). A <see cref="RealtimeSession.CreateResponseAsync"/> still waiting for its
    /// <see cref="ResponseCreated"/> is always sent again.
    /// </summary>
    public bool RestartInterruptedResponse { get; init; }

    internal void Validate(List<string> problems)
    {
        if (MaxAttempts is < 1 or > 100)
        {
            problems.Add("Reconnect.MaxAttempts must be between 1 and 100.");
        }

        if (InitialDelay < TimeSpan.Zero || MaxDelay < InitialDelay || MaxDelay > TimeSpan.FromMinutes(5))
        {
            problems.Add("Reconnect.InitialDelay must be at least zero and at most MaxDelay, and MaxDelay at most 5 minutes.");
        }

        if (MaxReplayDuration < TimeSpan.FromSeconds(1) || MaxReplayDuration > TimeSpan.FromMinutes(30))
        {
            problems.Add("Reconnect.MaxReplayDuration must be between 1 s and 30 minutes.");
        }

        if (RecoverableCloseStatuses is null)
        {
            problems.Add("Reconnect.RecoverableCloseStatuses must not be null.");
        }
        else if (RecoverableCloseStatuses.Any(s => s is WebSocketCloseStatus.NormalClosure or WebSocketCloseStatus.PolicyViolation
            || (int)s >= 4000))
        {
            problems.Add("Reconnect.RecoverableCloseStatuses may not contain 1000, 1008 or an application status (4000 and above).");
        }
    }

    /// <summary>The nominal wait before attempt <paramref name="attempt"/> (1-based), with its jitter drawn from
    /// <paramref name="random"/>.</summary>
    internal TimeSpan DelayBefore(int attempt, Random random)
    {
        var nominal = InitialDelay.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(nominal, MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)(capped * (0.5 + (random.NextDouble() * 0.5))));
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"RealtimeReconnectOptions {{ MaxAttempts = {MaxAttempts}, InitialDelay = {InitialDelay}, MaxDelay = {MaxDelay}, MaxReplayDuration = {MaxReplayDuration}, RestartInterruptedResponse = {RestartInterruptedResponse} }}";
}
