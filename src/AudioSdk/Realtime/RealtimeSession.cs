using AudioSdk.Internal.Diagnostics;
using AudioSdk.Realtime.Channels;
using AudioSdk.Realtime.Drivers;
using AudioSdk.Realtime.Transport;
using AudioSdk.Realtime.Uplink;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AudioSdk.Realtime;

/// <summary>
/// A realtime session over a WebSocket in one of three dialects (<see cref="RealtimeDialect"/>): OpenAI's transcription
/// dialect and vLLM's native one (send PCM16 audio, commit each utterance, read its transcript), and OpenAI's
/// conversational dialect for voice agents (responses, function calls, barge-in; see <see cref="CreateResponseAsync"/>).
/// All three give one ordered stream of events. Audio at another rate than the wire's is resampled (band-limited).
/// In the native dialect each utterance gets its own connection; the session opens them by itself and the stream stays
/// one. Sends are serialised, so several tasks may send at once. Dispose it to close the connection with a proper
/// close handshake.
/// </summary>
/// <remarks>
/// The stream always begins with <see cref="SessionCreated"/> and ends with <see cref="Closed"/>. No server message
/// ends a session: one that does not parse, or has a field of the wrong type, arrives as an <see cref="UnknownMessage"/>
/// or with that field missing (and a Debug log line); only a close or a lost connection ends it. Failures of calls
/// are <see cref="RealtimeException"/> (the server refused, or the connection closed) or <see cref="AudioTransportException"/>
/// with <see cref="AudioTransportException.IsTimeout"/> (no answer in time), both <see cref="AudioSdkException"/>s;
/// an <see cref="OperationCanceledException"/> only when your token asked for it. Transcript text is never logged,
/// at any level; the API key never appears in events, exceptions or logs.
/// <para>
/// Waits and the stream agree: <see cref="WaitForTranscriptAsync"/>, <see cref="WaitForResponseAsync"/>,
/// <see cref="CommitAsync"/> and the other calls that wait for a server event complete only after that event (and
/// every event before it) is readable from <see cref="ReadEventsAsync"/>, so code that waits and then reads finds it.
/// </para>
/// <para>
/// Item ids are the server's, except where the SDK has to make them up: the native dialect names its utterances
/// <c>item_000</c>, <c>item_001</c>, ...; after a reconnect (<see cref="RealtimeSessionOptions.Reconnect"/>) a server
/// that numbers items per connection may name a new item with an id the caller has already been shown, in any event
/// (a delta that came before its commit included): the SDK then gives it that id with a suffix, <c>item_001~1</c>
/// (<c>~n</c> for the n-th reconnect). An id shown once is never given to another utterance.
/// </para>
/// </remarks>
public partial class RealtimeSession : IAsyncDisposable
{
    private readonly RealtimeSessionOptions _options = null!;
    private readonly RealtimeDriver _driver = null!;
    private readonly RealtimeChannel _channel = null!;
    private readonly AudioUplink _uplink = null!;
    private readonly SemaphoreSlim _audioLock = new(1, 1);

    /// <summary>For mocking: a session with no connection. Override the members you use.</summary>
    protected RealtimeSession()
    {
    }

    /// <summary>The façade over its parts: the uplink feeds the driver, which talks to the channel; nothing calls back here.</summary>
    private RealtimeSession(RealtimeSessionOptions options, RealtimeDriver driver, RealtimeChannel channel)
    {
        _options = options;
        _driver = driver;
        _channel = channel;
        _uplink = options.TurnDetection is { Mode: RealtimeTurnDetectionMode.Client } turns
            ? new AudioUplink(options.InputSampleRate, driver.WireSampleRate, options.ChunkDuration, options.RealTimePacing, channel.Time,
                driver, new TurnGate(driver.WireSampleRate, turns.ToDetectorSettings()), new ClientTurnEvents(channel, driver),
                options.InputEncoding.Law(), driver.WireLaw)
            : new AudioUplink(options.InputSampleRate, driver.WireSampleRate, options.ChunkDuration, options.RealTimePacing, channel.Time,
                driver, inputLaw: options.InputEncoding.Law(), wireLaw: driver.WireLaw);
    }

