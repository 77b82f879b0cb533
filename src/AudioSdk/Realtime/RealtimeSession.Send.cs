using System.Buffers;
using System.Text.Json;
using AudioSdk.Audio;
using AudioSdk.Internal.Diagnostics;
using AudioSdk.Realtime.Protocol;
using AudioSdk.Realtime.Transport;

namespace AudioSdk.Realtime;

/// <summary>The send side: audio into the uplink, commits and clears through the driver, one message on the wire at a time.</summary>
public partial class RealtimeSession
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _buffer = new(8192);
    private readonly Utf8JsonWriter _json = null!;
    private int _eventId;

    /// <summary>
    /// Sends little-endian PCM16 mono audio at <see cref="RealtimeSessionOptions.InputSampleRate"/>, in chunks of
    /// <see cref="RealtimeSessionOptions.ChunkDuration"/> with whole samples only: an odd byte waits for the next call,
    /// and is dropped (logged at Debug) if a commit or clear comes first, so it never reaches the next utterance.
    /// </summary>
    /// <param name="pcm16">The audio bytes.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <exception cref="RealtimeException">The connection closed, or the server refused the session's configuration.</exception>
    public virtual async Task SendAudioAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        await _audioLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _uplink.SendPcmAsync(pcm16, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _audioLock.Release();
        }
    }

    /// <summary>Sends PCM16 samples at <see cref="RealtimeSessionOptions.InputSampleRate"/>.</summary>
    /// <param name="samples">The samples.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <exception cref="RealtimeException">The connection closed.</exception>
    public virtual Task SendAudioAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken = default) =>
        SendAudioAsync(samples.IsEmpty ? ReadOnlyMemory<byte>.Empty : Pcm16.ToBytes(samples.Span), cancellationToken);

    /// <summary>
    /// Sends a WAV file's audio: any PCM (8, 16, 24, 32-bit) or 32-bit float WAV, downmixed to mono and resampled to
    /// the wire rate, whatever <see cref="RealtimeSessionOptions.InputSampleRate"/> says. Streamed 100 ms at a time.
    /// Headers are checked before anything is sized from them: 1 Hz to 768 kHz, 1 to 32 channels.
    /// </summary>
    /// <param name="wav">The WAV stream, read to its end.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <exception cref="WavFormatException">The stream is not a readable WAV, or its header is outside the limits.</exception>
    /// <exception cref="RealtimeException">The connection closed.</exception>
    public virtual async Task SendWavAsync(Stream wav, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wav);
        ThrowIfUnusable();
        await _audioLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _uplink.SendWavAsync(wav, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _audioLock.Release();
        }
    }

    /// <summary>Sends a WAV file from disk, as <see cref="SendWavAsync"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <exception cref="WavFormatException">The file is not a readable WAV, or its header is outside the limits.</exception>
    /// <exception cref="RealtimeException">The connection closed.</exception>
    public virtual async Task SendWavFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = File.OpenRead(path);
        await using (file.ConfigureAwait(false))
        {
            await SendWavAsync(file, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends the utterance: the OpenAI dialect's <c>input_audio_buffer.commit</c> (waits for <c>committed</c>),
    /// or the native <c>commit {final: true}</c> (the <see cref="Committed"/> event is synthesized at once).
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The committed utterance, with its item id.</returns>
    /// <exception cref="RealtimeException">The server refused (for example an empty buffer, or an unknown model), or the connection closed.</exception>
    /// <exception cref="TimeoutException">No answer within <see cref="RealtimeSessionOptions.ResponseTimeout"/>.</exception>
    public virtual async Task<Committed> CommitAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        await _audioLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await _uplink.EndUtteranceAsync(cancellationToken).ConfigureAwait(false))
            {
                Log.RealtimeOddByteDropped(Logger, "commit");
            }

            return await _driver.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _audioLock.Release();
        }
    }

    /// <summary>Discards the audio of the utterance under way (native dialect: closes its connection; the next audio opens a new one).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="RealtimeException">The server refused, or the connection closed.</exception>
    /// <exception cref="TimeoutException">No answer within <see cref="RealtimeSessionOptions.ResponseTimeout"/>.</exception>
    public virtual async Task<Cleared> ClearAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        await _audioLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_uplink.Discard())
            {
                Log.RealtimeOddByteDropped(Logger, "clear");
            }

            return await _driver.ClearAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _audioLock.Release();
        }
    }

    /// <summary>Writes one client command with the codec and sends it.</summary>
    internal async ValueTask SendAsync(ClientCommand command, ReadOnlyMemory<byte> audio, CancellationToken cancellationToken, ConversationCommand? payload = null) =>
        await SendCoreAsync(command, audio, null, cancellationToken, payload).ConfigureAwait(false);

    /// <summary>Sends a command and waits for the reply of type <typeparamref name="T"/>, registered before the send so no reply can beat it.</summary>
    internal async Task<T> SendForReplyAsync<T>(ClientCommand command, TimeSpan timeout, string what, CancellationToken cancellationToken, ConversationCommand? payload = null)
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
    private async ValueTask<Task<RealtimeEvent>?> SendCoreAsync(ClientCommand command, ReadOnlyMemory<byte> audio, Type? replyType, CancellationToken cancellationToken, ConversationCommand? payload = null)
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
                catch (Exception ex) when ((ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested) && recoverable)
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
