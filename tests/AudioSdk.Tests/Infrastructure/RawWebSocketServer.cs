using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace AudioSdk.Tests.Infrastructure;

/// <summary>
/// A WebSocket server written byte by byte over a <see cref="TcpListener"/> on loopback, for servers that must
/// misbehave: refuse the upgrade with any status and body, send frames of any size or payload (not UTF-8, not JSON),
/// close with any status, or drop the TCP connection without a close. Each connection runs <c>handler</c>.
/// </summary>
public sealed class RawWebSocketServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<RawWebSocketConnection, Task> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accept;

    private RawWebSocketServer(Func<RawWebSocketConnection, Task> handler)
    {
        _handler = handler;
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1/");
        _accept = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The base address to give an <see cref="AudioClient"/>.</summary>
    public Uri Endpoint { get; }

    /// <summary>Exceptions the handlers threw (a test can assert there were none).</summary>
    public List<Exception> Errors { get; } = [];

    public static RawWebSocketServer Start(Func<RawWebSocketConnection, Task> handler) => new(handler);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accept.ConfigureAwait(false);
        Task[] running;
        lock (_connections)
        {
            running = [.. _connections];
        }

        await Task.WhenAny(Task.WhenAll(running), Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var task = Task.Run(async () =>
            {
                using var connection = new RawWebSocketConnection(client, _stop.Token);
                try
                {
                    await _handler(connection).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    // The client went away: expected in fault tests.
                }
                catch (Exception ex)
                {
                    lock (Errors)
                    {
                        Errors.Add(ex);
                    }
                }
            });
            lock (_connections)
            {
                _connections.Add(task);
            }
        }
    }
}

/// <summary>One raw connection: the HTTP upgrade by hand, then WebSocket frames by hand (RFC 6455).</summary>
public sealed class RawWebSocketConnection(TcpClient client, CancellationToken stopping) : IDisposable
{
    private readonly NetworkStream _stream = client.GetStream();

    /// <summary>The request line and headers of the upgrade request.</summary>
    public string RequestText { get; private set; } = string.Empty;

    /// <summary>Reads the upgrade request; returns its headers (names in lower case).</summary>
    public async Task<Dictionary<string, string>> ReadRequestAsync()
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 64 * 1024)
        {
            if (await _stream.ReadAsync(one, stopping).ConfigureAwait(false) == 0)
            {
                throw new IOException("The client closed before the request ended.");
            }

            bytes.Add(one[0]);
            if (bytes.Count >= 4 && bytes[^1] == '\n' && bytes[^2] == '\r' && bytes[^3] == '\n' && bytes[^4] == '\r')
            {
                break;
            }
        }

        RequestText = Encoding.ASCII.GetString([.. bytes]);
        var headers = new Dictionary<string, string>();
        foreach (var line in RequestText.Split("\r\n").Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
            }
        }

        return headers;
    }

    /// <summary>Reads the request and switches protocols.</summary>
    public async Task AcceptAsync()
    {
        var headers = await ReadRequestAsync().ConfigureAwait(false);
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        await WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n")).ConfigureAwait(false);
    }

    /// <summary>Reads the request and answers it with an HTTP error instead of an upgrade.</summary>
    public async Task RefuseAsync(int status, string body, string contentType = "application/json", string? extraHeaders = null)
    {
        await ReadRequestAsync().ConfigureAwait(false);
        var payload = Encoding.UTF8.GetBytes(body);
        await WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} Refused\r\nContent-Type: {contentType}\r\nContent-Length: {payload.Length}\r\nConnection: close\r\n{extraHeaders}\r\n")).ConfigureAwait(false);
        await WriteAsync(payload).ConfigureAwait(false);
    }

    public Task SendTextAsync(string text) => SendFrameAsync(1, Encoding.UTF8.GetBytes(text));

    /// <summary>Sends one unmasked, final frame (1 text, 2 binary, 8 close).</summary>
    public Task SendFrameAsync(byte opcode, ReadOnlyMemory<byte> payload)
    {
        var frame = new MemoryStream(payload.Length + 10);
        AppendFrame(frame, opcode, payload.Span);
        return WriteAsync(frame.GetBuffer().AsMemory(0, (int)frame.Length));
    }

    /// <summary>Many frames written at once (fast, for generated traffic).</summary>
    public Task SendFramesAsync(IEnumerable<(byte Opcode, byte[] Payload)> frames)
    {
        var batch = new MemoryStream();
        foreach (var (opcode, payload) in frames)
        {
            AppendFrame(batch, opcode, payload);
        }

        return WriteAsync(batch.GetBuffer().AsMemory(0, (int)batch.Length));
    }

    public Task SendCloseAsync(int status, string reason)
    {
        var payload = new byte[2 + Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)status);
        Encoding.UTF8.GetBytes(reason, payload.AsSpan(2));
        return SendFrameAsync(8, payload);
    }

    /// <summary>Reads one client frame (unmasked payload); null when the connection ended.</summary>
    public async Task<(byte Opcode, byte[] Payload)?> ReadFrameAsync()
    {
        var head = new byte[2];
        if (!await ReadExactlyAsync(head).ConfigureAwait(false))
        {
            return null;
        }

        long length = head[1] & 0x7F;
        if (length == 126)
        {
            var ext = new byte[2];
            await ReadExactlyAsync(ext).ConfigureAwait(false);
            length = BinaryPrimitives.ReadUInt16BigEndian(ext);
        }
        else if (length == 127)
        {
            var ext = new byte[8];
            await ReadExactlyAsync(ext).ConfigureAwait(false);
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(ext);
        }

        var mask = new byte[4];
        if ((head[1] & 0x80) != 0)
        {
            await ReadExactlyAsync(mask).ConfigureAwait(false);
        }

        var payload = new byte[length];
        await ReadExactlyAsync(payload).ConfigureAwait(false);
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] ^= mask[i % 4];
        }

        return ((byte)(head[0] & 0x0F), payload);
    }

    /// <summary>Reads client frames until a text frame whose payload contains <paramref name="marker"/>.</summary>
    public async Task<string?> ReadUntilAsync(string marker)
    {
        while (await ReadFrameAsync().ConfigureAwait(false) is { } frame)
        {
            var text = Encoding.UTF8.GetString(frame.Payload);
            if (frame.Opcode == 1 && text.Contains(marker, StringComparison.Ordinal))
            {
                return text;
            }
        }

        return null;
    }

    /// <summary>Ends the TCP connection at once, with no close frame (a reset: linger 0).</summary>
    public void Drop()
    {
        client.Client.LingerState = new LingerOption(true, 0);
        client.Close();
    }

    public void Dispose() => client.Dispose();

    private static void AppendFrame(MemoryStream frame, byte opcode, ReadOnlySpan<byte> payload)
    {
        frame.WriteByte((byte)(0x80 | opcode));
        if (payload.Length < 126)
        {
            frame.WriteByte((byte)payload.Length);
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            frame.WriteByte(126);
            Span<byte> ext = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(ext, (ushort)payload.Length);
            frame.Write(ext);
        }
        else
        {
            frame.WriteByte(127);
            Span<byte> ext = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(ext, (ulong)payload.Length);
            frame.Write(ext);
        }

        frame.Write(payload);
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        await _stream.WriteAsync(bytes, stopping).ConfigureAwait(false);
        await _stream.FlushAsync(stopping).ConfigureAwait(false);
    }

    private async Task<bool> ReadExactlyAsync(byte[] buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _stream.ReadAsync(buffer.AsMemory(read), stopping).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
