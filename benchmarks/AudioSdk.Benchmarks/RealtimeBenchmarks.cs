using System.Text;
using System.Threading.Channels;
using AudioSdk.Realtime;
using AudioSdk.Realtime.Protocol;
using AudioSdk.Realtime.Transport;
using BenchmarkDotNet.Attributes;

namespace AudioSdk.Benchmarks;

/// <summary>
/// The realtime send path per 100 ms chunk (SendAudioAsync into a connection that discards, so only the SDK's
/// own work is measured) beside the naive way (base64 string, interpolated JSON, UTF-8 bytes), and the reader:
/// server messages parsed and delivered through ReadEventsAsync.
/// </summary>
[MemoryDiagnoser]
public class RealtimeBenchmarks
{
    private const int Events = 10_000;
    private RealtimeSession _native16k = null!;
    private RealtimeSession _native48k = null!;
    private RealtimeSession _openAI24k = null!;
    private byte[] _chunk16k = [];
    private byte[] _chunk24k = [];
    private byte[] _chunk48k = [];
    private byte[] _delta = [];
    private int _sink;

    [GlobalSetup]
    public async Task Setup()
    {
        _chunk16k = Tone(16000);
        _chunk24k = Tone(24000);
        _chunk48k = Tone(48000);
        _delta = Encoding.UTF8.GetBytes("""{"type":"conversation.item.input_audio_transcription.delta","event_id":"event_0042","item_id":"item_001","content_index":0,"delta":" hello"}""");
        _native16k = await Start(new RealtimeSessionOptions { Dialect = RealtimeDialect.VllmNative, Model = "m", InputSampleRate = 16000 });
        _native48k = await Start(new RealtimeSessionOptions { Dialect = RealtimeDialect.VllmNative, Model = "m", InputSampleRate = 48000 });
        _openAI24k = await Start(new RealtimeSessionOptions { Model = "m", InputSampleRate = 24000 });
        await _native16k.SendAudioAsync(_chunk16k);
        await _native48k.SendAudioAsync(_chunk48k);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _native16k.DisposeAsync();
        await _native48k.DisposeAsync();
        await _openAI24k.DisposeAsync();
    }

    /// <summary>One 100 ms chunk at 16 kHz, native dialect: no resampling.</summary>
    [Benchmark]
    public Task SendAudio_100ms_16kNative() => _native16k.SendAudioAsync(_chunk16k);

    /// <summary>One 100 ms chunk at 24 kHz, OpenAI dialect: no resampling.</summary>
    [Benchmark]
    public Task SendAudio_100ms_24kOpenAI() => _openAI24k.SendAudioAsync(_chunk24k);

    /// <summary>One 100 ms chunk at 48 kHz resampled to 16 kHz on the way.</summary>
    [Benchmark]
    public Task SendAudio_100ms_48kResampledTo16k() => _native48k.SendAudioAsync(_chunk48k);

    /// <summary>The alternative: base64 string, interpolated JSON string, UTF-8 bytes for each chunk.</summary>
    [Benchmark(Baseline = true)]
    public int Naive_100ms_24k()
    {
        var json = $"{{\"type\":\"input_audio_buffer.append\",\"audio\":\"{Convert.ToBase64String(_chunk24k)}\"}}";
        var bytes = Encoding.UTF8.GetBytes(json);
        return _sink += bytes.Length;
    }

    /// <summary>Parsing one server delta message into an event (divide 1 s by the mean for events per second).</summary>
    [Benchmark]
    public object? ParseDelta() => OpenAITranscriptionProtocol.Instance.Parse(_delta, null);

    /// <summary>10,000 delta messages through a session's receive path and out of ReadEventsAsync.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public async Task<int> ReadEvents_10000Deltas()
    {
        var feed = new ScriptedConnection(Enumerable.Repeat(_delta, Events));
        var session = await RealtimeSession.StartAsync(new RealtimeSessionOptions { Model = "m" }, _ => Task.FromResult<IRealtimeConnection>(feed), TimeProvider.System, CancellationToken.None);
        var count = 0;
        await foreach (var e in session.ReadEventsAsync())
        {
            if (e is TranscriptDelta && ++count == Events)
            {
                break;
            }
        }

        await session.DisposeAsync();
        return count;
    }

    private static Task<RealtimeSession> Start(RealtimeSessionOptions options) =>
        RealtimeSession.StartAsync(options, _ => Task.FromResult<IRealtimeConnection>(new ScriptedConnection([])), TimeProvider.System, CancellationToken.None);

    private static byte[] Tone(int rate)
    {
        var bytes = new byte[rate / 10 * 2];
        for (var i = 0; i < bytes.Length / 2; i++)
        {
            var v = (short)(Math.Sin(2 * Math.PI * 440 * i / rate) * 10000);
            bytes[2 * i] = (byte)v;
            bytes[(2 * i) + 1] = (byte)(v >> 8);
        }

        return bytes;
    }

    /// <summary>A connection without a socket: answers session.created and session.updated, then plays the given messages, and discards what is sent.</summary>
    private sealed class ScriptedConnection(IEnumerable<byte[]> messages) : IRealtimeConnection
    {
        private static readonly byte[] Created = Encoding.UTF8.GetBytes("""{"type":"session.created","id":"sess-bench"}""");
        private static readonly byte[] Updated = Encoding.UTF8.GetBytes("""{"type":"session.updated","session":{}}""");
        private readonly Channel<byte[]> _inbox = Channel.CreateUnbounded<byte[]>();

        public ValueTask SendAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken)
        {
            if (utf8.Length < 512 && utf8.Span.IndexOf("session.update"u8) >= 0)
            {
                _inbox.Writer.TryWrite(Updated);
                foreach (var message in messages)
                {
                    _inbox.Writer.TryWrite(message);
                }
            }

            return default;
        }

        public async Task<ConnectionEnd> ReceiveAllAsync(Func<ReadOnlyMemory<byte>, ValueTask> onMessage, CancellationToken cancellationToken)
        {
            await onMessage(Created);
            await foreach (var message in _inbox.Reader.ReadAllAsync(cancellationToken))
            {
                await onMessage(message);
            }

            return new ConnectionEnd(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, null);
        }

        public Task CloseAsync(TimeSpan timeout)
        {
            _inbox.Writer.TryComplete();
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => default;
    }
}
