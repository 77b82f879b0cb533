using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;

namespace AudioSdk.Internal.Http;

/// <summary>
/// The one reader of a streamed response's body, raw or event stream. It owns the response: disposing it ends the
/// body, the response with its attempt timeout, and whatever else the operation gave it to own. Every read runs under
/// the attempt's token and the caller's, inside the idle timeout (the inner <see cref="IdleTimeoutStream"/>, which
/// also scrubs the key from read errors), and every failure of a read surfaces here, once, as an
/// <see cref="AudioTransportException"/> (the attempt's or the idle timeout, a broken connection, bad framing). An event stream also fails
/// past <see cref="MaxLineBytes"/> in one line, and
/// <see cref="ReadEventsAsync{T}(Func{string, EventStep{T}}, Func{int, string})"/> turns it into items with one rule for <c>[DONE]</c> and
/// for a stream cut before
/// its done event. Operations supply only the decode of one event.
/// </summary>
internal sealed class StreamedBody : ReadOnlyStream
{
    /// <summary>The longest event-stream line accepted: room for a whole speech answer as one base64 event.</summary>
    public const int MaxLineBytes = 32 * 1024 * 1024;

    private readonly Stream _body;
    private readonly StreamingResponse _streaming;
    private readonly bool _events;
    private readonly string? _emptyProblem;
    private readonly IDisposable? _owned;
    private long _sinceBreak;
    private long _total;
    private int _disposed;

    /// <param name="body">The response body, already guarded by the idle timeout.</param>
    /// <param name="streaming">The response it comes from; owned.</param>
    /// <param name="events">An event stream: lines are capped.</param>
    /// <param name="emptyProblem">When set, a body that ends without a byte is <c>invalid_response</c> with this message.</param>
    /// <param name="owned">Disposed with the body (a linked token source the operation made).</param>
    public StreamedBody(Stream body, StreamingResponse streaming, bool events, string? emptyProblem = null, IDisposable? owned = null)
    {
        _body = body;
        _streaming = streaming;
        _events = events;
        _emptyProblem = emptyProblem;
        _owned = owned;
    }

    /// <summary>The response's metadata (status, request id, headers).</summary>
    public ResponseMetadata Metadata => _streaming.Metadata;

    /// <summary>The token the body is read with: the caller's and the attempt's.</summary>
    public CancellationToken Token => _streaming.Token;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!cancellationToken.CanBeCanceled || cancellationToken == _streaming.Token)
        {
            return await ReadCoreAsync(buffer, _streaming.Token).ConfigureAwait(false);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _streaming.Token);
        return await ReadCoreAsync(buffer, linked.Token).ConfigureAwait(false);
    }

    /// <summary>A blocking read, through the asynchronous one so the timeouts and the caller's token apply to it too.</summary>
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// The event stream as items: <paramref name="decode"/> reads one event's data into an item to yield (or none) and
    /// says whether it ends the stream; <c>[DONE]</c> ends it too. A body that ends before either is cut short, and
    /// what came is not the whole answer: <c>invalid_response</c> with <paramref name="cutShort"/>'s message (given the
    /// number of items yielded).
    /// </summary>
    public IAsyncEnumerable<T> ReadEventsAsync<T>(Func<string, EventStep<T>> decode, Func<int, string> cutShort) =>
        ReadEventsAsync(this, _streaming.Response, decode, cutShort, _streaming.Token);

    /// <summary>As the instance method, over a body that is read whole inside its attempt (no streaming response).</summary>
    public static async IAsyncEnumerable<T> ReadEventsAsync<T>(
        Stream body,
        HttpResponseMessage response,
        Func<string, EventStep<T>> decode,
        Func<int, string> cutShort,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var yielded = 0;
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            if (item.Data is "[DONE]")
            {
                yield break;
            }

            var step = decode(item.Data);
            if (step.HasItem)
            {
                yielded++;
                yield return step.Item;
            }

            if (step.Done)
            {
                yield break;
            }
        }

        throw ResponseReader.InvalidResponse(response, cutShort(yielded));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _body.Dispose();
            _streaming.Dispose();
            _owned?.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken token)
    {
        int read;
        try
        {
            read = await _body.ReadAsync(buffer, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_streaming.TimedOut)
        {
            var timeout = _streaming.CreateTimeoutException();
            throw new AudioTransportException(timeout.Message, timeout, isTimeout: true);
        }
        catch (TimeoutException idle)
        {
            throw new AudioTransportException(idle.Message, idle, isTimeout: true);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new AudioTransportException($"The streamed response broke off after {_total} byte(s): {ex.Message}", ex);
        }

        if (read == 0 && _total == 0 && _emptyProblem is not null && !buffer.IsEmpty)
        {
            throw ResponseReader.InvalidResponse(_streaming.Response, _emptyProblem);
        }

        _total += read;
        if (_events)
        {
            CountLine(buffer.Span[..read]);
        }

        return read;
    }

    private void CountLine(ReadOnlySpan<byte> bytes)
    {
        var lastBreak = bytes.LastIndexOfAny((byte)'\n', (byte)'\r');
        _sinceBreak = lastBreak < 0 ? _sinceBreak + bytes.Length : bytes.Length - lastBreak - 1;
        if (_sinceBreak > MaxLineBytes)
        {
            throw ResponseReader.InvalidResponse(_streaming.Response,
                $"The service sent an event-stream line longer than {MaxLineBytes} bytes; the stream was abandoned.");
        }
    }
}

/// <summary>What one event of a stream gives: an item to yield (when <see cref="HasItem"/>) and whether it ends the stream.</summary>
internal readonly record struct EventStep<T>(bool HasItem, T Item, bool Done)
{
    /// <summary>An event that yields nothing and ends nothing (a keep-alive, an unknown type).</summary>
    public static EventStep<T> Skip => default;
}
