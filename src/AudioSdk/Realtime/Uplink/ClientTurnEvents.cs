using AudioSdk.Internal.Diagnostics;
using AudioSdk.Realtime.Channels;
using AudioSdk.Realtime.Drivers;

namespace AudioSdk.Realtime.Uplink;

/// <summary>
/// Client-side turn detection's reports, carried out downstream: the VAD events go to the channel's stream where a
/// server's would (started once the turn's audio goes out, stopped before the commit), and the commit to the driver.
/// </summary>
internal sealed class ClientTurnEvents(RealtimeChannel channel, RealtimeDriver driver) : ITurnListener
{
    public ValueTask TurnStartedAsync(long fromSample, long speechSample, CancellationToken cancellationToken)
    {
        channel.Publish(new SpeechStarted(driver.CurrentItemId, Milliseconds(fromSample), default));
        return default;
    }

    public async ValueTask TurnEndedAsync(long speechEndSample, long commitSample, CancellationToken cancellationToken)
    {
        channel.Publish(new SpeechStopped(driver.CurrentItemId, Milliseconds(commitSample), default));
        try
        {
            await driver.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RealtimeException or AudioTransportException or TimeoutException)
        {
            // The error is in the event stream already; the caller's audio goes on (a closed connection fails the next send).
            Log.RealtimeTurnCommitFailed(channel.Logger, channel.Redact(ex.Message) ?? string.Empty);
        }
    }

    private int Milliseconds(long wireSamples) => (int)Math.Min(int.MaxValue, wireSamples * 1000 / driver.WireSampleRate);
}
