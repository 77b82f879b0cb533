using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AudioSdk.Tests.Infrastructure;

/// <summary>
/// An HTTP/1.1 server on a raw <see cref="TcpListener"/> (127.0.0.1) that answers byte by byte as each test scripts it:
/// truncated bodies, resets, stalls, malformed chunks. One request per connection; the connection closes after the script.
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<RawExchange, Task> _script;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _accepting;
    private int _attempts;

    public RawHttpServer(Func<RawExchange, Task> script)
    {
        _script = script;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>A server that reads each request and never answers: no status line, no headers.</summary>
    public static RawHttpServer NeverAnswering() => new(async x =>
    {
        await x.ReadBodyAsync();
        await x.HangAsync();
    });

    public Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1");

    /// <summary>How many requests arrived (their request line and headers were read).</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    public ConcurrentQueue<RawRequest> Requests { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await Task.WhenAny(Task.WhenAll(_connections.Append(_accepting)), Task.Delay(TimeSpan.FromSeconds(10)));
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _connections.Add(Task.Run(() => ServeAsync(socket)));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            var request = await RawRequest.ReadHeadAsync(stream, _stopping.Token);
            if (request is null)
            {
                return;
            }

            var attempt = Interlocked.Increment(ref _attempts);
            Requests.Enqueue(request);
            await _script(new RawExchange(request, stream, socket, attempt, _stopping.Token));
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}

/// <summary>A request's head as it arrived; the body is read on demand.</summary>
public sealed class RawRequest
{
    public required string Method { get; init; }

    public required string Target { get; init; }

    public required Dictionary<string, string> Headers { get; init; }

    internal byte[] Leftover { get; init; } = [];

    public long BodyBytesRead { get; internal set; }

    internal static async Task<RawRequest?> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        while (true)
        {
            var end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var lines = Encoding.ASCII.GetString(buffer, 0, end).Split("\r\n");
                var first = lines[0].Split(' ');
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var line in lines.Skip(1))
                {
                    var colon = line.IndexOf(':');
                    headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                }

                return new RawRequest { Method = first[0], Target = first[1], Headers = headers, Leftover = buffer[(end + 4)..length] };
            }

            if (length == buffer.Length)
            {
                throw new IOException("Request head too large.");
            }

            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return null;
            }

            length += read;
        }
    }
}

/// <summary>One request and the connection to answer it on.</summary>
public sealed class RawExchange(RawRequest request, NetworkStream stream, Socket socket, int attempt, CancellationToken stopping)
{
    private bool _bodyRead;

    public RawRequest Request { get; } = request;

    /// <summary>1 for the first request the server saw, 2 for the second...</summary>
    public int Attempt { get; } = attempt;

    /// <summary>Cancelled when the server stops.</summary>
    public CancellationToken Stopping { get; } = stopping;

    /// <summary>Reads up to <paramref name="limit"/> body bytes (Content-Length or chunked framing is not interpreted: raw bytes).</summary>
    public async Task<long> ReadBodyAsync(long limit = long.MaxValue)
    {
        var expected = Request.Headers.TryGetValue("Content-Length", out var cl) ? long.Parse(cl, System.Globalization.CultureInfo.InvariantCulture) : -1;
        var chunked = Request.Headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase);
        long total = Request.Leftover.Length;
        var buffer = new byte[16 * 1024];
        var window = new List<byte>(Request.Leftover);
        while (total < limit && (expected < 0 || total < expected))
        {
            if (chunked && EndsWithLastChunk(window))
            {
                break;
            }

            if (!chunked && expected < 0)
            {
                break;
            }

            var read = await stream.ReadAsync(buffer, Stopping);
            if (read == 0)
            {
                break;
            }

            total += read;
            window.AddRange(buffer.AsSpan(0, read).ToArray());
            if (window.Count > 16)
            {
                window.RemoveRange(0, window.Count - 16);
            }
        }

