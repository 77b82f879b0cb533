using System.Net.WebSockets;
using AudioSdk.Internal.Diagnostics;
using AudioSdk.Realtime.Continuity;

namespace AudioSdk.Realtime.Channels;

/// <summary>
/// Continuity: when <see cref="RealtimeSessionOptions.Reconnect"/> is set, a dropped connection opens an outage instead
/// of ending the session. The caller's sends wait for it; a loop opens a new connection through the driver, which
/// configures it and replays the <see cref="ReplayLog"/>; then the sends go on. Attempts that run out end the session
/// as a drop without reconnect would.
/// </summary>
internal sealed partial class RealtimeChannel
{
    /// <summary>Marks the reconnect loop's own calls, so its sends pass the outage they are ending.</summary>
    private static readonly AsyncLocal<RealtimeChannel?> Replaying = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ReplayLog? _log;
    private TaskCompletionSource? _outage;
    private Task _reconnectTask = Task.CompletedTask;
    private int _lostGeneration;
    private bool _established;

    /// <summary>The audio held for a replay, when reconnecting is on.</summary>
    internal ReplayLog? Held => _log;

    /// <summary>True from a drop until the new connection has been configured and replayed.</summary>
    internal bool InOutage => Volatile.Read(ref _outage) is not null;

    private bool IsReplayCall => Replaying.Value == this;

    /// <summary>
    /// The connection of <paramref name="generation"/> is gone. With reconnecting on and a recoverable end, an outage
    /// begins (or is already under way) and true is returned; otherwise the caller ends the session.
    /// </summary>
    private bool TryBeginOutage(int generation, WebSocketCloseStatus? status, string? description)
    {
        if (_log is null || !_established || _options.Reconnect is not { } reconnect
            || (status is { } s && !reconnect.RecoverableCloseStatuses.Contains(s)))
        {
            return false;
        }

        lock (_publishGate)
        {
            if (_faulted || Volatile.Read(ref _closing) != 0 || generation != Generation)
            {
                return false;
            }

            Volatile.Write(ref _lostGeneration, generation);
            if (_outage is not null)
            {
                return true;
            }

            _outage = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        Replies.SettleForReconnect();
        var reason = status is null ? $"the connection dropped ({Redact(description)})" : $"the server closed the connection ({CloseStatusText(status.Value)})";
        _reconnectTask = Task.Run(() => ReconnectLoopAsync(reconnect, status, reason), CancellationToken.None);
        return true;
    }

    /// <summary>Waits, in a caller's call, for an outage to end; a failed reconnect is the session's closed exception.</summary>
    private async ValueTask WaitForOutageAsync(CancellationToken cancellationToken)
    {
        while (!IsReplayCall && Volatile.Read(ref _outage) is { } outage)
        {
            await outage.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReconnectLoopAsync(RealtimeReconnectOptions reconnect, WebSocketCloseStatus? status, string reason)
    {
        Replaying.Value = this;
        var lifetime = _lifetime.Token;
        for (var attempt = 1; attempt <= reconnect.MaxAttempts; attempt++)
        {
            var delay = reconnect.DelayBefore(attempt, Random.Shared);
            Publish(new Reconnecting(attempt, delay, status, reason));
            Log.RealtimeReconnecting(Logger, reason, attempt, Math.Round(delay.TotalMilliseconds));
            try
            {
                await Task.Delay(delay, Time, lifetime).ConfigureAwait(false);
                using var timer = new CancellationTokenSource(_options.ConnectTimeout + _options.ResponseTimeout, Time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(lifetime, timer.Token);
                var plan = _log!.BeginReplay();
                await _driver.ReconnectAsync(plan, linked.Token).ConfigureAwait(false);
                if (Volatile.Read(ref _lostGeneration) == Generation)
                {
                    throw new RealtimeException("the new connection dropped during the replay");
                }

                TaskCompletionSource? outage;
                lock (_publishGate)
                {
                    outage = _outage;
                    _outage = null;
                }

                Publish(new Reconnected(attempt, SessionId, plan.Audio, plan.Dropped, plan.Utterances.Count));
                Log.RealtimeReconnected(Logger, attempt, Math.Round(plan.Audio.TotalSeconds, 3), plan.Utterances.Count);
                outage?.TrySetResult();
                return;
            }
            catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
            {
                break;
            }
            catch (AudioServiceException ex) when (ex.Status is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.NotFound)
            {
                reason = $"the server refused the new connection ({(int)ex.Status})";
                status = null;
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                reason = "reconnecting failed: " + Redact(ex is OperationCanceledException ? "the attempt timed out" : ex.Message);
                status = null;
            }
        }

        Fault(lifetime.IsCancellationRequested ? "the session was disposed while reconnecting" : reason,
            new Closed(status, reason, byClient: lifetime.IsCancellationRequested));
        TaskCompletionSource? failed;
        lock (_publishGate)
        {
            failed = _outage;
            _outage = null;
        }

        failed?.TrySetException(ClosedException());
    }
}
