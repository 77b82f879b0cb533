using System.Net.WebSockets;
using AudioSdk.Internal.Diagnostics;
using AudioSdk.Realtime.Protocol;
using AudioSdk.Realtime.Transport;
using Microsoft.Extensions.Logging;

namespace AudioSdk.Realtime.Channels;

/// <summary>The receive side: one loop per connection reads messages, the codec parses them, the driver settles what waits, the stream gets
/// them.</summary>
internal sealed partial class RealtimeChannel
{
    private readonly object _publishGate = new();
    private readonly Dictionary<int, IRealtimeConnection> _retained = [];
    private IRealtimeConnection? _connection;
    private Task _receiveTask = Task.CompletedTask;
    private int _generation;
    private bool _createdPublished;
    private TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _faulted;
    private string? _faultReason;

    /// <summary>The number of the connection under way; events of an older one are stale.</summary>
    internal int Generation => Volatile.Read(ref _generation);

    /// <summary>
    /// Opens a connection and starts reading it. The one before is closed, or, with <paramref name="keepPrevious"/>, kept
    /// open and read on (its events keep their generation) until the driver lets it go with <see cref="Release"/>.
    /// </summary>
    /// <returns>Its generation number (1 for the first).</returns>
    internal async Task<int> ConnectAsync(CancellationToken cancellationToken, bool keepPrevious = false)
    {
        await WaitForOutageAsync(cancellationToken).ConfigureAwait(false);
        if (_connection is { } old)
        {
            if (keepPrevious)
            {
                lock (_retained)
                {
                    _retained[Generation] = old;
                }
            }
            else
            {
                Interlocked.Increment(ref _generation);
                await old.CloseAsync(RealtimeConnection.CloseTimeout).ConfigureAwait(false);
                await old.DisposeAsync().ConfigureAwait(false);
            }
        }

        IRealtimeConnection connection;
        try
        {
            connection = await _connect(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_connection is not null && !IsReplayCall
            && ex is RealtimeException or AudioServiceException or AudioTransportException or TimeoutException or WebSocketException or HttpRequestException or IOException)
        {
            // A reconnect for the next utterance failed: the session cannot go on.
            var reason = "reconnecting failed: " + Redact(ex.Message);
            Fault(reason, new Closed(null, reason, byClient: false));
            throw ClosedException(ex);
        }

        _created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var generation = Interlocked.Increment(ref _generation);
        if (keepPrevious && Volatile.Read(ref _closing) != 0)
        {
            // Disposed meanwhile: the new connection goes at once.
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new ObjectDisposedException(nameof(RealtimeSession));
        }

        _connection = connection;
        _receiveTask = Task.Run(() => ReceiveLoopAsync(connection, generation), CancellationToken.None);
        return generation;
    }

    /// <summary>Closes a connection kept open by <see cref="ConnectAsync"/> (its utterance is finished), in the background.</summary>
    internal void Release(int generation)
    {
        IRealtimeConnection? connection;
        lock (_retained)
        {
            _retained.Remove(generation, out connection);
        }

        if (connection is not null)
        {
            _ = CloseQuietlyAsync(connection);
        }
    }

    /// <summary>
    /// Waits for the connection's <c>session.created</c>, which servers send at once; the configuration goes after it,
    /// so nothing the server said before it is taken for an answer. A server that never sends it costs one ConnectTimeout.
    /// </summary>
    internal async Task WaitForSessionCreatedAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAny(_created.Task, Task.Delay(_options.ConnectTimeout, Time, cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Adds an event to the stream; <see cref="SessionCreated"/> is always the first.</summary>
    internal void Publish(RealtimeEvent evt)
    {
        lock (_publishGate)
        {
            if (!_createdPublished)
            {
                _createdPublished = true;
                if (evt is not SessionCreated)
                {
                    _events.Writer.TryWrite(RealtimeProtocol.SynthesizedSessionCreated());
                }
            }

            _events.Writer.TryWrite(evt);
        }

        _log?.Observe(evt);

        if (Telemetry.RealtimeEvents.Enabled)
        {
            Telemetry.RealtimeEvents.Add(1, new KeyValuePair<string, object?>("audiosdk.realtime.event", evt.GetType().Name),
                new KeyValuePair<string, object?>("audiosdk.realtime.dialect", _options.Dialect.ToString()));
        }
    }

    private async Task ReceiveLoopAsync(IRealtimeConnection connection, int generation)
    {
        ConnectionEnd end;
        try
        {
            end = await connection.ReceiveAllAsync(message => { Handle(message.Span, generation); return default; },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            end = new ConnectionEnd(null, ex.Message, ex);
        }

        if (Generation != generation)
        {
            bool wasKept;
            lock (_retained)
            {
                wasKept = _retained.Remove(generation);
            }

            if (wasKept && !_faulted)
            {
                // A connection kept for its transcript ended first: the driver settles what it still owed.
                _driver.OnConnectionLost(generation,
                    end.Status is null ? "the connection dropped (" + Redact(end.Description) + ")" : "the server closed the connection (" + CloseStatusText(end.Status.Value) + ")");
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            return;
        }

        if (TryBeginOutage(generation, end.Status, end.Description))
        {
            return;
        }

        var description = Redact(end.Description);
        Fault(
            end.Status is null ? $"the connection dropped ({description})" : $"the server closed the connection ({CloseStatusText(end.Status.Value)}{(description is { Length: > 0 } d ? ": " + d : string.Empty)})",
            new Closed(end.Status, description, byClient: false));
    }

    /// <summary>
    /// One server message. Nothing in it can end the session: whatever goes wrong is logged at Debug and the loop goes on.
    /// The waits it settles complete only after its event is in the stream (<see cref="Drivers.Settlement"/>), so a caller
    /// that waits and then reads finds the event there.
    /// </summary>
    private void Handle(ReadOnlySpan<byte> message, int generation)
    {
        Drivers.Settlement.Begin();
        try
        {
            if (EventRedaction.Scrub(message, _secret, _secretUtf8) is { } scrubbed)
            {
                message = scrubbed;
            }

            var evt = _driver.Codec.Parse(message, _driver.ItemIdOf(generation), out var problem);
            if (evt is null)
            {
                return;
            }

            if (problem is not null && Logger.IsEnabled(LogLevel.Debug))
            {
                Log.RealtimeMessageNotUnderstood(Logger, Redact(evt.EventType)!, message.Length, problem);
            }

            evt = EventRedaction.Apply(evt, _secret);
            if (evt is SessionCreated created)
            {
                SessionId = generation == 1 || InOutage ? created.SessionId ?? SessionId : SessionId ?? created.SessionId;
            }

            if (_log is not null && _driver.ServerNamesItems && !Continuity.ItemIds.Remap(evt, _log))
            {
                // A replayed commit the caller already saw confirmed: its item id is the caller's, shown once.
                return;
            }

            if (_driver.OnServerEvent(evt, generation) is { } published)
            {
                Publish(published);
            }

            if (evt is SessionCreated && generation == Generation)
            {
                _created.TrySetResult();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.RealtimeMessageNotUnderstood(Logger, "(unhandled)", message.Length, ex.GetType().Name);
        }
        finally
        {
            Drivers.Settlement.Flush();
        }
    }

    private static async Task CloseQuietlyAsync(IRealtimeConnection connection)
    {
        try
        {
            await connection.CloseAsync(RealtimeConnection.CloseTimeout).ConfigureAwait(false);
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A close status as a reader wants it: <c>1000 NormalClosure</c>, or just <c>1012</c> when it has no name.</summary>
    internal static string CloseStatusText(WebSocketCloseStatus status) =>
        Enum.IsDefined(status) ? $"{(int)status} {status}" : ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The session is over: every waiter fails, the stream ends with <paramref name="closed"/>.</summary>
    private void Fault(string reason, Closed closed)
    {
        lock (_publishGate)
        {
            if (_faulted)
            {
                return;
            }

            _faultReason = Redact(reason);
            _faulted = true;
        }

        var exception = ClosedException();
        Replies.FailAll(exception);
        Transcripts.Close(exception);
        _driver.OnClosed(exception);
        _log?.Clear();
        Publish(closed);
        _events.Writer.TryComplete();
        var seconds = Time.GetElapsedTime(_openedAt).TotalSeconds;
        Log.RealtimeClosed(Logger, Math.Round(seconds, 3), _faultReason!);
        if (Telemetry.RealtimeSessionDuration.Enabled)
        {
            Telemetry.RealtimeSessionDuration.Record(seconds, new KeyValuePair<string,
                object?>("audiosdk.realtime.dialect", _options.Dialect.ToString()));
        }
    }
}
