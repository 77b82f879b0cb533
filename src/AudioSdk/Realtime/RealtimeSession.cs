using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Channels;
using AudioSdk.Audio;
using AudioSdk.Internal.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using AudioSdk.Realtime.Protocol;
using AudioSdk.Realtime.Transport;

namespace AudioSdk.Realtime;

/// <summary>
/// A realtime transcription session over a WebSocket, the same in both dialects: send PCM16 audio, commit
/// each utterance, read one ordered stream of events. Audio at another rate than the wire's is resampled
/// (band-limited). In the native dialect each utterance gets its own connection; the session reconnects
/// by itself and the stream stays one. Sends are serialised, so several tasks may send at once.
/// Dispose it to close the connection with a proper close handshake.
/// </summary>
public sealed class RealtimeSession : IAsyncDisposable
{
    private readonly RealtimeSessionOptions _options;
    private readonly RealtimeProtocol _protocol;
    private readonly Func<CancellationToken, Task<IRealtimeConnection>> _connect;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _openedAt;
    private readonly Channel<RealtimeEvent> _events = Channel.CreateUnbounded<RealtimeEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly SemaphoreSlim _audioLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _buffer = new(8192);
    private readonly Utf8JsonWriter _json;
    private readonly object _gate = new();
    private readonly Dictionary<string, TaskCompletionSource<TranscriptCompleted>> _completionWaiters = [];
    private readonly Dictionary<string, TranscriptCompleted> _completed = [];
    private readonly AudioResampler? _resampler;
    private readonly int _chunkBytes;
    private float[] _floatScratch = [];
    private float[] _resampledScratch = [];
    private byte[] _pcmScratch = [];
    private byte? _carry;

    private IRealtimeConnection _connection = null!;
    private Task _receiveTask = Task.CompletedTask;
    private int _generation;
    private int _eventId;
    private bool _faulted;
    private int _disposed;
    private string? _faultReason;

    private (int EventId, TaskCompletionSource<SessionUpdated> Done)? _pendingUpdate;
    private (int EventId, TaskCompletionSource<Committed> Done)? _pendingCommit;
    private (int EventId, TaskCompletionSource<Cleared> Done)? _pendingClear;

    // Native dialect: one utterance per connection.
    private int _utterance;
    private string? _currentItemId;
    private bool _turnOpen;
    private bool _connectionSpent;
    private TaskCompletionSource<TranscriptCompleted>? _utteranceDone;
    private TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _turnBytes;
    private long _pacingStart;
    private TimeSpan _pacedAudio;

    private RealtimeSession(RealtimeSessionOptions options, Func<CancellationToken, Task<IRealtimeConnection>> connect, TimeProvider time, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _openedAt = time.GetTimestamp();
        _protocol = RealtimeProtocol.For(options.Dialect);
        _connect = connect;
        _time = time;
        _json = new Utf8JsonWriter(_buffer);
        SampleRate = options.WireSampleRate;
        if (options.InputSampleRate != SampleRate)
        {
            _resampler = new AudioResampler(options.InputSampleRate, SampleRate);
        }

        _chunkBytes = Math.Max(2, (int)(SampleRate * options.ChunkDuration.TotalSeconds) * 2);
    }

    /// <summary>The dialect the session speaks.</summary>
    public RealtimeDialect Dialect => _options.Dialect;

    /// <summary>The sample rate sent on the wire (16000 native; the declared rate for the OpenAI dialect).</summary>
    public int SampleRate { get; }

    /// <summary>The session id the server gave, once <see cref="SessionCreated"/> has arrived.</summary>
    public string? SessionId { get; private set; }

    /// <summary>The item id of the utterance under way in the native dialect (the SDK generates these).</summary>
    public string? CurrentItemId => _currentItemId;

    /// <summary>
    /// The session's events in order, until <see cref="Closed"/>. One reader at a time; events are buffered
    /// until read.
    /// </summary>
    /// <param name="cancellationToken">Stops the enumeration (not the session).</param>
    public IAsyncEnumerable<RealtimeEvent> ReadEventsAsync(CancellationToken cancellationToken = default) => _events.Reader.ReadAllAsync(cancellationToken);

