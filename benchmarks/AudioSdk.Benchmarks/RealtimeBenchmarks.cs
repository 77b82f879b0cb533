using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using AudioSdk.Realtime;
using AudioSdk.Realtime.Protocol;
using AudioSdk.Realtime.Transport;
using BenchmarkDotNet.Attributes;

namespace AudioSdk.Benchmarks;

/// <summary>
/// The realtime send path per 100 ms chunk (SendAudioAsync into a connection that discards, so only the SDK's
/// own work is measured) beside the naive way (base64 string, interpolated JSON, UTF-8 bytes), and the reader:
/// server messages parsed and delivered through ReadEventsAsync, over a real loopback WebSocket beside the raw
/// alternative (ClientWebSocket + JsonDocument, no SDK) in the same run.
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
    private byte[] _audioDelta = [];
    private int _sink;

    private DeltaServer _server = null!;
    private AudioClient _client = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _server = DeltaServer.Start(Events);
        _client = new AudioClient(new AudioClientOptions { Endpoint = _server.Endpoint, ApiKey = "sk-bench", Retry = AudioClientRetryOptions.None });
        _chunk16k = Tone(16000);
        _chunk24k = Tone(24000);
        _chunk48k = Tone(48000);
        _delta = Encoding.UTF8.GetBytes("""{"type":"conversation.item.input_audio_transcription.delta","event_id":"event_0042","item_id":"item_001","content_index":0,"delta":" hello"}""");
        _audioDelta = Encoding.UTF8.GetBytes($$"""{"type":"response.output_audio.delta","event_id":"event_0042","response_id":"resp_001","item_id":"item_002","output_index":0,"content_index":0,"delta":"{{Convert.ToBase64String(_chunk24k)}}"}""");
        _native16k = await Start(new RealtimeSessionOptions { Dialect = RealtimeDialect.VllmNative, Model = "m", InputSampleRate = 16000 });
        _native48k = await Start(new RealtimeSessionOptions { Dialect = RealtimeDialect.VllmNative, Model = "m", InputSampleRate = 48000 });
        _openAI24k = await Start(new RealtimeSessionOptions { Model = "m", InputSampleRate = 24000 });
        await _native16k.SendAudioAsync(_chunk16k);
        await _native48k.SendAudioAsync(_chunk48k);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _client.Dispose();
        _server.Dispose();
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

    /// <summary>Conversation dialect: one 100 ms output audio delta (24 kHz, 4,800 bytes of PCM) parsed into an event with its audio decoded.</summary>
    [Benchmark]
    public object? ParseAudioDelta() => OpenAIConversationProtocol.Instance.Parse(_audioDelta, null);

    /// <summary>The alternative for the same message: JsonDocument, then the base64 decoded from the element.</summary>
    [Benchmark]
    public int ParseAudioDelta_JsonDocument()
    {
        using var doc = JsonDocument.Parse(_audioDelta);
        var root = doc.RootElement;
        return root.GetProperty("type").ValueEquals("response.output_audio.delta") ? root.GetProperty("delta").GetBytesFromBase64().Length + root.GetProperty("item_id").GetString()!.Length : 0;
    }

    /// <summary>Conversation dialect: 10,000 output audio deltas through a session's receive path and out of ReadEventsAsync (allocations per delta).</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public async Task<int> ReadEvents_10000AudioDeltas()
    {
        var feed = new ScriptedConnection(Enumerable.Repeat(_audioDelta, Events));
        var session = await RealtimeSession.StartAsync(new RealtimeSessionOptions { Dialect = RealtimeDialect.OpenAIConversation, Model = "m" }, _ => Task.FromResult<IRealtimeConnection>(feed), TimeProvider.System, CancellationToken.None);
        var count = 0;
        await foreach (var e in session.ReadEventsAsync())
        {
            if (e is OutputAudioDelta && ++count == Events)
            {
                break;
            }
        }

        await session.DisposeAsync();
        return count;
    }

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

    /// <summary>10,000 delta frames over a loopback WebSocket, through the SDK session and out of ReadEventsAsync.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public async Task<int> Socket_Sdk_10000Deltas()
    {
        await using var session = await _client.StartRealtimeSessionAsync(new RealtimeSessionOptions { Model = "m" });
        var count = 0;
        await foreach (var e in session.ReadEventsAsync())
        {
            if (e is TranscriptDelta && ++count == Events)
            {
                break;
            }
        }

        return count;
    }

    /// <summary>The alternative: the same frames read with a bare ClientWebSocket and parsed with JsonDocument (type and delta read).</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public async Task<int> Socket_RawClientWebSocketJsonDocument_10000Deltas()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(_server.Endpoint.AbsoluteUri.Replace("http://", "ws://", StringComparison.Ordinal) + "realtime?intent=transcription"), CancellationToken.None);
        await socket.SendAsync("""{"type":"session.update"}"""u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[16 * 1024];
        var count = 0;
        var length = 0;
        while (count < Events)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
            length += result.Count;
            if (!result.EndOfMessage)
            {
                continue;
            }

            using (var doc = JsonDocument.Parse(buffer.AsMemory(0, length)))
            {
                var root = doc.RootElement;
                if (root.GetProperty("type").ValueEquals("conversation.item.input_audio_transcription.delta") && root.GetProperty("delta").GetString() is not null)
                {
                    count++;
                }
            }

            length = 0;
        }

        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
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

    /// <summary>
    /// A loopback WebSocket server written over a TcpListener so its own cost stays out of the figures: it answers the
    /// upgrade, sends session.created, waits for the client's first message, answers session.updated, then writes
    /// the delta frames prepared once, and ends when the client closes.
    /// </summary>
    private sealed class DeltaServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly byte[] _created = Frame("""{"type":"session.created","event_id":"event_0001","session":{"id":"sess_bench"}}"""u8);
        private readonly byte[] _updated = Frame("""{"type":"session.updated","event_id":"event_0002","session":{}}"""u8);
        private readonly byte[] _deltas;

        private DeltaServer(int events)
        {
            var one = Frame("""{"type":"conversation.item.input_audio_transcription.delta","event_id":"event_0042","item_id":"item_001","content_index":0,"delta":" hello"}"""u8);
            _deltas = new byte[one.Length * events];
            for (var i = 0; i < events; i++)
            {
                one.CopyTo(_deltas, i * one.Length);
            }

            _listener.Start();
            Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1/");
            _ = Task.Run(AcceptAsync);
        }

        public Uri Endpoint { get; }

        public static DeltaServer Start(int events) => new(events);

        public void Dispose() => _listener.Stop();

        private static byte[] Frame(ReadOnlySpan<byte> payload)
        {
            var header = payload.Length < 126 ? 2 : 4;
            var frame = new byte[header + payload.Length];
            frame[0] = 0x81;
            if (header == 2)
            {
                frame[1] = (byte)payload.Length;
            }
            else
            {
                frame[1] = 126;
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
            }

            payload.CopyTo(frame.AsSpan(header));
            return frame;
        }

        private async Task AcceptAsync()
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync();
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    var request = new StringBuilder();
                    var one = new byte[1];
                    while (!request.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
                    {
                        request.Append((char)one[0]);
                    }

                    var key = request.ToString().Split("\r\n").First(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))[18..].Trim();
                    var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"));
                    await stream.WriteAsync(_created);
                    await SkipFrameAsync(stream);
                    await stream.WriteAsync(_updated);
                    await stream.WriteAsync(_deltas);
                    while (await SkipFrameAsync(stream) != 8)
                    {
                    }
                }
                catch (IOException)
                {
                }
            }
        }

        /// <summary>Reads one client frame and returns its opcode.</summary>
        private static async Task<int> SkipFrameAsync(NetworkStream stream)
        {
            var head = new byte[2];
            await stream.ReadExactlyAsync(head);
            long length = head[1] & 0x7F;
            if (length >= 126)
            {
                var ext = new byte[length == 126 ? 2 : 8];
                await stream.ReadExactlyAsync(ext);
                length = ext.Length == 2 ? BinaryPrimitives.ReadUInt16BigEndian(ext) : (long)BinaryPrimitives.ReadUInt64BigEndian(ext);
            }

            await stream.ReadExactlyAsync(new byte[length + 4]);
            return head[0] & 0x0F;
        }
    }
}
