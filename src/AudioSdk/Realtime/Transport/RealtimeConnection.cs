using System.Buffers;
using System.Net.WebSockets;

namespace AudioSdk.Realtime.Transport;

/// <summary>How a connection ended.</summary>
internal readonly record struct ConnectionEnd(WebSocketCloseStatus? Status, string? Description, Exception? Error);

/// <summary>What the session needs of a socket, so the session can be exercised without one.</summary>
internal interface IRealtimeConnection : IAsyncDisposable
{
    /// <summary>Sends one text message. The caller serialises sends.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken);

    /// <summary>Reads messages until the connection ends, handing each to <paramref name="onMessage"/> (the memory is valid only during the
    /// call).</summary>
    Task<ConnectionEnd> ReceiveAllAsync(Func<ReadOnlyMemory<byte>, ValueTask> onMessage, CancellationToken cancellationToken);

    /// <summary>Starts the close handshake and waits, at most <paramref name="timeout"/>, for the server's reply.</summary>
    Task CloseAsync(TimeSpan timeout);
}

/// <summary>
/// A <see cref="ClientWebSocket"/> connected through the client's own handler (so proxy, TLS and pinning
/// settings apply), with pooled receive buffers and a message size cap. Never sets the socket's own
/// certificate callback: TLS settings live on the handler.
/// </summary>
internal sealed class RealtimeConnection : IRealtimeConnection
{
    /// <summary>How long a close handshake (ours, or the wait for the receive loop after it) may take before the socket is
    /// dropped.</summary>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private const int ReceiveBlock = 16 * 1024;
    private readonly ClientWebSocket _socket;
    private readonly HttpMessageInvoker _invoker;
    private readonly int _maxMessageBytes;
    private readonly TimeProvider _timeProvider;

    private RealtimeConnection(ClientWebSocket socket, HttpMessageInvoker invoker, int maxMessageBytes, TimeProvider timeProvider)
    {
        _socket = socket;
        _invoker = invoker;
        _maxMessageBytes = maxMessageBytes;
        _timeProvider = timeProvider;
    }

