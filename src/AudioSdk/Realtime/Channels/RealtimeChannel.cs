using System.Threading.Channels;
using AudioSdk.Internal;
using AudioSdk.Internal.Diagnostics;
using AudioSdk.Realtime.Drivers;
using AudioSdk.Realtime.Transport;
using Microsoft.Extensions.Logging;

namespace AudioSdk.Realtime.Channels;

/// <summary>
/// The one collaborator the drivers and the uplink talk to, below them: the connection and its generations, the send
/// lock and buffers, the codec's writes, the outage wait and the replay record, the replies and waiters, and publishing
/// to the session's stream. Data flows one way: session -> uplink -> driver -> channel -> socket; inbound, socket ->
/// channel -> driver (which settles and synthesizes) -> stream. Nothing here calls the session, which is the public
/// façade only.
/// </summary>
internal sealed partial class RealtimeChannel
{
    private readonly Channel<RealtimeEvent> _events = Channel.CreateUnbounded<RealtimeEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly RealtimeSessionOptions _options;
    private readonly RealtimeDriver _driver;
    private readonly Func<CancellationToken, Task<IRealtimeConnection>> _connect;
    private readonly string? _secret;
    private readonly byte[] _secretUtf8;
    private readonly long _openedAt;
    private int _disposed;
    private int _closing;

    public RealtimeChannel(RealtimeSessionOptions options, RealtimeDriver driver, Func<CancellationToken,
        Task<IRealtimeConnection>> connect, TimeProvider time, ILogger logger, string? secret)
    {
        _options = options;
        _driver = driver;
        _connect = connect;
        _secret = secret;
        _secretUtf8 = secret is null ? [] : System.Text.Encoding.UTF8.GetBytes(secret);
        Time = time;
        Logger = logger;
        _openedAt = time.GetTimestamp();
        _json = new System.Text.Json.Utf8JsonWriter(_buffer);
        if (options.Reconnect is { } reconnect)
        {
            _log = new Continuity.ReplayLog(driver.WireSampleRate, reconnect.MaxReplayDuration);
        }

        driver.Attach(this);
    }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    /// <summary>Replies awaited by client event id.</summary>
    public PendingReplies Replies { get; } = new();

    /// <summary>Final transcripts awaited by item id.</summary>
    public KeyedWaiters<TranscriptCompleted> Transcripts { get; } = new(static t => t.ItemId);

    /// <summary>The session id the server gave, once <see cref="SessionCreated"/> has arrived.</summary>
    public string? SessionId { get; private set; }

    /// <summary>The session's events in order, from <see cref="SessionCreated"/> until <see cref="Closed"/>.</summary>
    public ChannelReader<RealtimeEvent> Events => _events.Reader;

    /// <summary>The first connection is configured: from now on a drop may be recovered.</summary>
    public void MarkEstablished() => _established = true;

    /// <summary>
    /// Waits for a server answer with a timeout; a timeout is an <see cref="AudioTransportException"/> with
    /// <see cref="AudioTransportException.IsTimeout"/> (its cause a <see cref="TimeoutException"/>), never a cancellation.
    /// </summary>
    public async Task<T> WaitAsync<T>(Task<T> task, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var message = $"The server did not answer {what} within {timeout}.";
            throw new AudioTransportException(message, new TimeoutException(message), isTimeout: true);
        }
    }

    /// <summary>Throws when the session was disposed (naming <paramref name="owner"/>) or its connection is gone.</summary>
    public void ThrowIfUnusable(object? owner = null)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new ObjectDisposedException((owner?.GetType() ?? typeof(RealtimeSession)).FullName);
        }

        if (_faulted)
        {
            throw ClosedException();
        }
    }

    public string? Redact(string? text) => SecretRedactor.Redact(text, _secret);

    /// <summary>Closes the session: what the dialect owes the server first, then a close handshake; the stream ends with
    /// <see cref="Closed"/>.</summary>
    public async ValueTask CloseAsync()
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            Volatile.Write(ref _disposed, 1);
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (!_reconnectTask.IsCompleted)
        {
            await Task.WhenAny(_reconnectTask, Task.Delay(RealtimeConnection.CloseTimeout, Time)).ConfigureAwait(false);
        }

        var connection = _connection;
        if (connection is not null && !_faulted && !InOutage)
        {
            try
            {
                await _driver.OnClosingAsync().ConfigureAwait(false);
            }
            catch (RealtimeException)
            {
                // The connection went first: nothing is owed any more.
            }

            Volatile.Write(ref _disposed, 1);
            Interlocked.Increment(ref _generation);
            await connection.CloseAsync(RealtimeConnection.CloseTimeout).ConfigureAwait(false);
            await Task.WhenAny(_receiveTask, Task.Delay(RealtimeConnection.CloseTimeout, Time)).ConfigureAwait(false);
        }

        Volatile.Write(ref _disposed, 1);
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        IRealtimeConnection[] retained;
        lock (_retained)
        {
            retained = [.. _retained.Values];
            _retained.Clear();
        }

        await Task.WhenAll(retained.Select(CloseQuietlyAsync)).ConfigureAwait(false);

        Fault("the session was disposed",
            new Closed(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "client closing", byClient: true));
        _json.Dispose();
        _lifetime.Dispose();
    }

    private RealtimeException ClosedException(Exception? inner = null) =>
        new("The realtime connection closed: " + _faultReason, null, inner);
}
