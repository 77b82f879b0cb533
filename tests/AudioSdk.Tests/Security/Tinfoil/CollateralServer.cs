using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// A plain-HTTP loopback server for collateral paths (AMD KDS, Intel PCS): answers GET with the bytes (and optional
/// header line) registered for the path (query ignored), 404 otherwise, and counts the requests. Without a length,
/// the body ends when the connection closes.
/// </summary>
internal sealed class CollateralServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Dictionary<string, byte[]> _files;
    private readonly Dictionary<string, string> _headers;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly bool _omitLength;
    private readonly List<string> _targets = [];
    private int _requests;

    public CollateralServer(Dictionary<string, byte[]> files, Dictionary<string, string>? headers = null, bool omitLength = false)
    {
        _files = files;
        _omitLength = omitLength;
        _headers = headers ?? [];
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(AcceptAsync);
    }

    public Uri BaseAddress { get; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The request targets (path and query) in the order they came.</summary>
    public IReadOnlyList<string> Targets
    {
        get
        {
            lock (_targets)
            {
                return [.. _targets];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            using (client)
            {
                var stream = client.GetStream();
                var head = new StringBuilder();
                var buffer = new byte[1];
                while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer, _stop.Token) == 1)
                {
                    head.Append((char)buffer[0]);
                }

                Interlocked.Increment(ref _requests);
                var target = head.ToString().Split(' ')[1];
                lock (_targets)
                {
                    _targets.Add(target);
                }

                var path = target.Split('?')[0];
                var found = _files.TryGetValue(path, out var body);
                body ??= [];
                var extra = _headers.TryGetValue(path, out var line) ? line + "\r\n" : string.Empty;
                var length = _omitLength ? string.Empty : $"Content-Length: {body.Length}\r\n";
                var header = $"HTTP/1.1 {(found ? "200 OK" : "404 Not Found")}\r\n{length}{extra}Connection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(header), _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
            }
        }
    }
}