    public static async Task<RealtimeConnection> ConnectAsync(
        Uri uri,
        HttpMessageInvoker invoker,
        IEnumerable<KeyValuePair<string, string>> headers,
        TimeSpan keepAlive,
        TimeSpan timeout,
        int maxMessageBytes,
        string? apiKey,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var capture = new RefusalCapture(invoker, apiKey, timeProvider);
        invoker = new HttpMessageInvoker(capture, disposeHandler: true);
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = keepAlive;
        foreach (var header in headers)
        {
            socket.Options.SetRequestHeader(header.Key, header.Value);
        }

        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            await socket.ConnectAsync(uri, invoker, linked.Token).ConfigureAwait(false);
            return new RealtimeConnection(socket, invoker, maxMessageBytes, timeProvider);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            invoker.Dispose();
            var message = $"The realtime WebSocket to {uri.GetLeftPart(UriPartial.Path)} did not open within {timeout}.";
            throw new AudioTransportException(message, new TimeoutException(message), isTimeout: true);
        }
        catch (Exception ex) when (Security.TlsPinMismatchException.Find(ex) is { } mismatch)
        {
            socket.Dispose();
            invoker.Dispose();
            throw new Security.TlsPinMismatchException(mismatch.Authority, mismatch.ExpectedPins, mismatch.ActualPin, ex);
        }
        catch (Exception ex) when (FindAttestationFailure(ex) is { } attestation)
        {
            // The pinned handler refused before any byte left: the same typed failure a REST call gets.
            socket.Dispose();
            invoker.Dispose();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(attestation);
            throw;
        }
        catch (WebSocketException ex) when (capture.Refusal is { } refusal)
        {
            socket.Dispose();
            invoker.Dispose();
            throw Refused(uri, refusal, ex);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException)
        {
            socket.Dispose();
            invoker.Dispose();
            throw new RealtimeException($"The realtime WebSocket to {uri.GetLeftPart(UriPartial.Path)} could not be opened: {Internal.SecretRedactor.Redact(ex.Message, apiKey)}", null, ex);
        }
        catch
        {
            socket.Dispose();
            invoker.Dispose();
            throw;
        }
    }

    private static Security.AttestationException? FindAttestationFailure(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is Security.AttestationException attestation)
            {
                return attestation;
            }
        }

        return null;
    }

    /// <summary>The server answered the upgrade with an HTTP error: its status and body, and what to check.</summary>
    private static AudioServiceException Refused(Uri uri, AudioServiceException refusal, WebSocketException cause)
    {
        var check = (int)refusal.Status switch
        {
            401 => "Check the API key (AudioClientOptions.ApiKey).",
            403 => "Check that the key may use this model and endpoint (organization, project, region).",
            404 => "Check the endpoint and path (AudioClientOptions.Endpoint, RealtimeSessionOptions.Path) and the model name.",
            429 =>
                "The service is rate limiting or the quota is spent: wait" + (refusal.RetryAfter is { } after ? $" {after.TotalSeconds:0.#} s" : string.Empty) + " or check the plan.",
            400 => "Check the model and dialect (RealtimeSessionOptions.Model, Dialect).",
            _ => "Check the endpoint and that it serves realtime WebSockets.",
        };
        return new AudioServiceException(
            $"The realtime WebSocket upgrade to {uri.GetLeftPart(UriPartial.Path)} was refused. {refusal.Message} {check}",
            refusal.Status,
            refusal.ErrorType,
            refusal.Code,
            refusal.Param,
            refusal.RequestId,
            refusal.RawBody,
            refusal.Metadata,
            refusal.RetryAfter);
    }
    public ValueTask SendAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken) =>
        _socket.SendAsync(utf8, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    public async Task<ConnectionEnd> ReceiveAllAsync(Func<ReadOnlyMemory<byte>, ValueTask> onMessage, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBlock);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= _maxMessageBytes)
                    {
                        await CloseOutputQuietlyAsync(WebSocketCloseStatus.MessageTooBig, "message too big").ConfigureAwait(false);
                        return new ConnectionEnd(WebSocketCloseStatus.MessageTooBig,
                            $"A server message exceeded {_maxMessageBytes} bytes.", null);
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_maxMessageBytes, buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                ValueWebSocketReceiveResult result;
                try
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                }
                catch (WebSocketException ex)
                {
                    // The runtime fails the connection itself on a protocol violation (RFC 6455 §8.1: a text frame that is not UTF-8).
                    return new ConnectionEnd(null,
                        ex.WebSocketErrorCode == WebSocketError.Faulted ? "the WebSocket failed on a protocol violation by the server, such as a text frame that is not UTF-8" : ex.Message, ex);
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await CloseOutputQuietlyAsync(WebSocketCloseStatus.NormalClosure, null).ConfigureAwait(false);
                    }

                    return new ConnectionEnd(_socket.CloseStatus, _socket.CloseStatusDescription, null);
                }

                length += result.Count;
                if (length > _maxMessageBytes)
                {
                    await CloseOutputQuietlyAsync(WebSocketCloseStatus.MessageTooBig, "message too big").ConfigureAwait(false);
                    return new ConnectionEnd(WebSocketCloseStatus.MessageTooBig, $"A server message exceeded {_maxMessageBytes} bytes.",
                        null);
                }

                if (result.EndOfMessage)
                {
                    if (result.MessageType == WebSocketMessageType.Text || length > 0)
                    {
                        await onMessage(buffer.AsMemory(0, length)).ConfigureAwait(false);
                    }

                    length = 0;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task CloseAsync(TimeSpan timeout)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var cts = new CancellationTokenSource(timeout, _timeProvider);
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "client closing", cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                _socket.Abort();
            }
        }
    }

    /// <summary>Disposes the socket and the invoker (which disposes a handler only when it was created for this connection).</summary>
    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _invoker.Dispose();
        return default;
    }

    private async Task CloseOutputQuietlyAsync(WebSocketCloseStatus status, string? description)
    {
        try
        {
            using var cts = new CancellationTokenSource(CloseTimeout, _timeProvider);
            await _socket.CloseOutputAsync(status, description, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}

/// <summary>
/// Sits between <see cref="ClientWebSocket"/> and the client's handler during the upgrade: when the server answers
/// with anything but a switch of protocols, it reads the (capped) error body before the socket discards it.
/// </summary>
internal sealed class RefusalCapture(HttpMessageInvoker inner, string? apiKey, TimeProvider timeProvider) : HttpMessageHandler
{
    public AudioServiceException? Refusal { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await inner.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is not (System.Net.HttpStatusCode.SwitchingProtocols or System.Net.HttpStatusCode.OK))
        {
            Refusal = await Internal.Http.ErrorResponseReader.ReadAsync(response, apiKey, timeProvider,
                cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
