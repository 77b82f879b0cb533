using AudioSdk.Realtime.Uplink;
using AudioSdk.Internal.Diagnostics;

namespace AudioSdk.Realtime;

/// <summary>Client-side turn detection: the uplink's turn stage reports, the session publishes the VAD events and commits.</summary>
public partial class RealtimeSession
{
    private int Milliseconds(long wireSamples) => (int)Math.Min(int.MaxValue, wireSamples * 1000 / _driver.WireSampleRate);

    /// <summary>The events sit where the server's would: started once the turn's audio goes out, stopped before the commit.</summary>
    private sealed class ClientTurns(RealtimeSession session) : ITurnListener
    {
        public ValueTask TurnStartedAsync(long fromSample, long speechSample, CancellationToken cancellationToken)
        {
            session.Publish(new SpeechStarted(session._driver.CurrentItemId, session.Milliseconds(fromSample), default));
            return default;
        }

        public async ValueTask TurnEndedAsync(long speechEndSample, long commitSample, CancellationToken cancellationToken)
        {
            session.Publish(new SpeechStopped(session._driver.CurrentItemId, session.Milliseconds(commitSample), default));
            try
            {
                await session._driver.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RealtimeException or TimeoutException)
            {
                // The error is in the event stream already; the caller's audio goes on (a closed connection fails the next send).
                Log.RealtimeTurnCommitFailed(session.Logger, session.Redact(ex.Message) ?? string.Empty);
            }
        }
    }
}
