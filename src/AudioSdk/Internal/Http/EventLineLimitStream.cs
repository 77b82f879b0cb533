namespace AudioSdk.Internal.Http;

/// <summary>
/// An event-stream body with a cap on the length of one line: the event parser buffers a line until it ends, so
/// without a cap a server could make the client hold any amount of memory. Past the cap the read fails with
/// <c>invalid_response</c>.
/// </summary>
internal sealed class EventLineLimitStream(Stream inner, StreamingResponse streaming) : ReadOnlyStream
{
    /// <summary>The longest line accepted: room for a whole speech answer as one base64 event.</summary>
    public const int MaxLineBytes = 32 * 1024 * 1024;

    private long _sinceBreak;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Count(buffer.Span[..read]);
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Count(buffer.AsSpan(offset, read));
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Count(ReadOnlySpan<byte> bytes)
    {
        var lastBreak = bytes.LastIndexOfAny((byte)'\n', (byte)'\r');
        _sinceBreak = lastBreak < 0 ? _sinceBreak + bytes.Length : bytes.Length - lastBreak - 1;
        if (_sinceBreak > MaxLineBytes)
        {
            throw ResponseReader.InvalidResponse(streaming.Response, $"The service sent an event-stream line longer than {MaxLineBytes} bytes; the stream was abandoned.");
        }
    }
}
