using System.Buffers;
using System.Text.Json;
using AudioSdk.Internal.Diagnostics;
using AudioSdk.Realtime.Protocol;
using AudioSdk.Realtime.Transport;

namespace AudioSdk.Realtime.Channels;

/// <summary>The send side: a driver's commands, written by its codec, one message on the wire at a time (recorded for a replay
/// first).</summary>
internal sealed partial class RealtimeChannel
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _buffer = new(8192);
    private readonly Utf8JsonWriter _json = null!;
    private int _eventId;

    /// <summary>Writes one client command with the codec and sends it.</summary>
    internal async ValueTask SendAsync(ClientCommand command, ReadOnlyMemory<byte> audio, CancellationToken cancellationToken,
        ConversationCommand? payload = null) =>
        await SendCoreAsync(command, audio, null, cancellationToken, payload).ConfigureAwait(false);

    /// <summary>Sends a command and waits for the reply of type <typeparamref name="T"/>, registered before the send so no reply can beat
    /// it.</summary>
    internal async Task<T> SendForReplyAsync<T>(ClientCommand command, TimeSpan timeout, string what, CancellationToken cancellationToken,
        ConversationCommand? payload = null)
        where T : RealtimeEvent
    {
        var reply = await SendCoreAsync(command, ReadOnlyMemory<byte>.Empty, typeof(T), cancellationToken, payload).ConfigureAwait(false);
        return (T)await WaitAsync(reply!, timeout, what, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One message under the send lock. A failure of the connection is a <see cref="RealtimeException"/>, whatever the
    /// socket threw; a cancellation only when <paramref name="cancellationToken"/> asked for it.
    /// </summary>
    /// <remarks>
    /// With reconnecting on, a caller's message first waits out an outage, and is recorded in the replay log before it
    /// goes out; if the connection fails under it, the outage begins and the message counts as sent (the replay carries it).
    /// </remarks>
    private async ValueTask<Task<RealtimeEvent>?> SendCoreAsync(ClientCommand command, ReadOnlyMemory<byte> audio, Type? replyType,
        CancellationToken cancellationToken, ConversationCommand? payload = null)
    {
        while (true)
        {
            ThrowIfUnusable();
            await WaitForOutageAsync(cancellationToken).ConfigureAwait(false);
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            Task<RealtimeEvent>? reply;
            Exception? lost = null;
            int generation;
            try
            {
                ThrowIfUnusable();
                var replay = IsReplayCall;
                if (!replay && InOutage)
                {
                    // The connection dropped while this call waited for the lock: wait for the new one, and start over.
                    continue;
                }

                generation = Generation;
                var recoverable = _log is not null && _established && !replay;
                if (recoverable)
                {
                    Record(_log!, command, audio.Span);
                    if (payload is not null)
                    {
                        _driver.OnSending(payload);
                    }
                }

                var eventId = ++_eventId;
                _buffer.Clear();
                _json.Reset(_buffer);
                _driver.Codec.Write(_json, command, _options, audio.Span, eventId, payload);
                _json.Flush();
                reply = replyType is null ? null : Replies.Register(RealtimeProtocol.EventId(eventId), replyType);
                try
                {
                    await _connection!.SendAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when ((ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    && recoverable)
                {
                    lost = ex;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    var failure = _faulted ? ClosedException(ex) : new RealtimeException("The realtime connection failed while sending: " + Redact(ex.Message), null, ex);
                    if (reply is not null)
                    {
                        Replies.FailAll(failure);
                    }

                    throw failure;
                }
            }
            finally
            {
                _sendLock.Release();
            }

            if (lost is not null)
            {
                await OnSendLostAsync(command, generation, lost).ConfigureAwait(false);
            }

            return reply;
        }
    }

    /// <summary>
    /// A caller's message failed on a connection that may come back. The receive loop says how the connection ended
    /// (a close status decides whether it is recoverable); when an outage begins the message counts as sent, since the
    /// replay carries it, and a clear is done (the new connection starts empty). Otherwise the session's closed exception.
    /// </summary>
    private async ValueTask OnSendLostAsync(ClientCommand command, int generation, Exception lost)
    {
        var receiving = _receiveTask;
        if (Generation == generation && !receiving.IsCompleted)
        {
            await Task.WhenAny(receiving, Task.Delay(RealtimeConnection.CloseTimeout, Time)).ConfigureAwait(false);
        }

        if (!_faulted && (Generation != generation || InOutage || TryBeginOutage(generation, null, lost.Message)))
        {
            if (command == ClientCommand.Clear)
            {
                Replies.SettleForReconnect();
            }

            return;
        }

        var failure = ClosedException(lost);
        Replies.FailAll(failure);
        throw failure;
    }

    private static void Record(Continuity.ReplayLog log, ClientCommand command, ReadOnlySpan<byte> audio)
    {
        switch (command)
        {
            case ClientCommand.Append:
                log.Append(audio);
                break;
            case ClientCommand.Commit:
                log.MarkCommitted();
                break;
            case ClientCommand.Clear:
                log.DiscardOpen();
                break;
        }
    }
}