    /// <summary>
    /// Sends little-endian PCM16 mono audio at <see cref="RealtimeSessionOptions.InputSampleRate"/>, in chunks of
    /// <see cref="RealtimeSessionOptions.ChunkDuration"/> with whole samples only (an odd byte waits for the next call).
    /// </summary>
    /// <param name="pcm16">The audio bytes.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <exception cref="RealtimeException">The connection closed.</exception>
    public async Task SendAudioAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        await _audioLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var bytes = pcm16;
            if (_carry is { } carried && !bytes.IsEmpty)
            {
                var joined = new byte[bytes.Length + 1];
                joined[0] = carried;
                bytes.Span.CopyTo(joined.AsSpan(1));
                bytes = joined;
                _carry = null;
            }

            if (bytes.Length % 2 == 1)
            {
                _carry = bytes.Span[^1];
                bytes = bytes[..^1];
            }

            if (bytes.IsEmpty)
            {
                return;
            }

            await SendSamplesAsync(bytes.Length / 2, bytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _audioLock.Release();
        }
    }

    /// <summary>Sends PCM16 samples at <see cref="RealtimeSessionOptions.InputSampleRate"/>.</summary>
    /// <param name="samples">The samples.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public Task SendAudioAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken = default) =>
        SendAudioAsync(samples.IsEmpty ? ReadOnlyMemory<byte>.Empty : Pcm16.ToBytes(samples.Span), cancellationToken);

    /// <summary>
    /// Sends a WAV file's audio: any PCM or float WAV, downmixed to mono and resampled to the wire rate,
    /// whatever <see cref="RealtimeSessionOptions.InputSampleRate"/> says.
    /// </summary>
    /// <param name="wav">The WAV stream, read to its end.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <exception cref="WavFormatException">The stream is not a readable WAV.</exception>
    public async Task SendWavAsync(Stream wav, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wav);
        ThrowIfUnusable();

        // Streamed 100 ms at a time: the header, then blocks of whole frames, downmixed and resampled as they go.
        var head = new byte[64 * 1024];
        var headLength = await wav.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var info = WavFile.ReadHeader(head.AsSpan(0, headLength));
        var format = info.Format;
        var resampler = format.SampleRate == SampleRate ? null : new AudioResampler(format.SampleRate, SampleRate);
        var remaining = info.DataLength ?? long.MaxValue;
        var block = new byte[Math.Max(1, format.SampleRate / 10) * format.BlockAlign];
        var data = new Internal.Http.PrefixedStream(head[(int)Math.Min(info.DataOffset, headLength)..headLength], wav);
        await _audioLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (remaining > 0)
            {
                var read = await data.ReadAtLeastAsync(block, block.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                var usable = (int)Math.Min(read, remaining);
                usable -= usable % format.BlockAlign;
                if (usable == 0)
                {
                    break;
                }

                remaining -= usable;
                var samples = new float[usable / (format.BitsPerSample / 8)];
                WavFile.Decode(block.AsSpan(0, usable), format, samples);
                await SendMonoAsync(Pcm16.Downmix(samples, format.Channels), resampler, flush: false, cancellationToken).ConfigureAwait(false);
            }

            await SendMonoAsync([], resampler, flush: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _audioLock.Release();
        }
    }

    /// <summary>Sends a WAV file from disk, as <see cref="SendWavAsync"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public async Task SendWavFileAsync(string path, CancellationToken cancellationToken = default)
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
    /// <exception cref="RealtimeException">The server refused (for example an empty buffer), or the connection closed.</exception>
    /// <exception cref="TimeoutException">No answer within <see cref="RealtimeSessionOptions.ResponseTimeout"/>.</exception>
    public async Task<Committed> CommitAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        await _audioLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await FlushResamplerAsync(cancellationToken).ConfigureAwait(false);
            if (_options.Dialect == RealtimeDialect.VllmNative)
            {
                return await CommitNativeAsync(cancellationToken).ConfigureAwait(false);
            }

            var done = new TaskCompletionSource<Committed>(TaskCreationOptions.RunContinuationsAsynchronously);
            var id = await SendAsync((w, eventId) => _protocol.WriteCommit(w, true, eventId), eventId => _pendingCommit = (eventId, done), cancellationToken).ConfigureAwait(false);
            _turnBytes = 0;
            return await WaitAsync(done.Task, "the commit", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _audioLock.Release();
        }
    }

    /// <summary>Discards the audio of the utterance under way (native dialect: closes its connection; the next audio opens a new one).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task<Cleared> ClearAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        await _audioLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _resampler?.Reset();
            _carry = null;
            _turnBytes = 0;
            if (_options.Dialect == RealtimeDialect.VllmNative)
            {
                if (_turnOpen)
                {
                    _turnOpen = false;
                    _connectionSpent = true;
                    _utteranceDone?.TrySetCanceled(CancellationToken.None);
                    _utteranceDone = null;
                }

                var cleared = new Cleared(default);
                Publish(cleared);
                return cleared;
            }

            var done = new TaskCompletionSource<Cleared>(TaskCreationOptions.RunContinuationsAsynchronously);
            await SendAsync((w, eventId) => _protocol.WriteClear(w, eventId), eventId => _pendingClear = (eventId, done), cancellationToken).ConfigureAwait(false);
            return await WaitAsync(done.Task, "the clear", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _audioLock.Release();
        }
    }

    /// <summary>Waits for the final transcript of an utterance (including one that already arrived).</summary>
    /// <param name="itemId">The utterance's item id, from <see cref="CommitAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="RealtimeException">The transcription failed or the connection closed.</exception>
    /// <exception cref="TimeoutException">No transcript within <see cref="RealtimeSessionOptions.ResponseTimeout"/>.</exception>
    public Task<TranscriptCompleted> WaitForTranscriptAsync(string itemId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        TaskCompletionSource<TranscriptCompleted> waiter;
        lock (_gate)
        {
            if (_completed.TryGetValue(itemId, out var done))
            {
                return Task.FromResult(done);
            }

            if (_faulted)
            {
                return Task.FromException<TranscriptCompleted>(new RealtimeException("The realtime connection closed: " + _faultReason));
            }

            if (!_completionWaiters.TryGetValue(itemId, out waiter!))
            {
                waiter = new TaskCompletionSource<TranscriptCompleted>(TaskCreationOptions.RunContinuationsAsynchronously);
                _completionWaiters[itemId] = waiter;
            }
        }

        return WaitAsync(waiter.Task, "the transcript", cancellationToken);
    }

    /// <summary>Push-to-talk in one call: sends the audio, commits, and returns the utterance's final transcript.</summary>
    /// <param name="pcm16">The utterance as PCM16 at <see cref="RealtimeSessionOptions.InputSampleRate"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<TranscriptCompleted> TranscribeUtteranceAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken = default)
    {
        await SendAudioAsync(pcm16, cancellationToken).ConfigureAwait(false);
        var committed = await CommitAsync(cancellationToken).ConfigureAwait(false);
        return await WaitForTranscriptAsync(committed.ItemId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the session: the native dialect's open utterance is finalised first, then a close handshake; the stream ends with <see cref="Closed"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var connection = _connection;
        if (connection is not null && !_faulted)
        {
            try
            {
                if (_options.Dialect == RealtimeDialect.VllmNative && _turnOpen)
                {
                    await SendRawAsync((w, id) => _protocol.WriteCommit(w, true, id), CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
            {
            }

            Interlocked.Increment(ref _generation);
            await connection.CloseAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            await Task.WhenAny(_receiveTask, Task.Delay(TimeSpan.FromSeconds(5), _time)).ConfigureAwait(false);
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        Fault("the session was disposed", closed: new Closed(WebSocketCloseStatus.NormalClosure, "client closing", byClient: true));
        _json.Dispose();
        _sendLock.Dispose();
        _audioLock.Dispose();
    }

    internal static async Task<RealtimeSession> StartAsync(RealtimeSessionOptions options, Func<CancellationToken, Task<IRealtimeConnection>> connect, TimeProvider time, CancellationToken cancellationToken, ILogger? logger = null, string? address = null)
    {
        var session = new RealtimeSession(options, connect, time, logger ?? NullLogger.Instance);
        try
        {
            await session.OpenConnectionAsync(first: true, cancellationToken).ConfigureAwait(false);
            Log.RealtimeOpened(session._logger, options.Dialect.ToString(), address ?? "(unknown)");
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task OpenConnectionAsync(bool first, CancellationToken cancellationToken)
    {
        var connection = await _connect(cancellationToken).ConfigureAwait(false);
        var generation = Interlocked.Increment(ref _generation);
        _connection = connection;
        _connectionSpent = false;
        _created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiveTask = Task.Run(() => ReceiveLoopAsync(connection, generation, suppressCreated: !first), CancellationToken.None);
        if (_options.Dialect == RealtimeDialect.VllmNative)
        {
            // vLLM sends session.created at once; configure after it, as its own clients do (a server that never sends it costs one ConnectTimeout).
            await Task.WhenAny(_created.Task, Task.Delay(_options.ConnectTimeout, _time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            await SendRawAsync((w, id) => _protocol.WriteSessionUpdate(w, _options, id), cancellationToken).ConfigureAwait(false);
            if (first)
            {
                Publish(new SessionUpdated("session.updated", default));
            }

            return;
        }

        var done = new TaskCompletionSource<SessionUpdated>(TaskCreationOptions.RunContinuationsAsynchronously);
        await SendAsync((w, id) => _protocol.WriteSessionUpdate(w, _options, id), id => _pendingUpdate = (id, done), cancellationToken).ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await done.Task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The server did not confirm the session configuration (session.updated) within {_options.ConnectTimeout}.");
        }
    }

    private async Task ReceiveLoopAsync(IRealtimeConnection connection, int generation, bool suppressCreated)
    {
        ConnectionEnd end;
        try
        {
            end = await connection.ReceiveAllAsync(message => { Handle(message.Span, generation, suppressCreated); return default; }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            end = new ConnectionEnd(null, ex.Message, ex);
        }

        if (Volatile.Read(ref _generation) != generation)
        {
            return;
        }

        Fault(
            end.Status is null ? $"the connection dropped ({end.Description})" : $"the server closed the connection ({end.Status}{(end.Description is { Length: > 0 } d ? ": " + d : string.Empty)})",
            new Closed(end.Status, end.Description, byClient: false));
    }

    private void Handle(ReadOnlySpan<byte> message, int generation, bool suppressCreated)
    {
        var evt = _protocol.Parse(message, _currentItemId);
        if (evt is null)
        {
            return;
        }

        switch (evt)
        {
            case SessionCreated created:
                SessionId ??= created.SessionId;
                _created.TrySetResult();
                if (suppressCreated)
                {
                    return;
                }

                break;
            case SessionUpdated updated:
                Complete(ref _pendingUpdate, updated);
                break;
            case Committed committed:
                Complete(ref _pendingCommit, committed);
                break;
            case Cleared cleared:
                Complete(ref _pendingClear, cleared);
                break;
            case TranscriptCompleted completed:
                Publish(completed);
                OnCompleted(completed, generation);
                return;
            case TranscriptFailed failed when failed.ItemId is { } failedItem:
                FailWaiter(failedItem, new RealtimeException($"Transcription of {failedItem} failed ({failed.Code}): {failed.Message}"));
                break;
            case ErrorEvent error:
                Publish(error);
                OnError(error);
                return;
        }

        Publish(evt);
    }

    private void OnCompleted(TranscriptCompleted completed, int generation)
    {
        if (completed.ItemId is not { } itemId)
        {
            return;
        }

        TaskCompletionSource<TranscriptCompleted>? waiter;
        lock (_gate)
        {
            _completed[itemId] = completed;
            if (_completed.Count > 256)
            {
                _completed.Remove(_completed.Keys.First());
            }

            _completionWaiters.Remove(itemId, out waiter);
        }

        waiter?.TrySetResult(completed);
        if (_options.Dialect == RealtimeDialect.VllmNative && generation == Volatile.Read(ref _generation))
        {
            _utteranceDone?.TrySetResult(completed);
        }
    }

    private void OnError(ErrorEvent error)
    {
        var exception = new RealtimeException($"The server reported an error{(error.Code is null ? string.Empty : $" ({error.Code})")}: {error.Message}", error);
        var echoed = error.ClientEventId;
        if (Fail(ref _pendingUpdate, exception, echoed) || Fail(ref _pendingCommit, exception, echoed) || Fail(ref _pendingClear, exception, echoed))
        {
            return;
        }

        if (_options.Dialect == RealtimeDialect.VllmNative && _connectionSpent && _currentItemId is { } item)
        {
            FailWaiter(item, exception);
            _utteranceDone?.TrySetException(exception);
        }
    }

    private bool Fail<T>(ref (int EventId, TaskCompletionSource<T> Done)? pending, Exception exception, string? echoedEventId)
    {
        lock (_gate)
        {
            if (pending is not { } p || (echoedEventId is not null && echoedEventId != RealtimeProtocol.EventId(p.EventId)))
            {
                return false;
            }

            pending = null;
            p.Done.TrySetException(exception);
            return true;
        }
    }

    private void Complete<T>(ref (int EventId, TaskCompletionSource<T> Done)? pending, T value)
    {
        lock (_gate)
        {
            if (pending is { } p)
            {
                pending = null;
                p.Done.TrySetResult(value);
            }
        }
    }

    private void FailWaiter(string itemId, Exception exception)
    {
        TaskCompletionSource<TranscriptCompleted>? waiter;
        lock (_gate)
        {
            _completionWaiters.Remove(itemId, out waiter);
        }

        waiter?.TrySetException(exception);
    }

    private void Fault(string reason, Closed closed)
    {
        List<TaskCompletionSource<TranscriptCompleted>> waiters;
        lock (_gate)
        {
            if (_faulted)
            {
                return;
            }

            _faulted = true;
            _faultReason = reason;
            waiters = [.. _completionWaiters.Values];
            _completionWaiters.Clear();
        }

        var exception = new RealtimeException("The realtime connection closed: " + reason);
        Fail(ref _pendingUpdate, exception, null);
        Fail(ref _pendingCommit, exception, null);
        Fail(ref _pendingClear, exception, null);
        _utteranceDone?.TrySetException(exception);
        foreach (var waiter in waiters)
        {
            waiter.TrySetException(exception);
        }

        Publish(closed);
        _events.Writer.TryComplete();
        var seconds = _time.GetElapsedTime(_openedAt).TotalSeconds;
        Log.RealtimeClosed(_logger, Math.Round(seconds, 3), reason);
        if (Telemetry.RealtimeSessionDuration.Enabled)
        {
            Telemetry.RealtimeSessionDuration.Record(seconds, new KeyValuePair<string, object?>("audiosdk.realtime.dialect", _options.Dialect.ToString()));
        }
    }

    private void Publish(RealtimeEvent evt)
    {
        _events.Writer.TryWrite(evt);
        if (Telemetry.RealtimeEvents.Enabled)
        {
            Telemetry.RealtimeEvents.Add(1, new KeyValuePair<string, object?>("audiosdk.realtime.event", evt.GetType().Name), new KeyValuePair<string, object?>("audiosdk.realtime.dialect", _options.Dialect.ToString()));
        }

        if (evt is TranscriptCompleted completed && _logger.IsEnabled(LogLevel.Trace))
        {
            Log.RealtimeTranscript(_logger, completed.ItemId, completed.Transcript);
        }
    }

    private async Task<Committed> CommitNativeAsync(CancellationToken cancellationToken)
    {
        if (!_turnOpen || _turnBytes == 0)
        {
            var error = new ErrorEvent("invalid_request_error", "input_audio_buffer_commit_empty", "There is no audio to commit in this utterance.", null, null, default);
            Publish(error);
            throw new RealtimeException("There is no audio to commit in this utterance.", error);
        }

        // Published before the send: the server's deltas and done for this item may arrive before SendAsync returns.
        var committed = new Committed(_currentItemId!, null, default);
        Publish(committed);
        _turnOpen = false;
        _connectionSpent = true;
        _turnBytes = 0;
        await SendRawAsync((w, id) => _protocol.WriteCommit(w, true, id), cancellationToken).ConfigureAwait(false);
        return committed;
    }

    /// <summary>Native dialect: before the first audio of an utterance, reconnect if the last one is done, then send the start commit.</summary>
    private async Task EnsureNativeTurnAsync(CancellationToken cancellationToken)
    {
        if (_turnOpen)
        {
            return;
        }

        if (_connectionSpent)
        {
            if (_utteranceDone is { } previous)
            {
                try
                {
                    await WaitAsync(previous.Task, "the previous utterance's transcript", cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RealtimeException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                }
            }

            var old = _connection;
            Interlocked.Increment(ref _generation);
            await old.CloseAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            await old.DisposeAsync().ConfigureAwait(false);
            await OpenConnectionAsync(first: false, cancellationToken).ConfigureAwait(false);
        }

        _currentItemId = $"item_{++_utterance:D3}";
        _utteranceDone = new TaskCompletionSource<TranscriptCompleted>(TaskCreationOptions.RunContinuationsAsynchronously);
        await SendRawAsync((w, id) => _protocol.WriteCommit(w, false, id), cancellationToken).ConfigureAwait(false);
        _turnOpen = true;
    }

    /// <summary>Mono float samples at the WAV's rate to the wire: through the given resampler when the rates differ.</summary>
    private async Task SendMonoAsync(float[] mono, AudioResampler? resampler, bool flush, CancellationToken cancellationToken)
    {
        var output = mono;
        if (resampler is not null)
        {
            output = new float[resampler.GetMaxOutputLength(mono.Length)];
            var produced = resampler.Process(mono, output);
            if (flush)
            {
                produced += resampler.Flush(output.AsSpan(produced));
            }

            output = output[..produced];
        }

        if (output.Length > 0)
        {
            var pcm = new short[output.Length];
            Pcm16.FromFloat(output, pcm);
            await SendWireAsync(Pcm16.ToBytes(pcm), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SendSamplesAsync(int sampleCount, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (_resampler is null)
        {
            await SendWireAsync(bytes, cancellationToken).ConfigureAwait(false);
            return;
        }

        EnsureCapacity(ref _floatScratch, sampleCount);
        Pcm16.ToFloat(MemoryMarshal.Cast<byte, short>(bytes.Span), _floatScratch);
        EnsureCapacity(ref _resampledScratch, _resampler.GetMaxOutputLength(sampleCount));
        var produced = _resampler.Process(_floatScratch.AsSpan(0, sampleCount), _resampledScratch);
        await SendResampledAsync(produced, cancellationToken).ConfigureAwait(false);
    }

    private async Task FlushResamplerAsync(CancellationToken cancellationToken)
    {
        if (_resampler is null)
        {
            return;
        }

        EnsureCapacity(ref _resampledScratch, _resampler.GetMaxOutputLength(0));
        var produced = _resampler.Flush(_resampledScratch);
        _resampler.Reset();
        if (produced > 0)
        {
            await SendResampledAsync(produced, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task SendResampledAsync(int produced, CancellationToken cancellationToken)
    {
        EnsureCapacity(ref _pcmScratch, produced * 2);
        Pcm16.FromFloat(_resampledScratch.AsSpan(0, produced), MemoryMarshal.Cast<byte, short>(_pcmScratch.AsSpan(0, produced * 2)));
        return SendWireAsync(_pcmScratch.AsMemory(0, produced * 2), cancellationToken);
    }

    /// <summary>Sends wire-rate PCM16 as append messages of at most one chunk each, paced when asked.</summary>
    private async Task SendWireAsync(ReadOnlyMemory<byte> pcm, CancellationToken cancellationToken)
    {
        if (pcm.IsEmpty)
        {
            return;
        }

        if (_options.Dialect == RealtimeDialect.VllmNative)
        {
            await EnsureNativeTurnAsync(cancellationToken).ConfigureAwait(false);
        }

        for (var offset = 0; offset < pcm.Length; offset += _chunkBytes)
        {
            var chunk = pcm.Slice(offset, Math.Min(_chunkBytes, pcm.Length - offset));
            await PaceAsync(chunk.Length, cancellationToken).ConfigureAwait(false);
            await SendRawAsync((w, id) => _protocol.WriteAppend(w, chunk.Span, id), cancellationToken).ConfigureAwait(false);
            _turnBytes += chunk.Length;
        }
    }

    private async Task PaceAsync(int bytes, CancellationToken cancellationToken)
    {
        if (!_options.RealTimePacing)
        {
            return;
        }

        if (_pacingStart == 0)
        {
            _pacingStart = _time.GetTimestamp();
        }

        var due = _pacedAudio - _time.GetElapsedTime(_pacingStart);
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due, _time, cancellationToken).ConfigureAwait(false);
        }

        _pacedAudio += TimeSpan.FromSeconds(bytes / 2.0 / SampleRate);
    }

    private Task SendRawAsync(Action<Utf8JsonWriter, int> write, CancellationToken cancellationToken) => SendAsync(write, null, cancellationToken);

    /// <summary>Writes and sends one message under the send lock; <paramref name="register"/> runs before the send, so no reply can beat it.</summary>
    private async Task<int> SendAsync(Action<Utf8JsonWriter, int> write, Action<int>? register, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnusable();
            var eventId = ++_eventId;
            _buffer.Clear();
            _json.Reset(_buffer);
            write(_json, eventId);
            _json.Flush();
            if (register is not null)
            {
                lock (_gate)
                {
                    register(eventId);
                }
            }

            try
            {
                await _connection.SendAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
            {
                throw new RealtimeException("The realtime connection closed: " + (_faultReason ?? ex.Message), null, ex);
            }

            return eventId;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task<T> WaitAsync<T>(Task<T> task, string what, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.ResponseTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The server did not answer {what} within {_options.ResponseTimeout}.");
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_faulted)
        {
            throw new RealtimeException("The realtime connection closed: " + _faultReason);
        }
    }

    private static void EnsureCapacity<T>(ref T[] array, int length)
    {
        if (array.Length < length)
        {
            array = new T[Math.Max(length, array.Length * 2)];
        }
    }
}