        _bodyRead = true;
        Request.BodyBytesRead = total;
        return total;
    }

    /// <summary>Reads the whole body, de-chunked when chunked (Content-Length otherwise), up to <paramref name="limit"/> bytes.</summary>
    public async Task<byte[]> ReadBodyBytesAsync(int limit = 64 * 1024 * 1024)
    {
        var reader = new BufferedBody(Request.Leftover, stream, Stopping);
        var body = new MemoryStream();
        if (Request.Headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            while (true)
            {
                var size = Convert.ToInt32((await reader.LineAsync()).Split(';')[0].Trim(), 16);
                if (size == 0)
                {
                    while ((await reader.LineAsync()).Length > 0)
                    {
                    }

                    break;
                }

                body.Write(await reader.BytesAsync(size));
                await reader.LineAsync();
                if (body.Length > limit)
                {
                    throw new IOException("Body too large.");
                }
            }
        }
        else if (Request.Headers.TryGetValue("Content-Length", out var cl))
        {
            body.Write(await reader.BytesAsync(int.Parse(cl, System.Globalization.CultureInfo.InvariantCulture)));
        }

        _bodyRead = true;
        Request.BodyBytesRead = body.Length;
        return body.ToArray();
    }

    /// <summary>Writes raw bytes and flushes.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        await stream.WriteAsync(bytes, Stopping);
        await stream.FlushAsync(Stopping);
    }

    private sealed class BufferedBody(byte[] leftover, Stream stream, CancellationToken token)
    {
        private readonly List<byte> _pending = [.. leftover];

        public async Task<string> LineAsync()
        {
            while (true)
            {
                var at = _pending.IndexOf((byte)'\n');
                if (at >= 0)
                {
                    var line = Encoding.ASCII.GetString(_pending.GetRange(0, at).ToArray()).TrimEnd('\r');
                    _pending.RemoveRange(0, at + 1);
                    return line;
                }

                await MoreAsync();
            }
        }

        public async Task<byte[]> BytesAsync(int count)
        {
            while (_pending.Count < count)
            {
                await MoreAsync();
            }

            var bytes = _pending.GetRange(0, count).ToArray();
            _pending.RemoveRange(0, count);
            return bytes;
        }

        private async Task MoreAsync()
        {
            var buffer = new byte[16 * 1024];
            var read = await stream.ReadAsync(buffer, token);
            if (read == 0)
            {
                throw new IOException("The client closed the connection inside the body.");
            }

            _pending.AddRange(buffer.AsSpan(0, read).ToArray());
        }
    }

    /// <summary>Writes raw bytes and flushes.</summary>
    public async Task WriteAsync(string ascii)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(ascii), Stopping);
        await stream.FlushAsync(Stopping);
    }

    /// <summary>A whole answer with Content-Length and <c>Connection: close</c>, after reading the request body.</summary>
    public async Task RespondAsync(int status, string reason, string body, string contentType = "application/json", params string[] headers)
    {
        if (!_bodyRead)
        {
            await ReadBodyAsync();
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder($"HTTP/1.1 {status} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n");
        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        await WriteAsync(head.Append("\r\n").ToString());
        await stream.WriteAsync(bytes, Stopping);
        await stream.FlushAsync(Stopping);
    }

    /// <summary>Reads and discards until the client closes the connection (end of stream or a reset).</summary>
    public async Task WaitForPeerCloseAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, Stopping) > 0)
            {
            }
        }
        catch (IOException)
        {
            // A reset is a close too.
        }
    }

    /// <summary>Waits until the server stops (a peer that never answers).</summary>
    public Task HangAsync() => Task.Delay(Timeout.Infinite, Stopping);

    /// <summary>Drops the connection with a TCP reset.</summary>
    public void Reset()
    {
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
    }

    private static bool EndsWithLastChunk(List<byte> window) =>
        window.Count >= 5 && window[^5] == (byte)'0' && window[^4] == '\r' && window[^3] == '\n' && window[^2] == '\r' && window[^1] == '\n';
}