    /// <summary>The dialect the session speaks.</summary>
    public virtual RealtimeDialect Dialect => _options.Dialect;

    /// <summary>The sample rate sent on the wire (16000 native; the declared rate for the OpenAI dialect).</summary>
    public virtual int SampleRate => _driver.WireSampleRate;

    /// <summary>The session id the server gave, once <see cref="SessionCreated"/> has arrived.</summary>
    public virtual string? SessionId => _channel?.SessionId;

    /// <summary>The item id of the utterance under way in the native dialect (the SDK generates these).</summary>
    public virtual string? CurrentItemId => _driver.CurrentItemId;

    /// <summary>
    /// The session's events in order, from <see cref="SessionCreated"/> until <see cref="Closed"/>. One reader at a
    /// time; events are buffered until read.
    /// </summary>
    /// <param name="cancellationToken">Stops the enumeration (not the session).</param>
    public virtual IAsyncEnumerable<RealtimeEvent> ReadEventsAsync(CancellationToken cancellationToken = default) =>
        _channel.Events.ReadAllAsync(cancellationToken);

    /// <summary>Waits for the final transcript of an utterance (including one that already arrived).</summary>
    /// <param name="itemId">The utterance's item id, from <see cref="CommitAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="RealtimeException">The transcription failed or the connection closed.</exception>
    /// <exception cref="AudioTransportException">A timeout (<see cref="AudioTransportException.IsTimeout"/>): no transcript within
    /// <see cref="RealtimeSessionOptions.ResponseTimeout"/>.</exception>
    public virtual Task<TranscriptCompleted> WaitForTranscriptAsync(string itemId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        return _channel.WaitAsync(_channel.Transcripts.WaitAsync(itemId), _options.ResponseTimeout, "the transcript", cancellationToken);
    }

    /// <summary>Push-to-talk in one call: sends the audio, commits, and returns the utterance's final transcript.</summary>
    /// <param name="pcm16">The utterance as PCM16 at <see cref="RealtimeSessionOptions.InputSampleRate"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="RealtimeException">The server refused, the transcription failed or the connection closed.</exception>
    /// <exception cref="AudioTransportException">A timeout (<see cref="AudioTransportException.IsTimeout"/>): no answer within
    /// <see cref="RealtimeSessionOptions.ResponseTimeout"/>.</exception>
    public virtual async Task<TranscriptCompleted> TranscribeUtteranceAsync(ReadOnlyMemory<byte> pcm16,
        CancellationToken cancellationToken = default)
    {
        await SendAudioAsync(pcm16, cancellationToken).ConfigureAwait(false);
        var committed = await CommitAsync(cancellationToken).ConfigureAwait(false);
        return await WaitForTranscriptAsync(committed.ItemId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the session: the native dialect's open utterance is finalised first, then a close handshake; the stream ends with
    /// <see cref="Closed"/>.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        if (_channel is not null)
        {
            await _channel.CloseAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Opens a session: the driver for the dialect, the channel under it, its first connection and its configuration.</summary>
    internal static async Task<RealtimeSession> StartAsync(
        RealtimeSessionOptions options,
        Func<CancellationToken, Task<IRealtimeConnection>> connect,
        TimeProvider time,
        CancellationToken cancellationToken,
        ILogger? logger = null,
        string? address = null,
        string? secret = null,
        RealtimeDriver? driver = null)
    {
        driver ??= RealtimeDriver.Create(options);
        var channel = new RealtimeChannel(options, driver, connect, time, logger ?? NullLogger.Instance, secret);
        var session = new RealtimeSession(options, driver, channel);
        try
        {
            await driver.OpenAsync(cancellationToken).ConfigureAwait(false);
            channel.MarkEstablished();
            Log.RealtimeOpened(channel.Logger, options.Dialect.ToString(), address ?? "(unknown)");
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void ThrowIfUnusable() => _channel.ThrowIfUnusable(this);
}
