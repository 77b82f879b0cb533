using AudioSdk.Realtime.Protocol;
using AudioSdk.Realtime.Uplink;

namespace AudioSdk.Realtime.Drivers;

/// <summary>
/// What differs between dialects, chosen once when a session starts: the handshake, how audio, commits and clears
/// go out, which server events answer which calls, and the events a dialect lacks (synthesized). A driver owns its
/// dialect's state; wire names stay in its codec. A new dialect is one driver, one codec and one case in <see cref="Create"/>.
/// </summary>
internal abstract class RealtimeDriver(RealtimeProtocol codec, RealtimeSessionOptions options) : IUplinkSink
{
    private Channels.RealtimeChannel? _channel;

    /// <summary>The codec: the only code that knows the dialect's wire names.</summary>
    public RealtimeProtocol Codec { get; } = codec;

    public RealtimeSessionOptions Options { get; } = options;

    /// <summary>The sample rate sent on the wire.</summary>
    public abstract int WireSampleRate { get; }

    /// <summary>The G.711 law the wire carries, or null for PCM16 (the uplink encodes each chunk last).</summary>
    public virtual Audio.G711Law? WireLaw => null;

    /// <summary>The item id of the utterance under way, when the SDK makes them up.</summary>
    public virtual string? CurrentItemId => null;

    /// <summary>The item id to give the events of connection <paramref name="generation"/> that carry none (the native
    /// dialect's).</summary>
    public virtual string? ItemIdOf(int generation) => CurrentItemId;

    /// <summary>True when the server names the items (a new connection names them anew, so ids are mapped back after a
    /// reconnect).</summary>
    public virtual bool ServerNamesItems => true;

    /// <summary>The channel below: the driver sends through it and publishes to it, and never calls the session.</summary>
    protected Channels.RealtimeChannel Channel => _channel
        ?? throw new InvalidOperationException("The driver is not attached to a channel.");

    /// <summary>The one place a dialect is chosen.</summary>
    public static RealtimeDriver Create(RealtimeSessionOptions options) => options.Dialect switch
    {
        RealtimeDialect.VllmNative => new VllmNativeDriver(options),
        RealtimeDialect.OpenAIConversation => new OpenAIConversationDriver(options),
        _ => new OpenAITranscriptionDriver(options),
    };

    /// <summary>Adds what the dialect cannot take to <paramref name="problems"/>.</summary>
    public virtual void Validate(List<string> problems)
    {
    }

    public void Attach(Channels.RealtimeChannel channel) => _channel = channel;

    /// <summary>Opens the first connection and configures the session.</summary>
    public abstract Task OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// After a drop: opens a new connection, configures it as before, and sends <paramref name="plan"/>'s audio again
    /// with the commits that had been made. Its sends pass the outage; any failure fails the attempt.
    /// </summary>
    public abstract Task ReconnectAsync(Continuity.ReplayPlan plan, CancellationToken cancellationToken);

    /// <summary>Sends one chunk of wire-rate PCM16.</summary>
    public abstract ValueTask SendAudioAsync(ReadOnlyMemory<byte> wirePcm16, CancellationToken cancellationToken);

    /// <summary>Ends the utterance (the uplink has already flushed its audio).</summary>
    public abstract Task<Committed> CommitAsync(CancellationToken cancellationToken);

    /// <summary>Discards the utterance (the uplink has already dropped its audio).</summary>
    public abstract Task<Cleared> ClearAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A server event of connection <paramref name="generation"/>, after the session noted it: settles what waits for it
    /// and returns the event to publish (<see langword="null"/> to keep it back).
    /// </summary>
    public abstract RealtimeEvent? OnServerEvent(RealtimeEvent evt, int generation);

    /// <summary>A caller's conversation command on its way out, with reconnecting on (recorded as the replay log records audio).</summary>
    public virtual void OnSending(ConversationCommand command)
    {
    }

    /// <summary>Before a client close: what the dialect owes the server (the native final commit).</summary>
    public virtual ValueTask OnClosingAsync() => default;

    /// <summary>A connection kept open for what it still owed (<see cref="Channels.RealtimeChannel.ConnectAsync"/> with keepPrevious) ended
    /// first.</summary>
    public virtual void OnConnectionLost(int generation, string reason)
    {
    }

    /// <summary>The connection is gone: fail what only the driver holds.</summary>
    public virtual void OnClosed(RealtimeException exception)
    {
    }

    /// <summary>The exception for a server error event.</summary>
    protected static RealtimeException ErrorException(ServerError error) =>
        new($"The server reported an error{(error.Code is null ? string.Empty : $" ({error.Code})")}: {error.Message}", error);
}
