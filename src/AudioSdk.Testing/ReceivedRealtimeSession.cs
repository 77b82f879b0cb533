using System.Collections.Concurrent;

namespace AudioSdk.Testing;

/// <summary>A realtime connection the server accepted, with what it received.</summary>
public sealed class ReceivedRealtimeSession
{
    internal ReceivedRealtimeSession(string dialect, string query, IReadOnlyDictionary<string, string> headers)
    {
        Dialect = dialect;
        Query = query;
        Headers = headers;
    }

    /// <summary><c>openai</c>, <c>native</c> or <c>conversation</c>.</summary>
    public string Dialect { get; }

    /// <summary>The query string of the upgrade request.</summary>
    public string Query { get; }

    /// <summary>The upgrade request's headers.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The offered subprotocols (<c>Sec-WebSocket-Protocol</c>), if any.</summary>
    public string? OfferedSubprotocols => Headers.TryGetValue("Sec-WebSocket-Protocol", out var v) ? v : null;

    /// <summary>Every client message, as text, in order.</summary>
    public ConcurrentQueue<string> ClientMessages { get; } = new();

    /// <summary>The utterances transcribed on this connection.</summary>
    public ConcurrentQueue<ReceivedUtterance> Utterances { get; } = new();

    /// <summary>The sample rate the connection used (declared, or 16000 native).</summary>
    public int SampleRate { get; internal set; }

    /// <summary>Conversation dialect: the truncations applied.</summary>
    public ConcurrentQueue<ReceivedTruncation> Truncations { get; } = new();

    /// <summary>Conversation dialect: the function call outputs received.</summary>
    public ConcurrentQueue<ReceivedFunctionOutput> FunctionOutputs { get; } = new();

    /// <summary>Conversation dialect: the responses produced, once each has ended.</summary>
    public ConcurrentQueue<ReceivedResponse> Responses { get; } = new();

    /// <summary>Native dialect: when each final commit arrived (server clock).</summary>
    public ConcurrentQueue<DateTimeOffset> FinalCommits { get; } = new();

    /// <summary>Native dialect: when each <c>transcription.done</c> was sent (server clock).</summary>
    public ConcurrentQueue<DateTimeOffset> TranscriptsSent { get; } = new();

    /// <summary>Whether the connection has ended.</summary>
    public bool Ended { get; internal set; }
}

/// <summary>An utterance the realtime endpoint received and transcribed.</summary>
/// <param name="ItemId">The item id it gave (empty for the native dialect, which has none).</param>
/// <param name="Bytes">The PCM16 bytes received.</param>
/// <param name="SampleRate">Their rate.</param>
/// <param name="Duration">Their duration.</param>
/// <param name="FrequencyHz">The dominant frequency heard, 0 for silence.</param>
/// <param name="Transcript">The transcript sent back.</param>
public sealed record ReceivedUtterance(string ItemId, byte[] Bytes, int SampleRate, TimeSpan Duration, double FrequencyHz,
    string Transcript);
