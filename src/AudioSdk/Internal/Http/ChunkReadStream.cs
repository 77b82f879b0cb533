namespace AudioSdk.Internal.Http;

/// <summary>
/// A read-only stream over an enumerator of chunks (SSE speech, mocks); disposing it disposes the enumerator.
/// Reads are asynchronous only: the chunks arrive from the network.
/// </summary>
internal sealed class ChunkReadStream(IAsyncEnumerator<ReadOnlyMemory<byte>> chunks) : Stream
{
    private ReadOnlyMemory<byte> _current;
    private bool _done;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_current.IsEmpty && !_done)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await chunks.MoveNextAsync().ConfigureAwait(false))
            {
                _current = chunks.Current;
            }
            else
            {
                _done = true;
            }
        }

        var count = Math.Min(buffer.Length, _current.Length);
        _current.Span[..count].CopyTo(buffer.Span);
        _current = _current[count..];
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("This stream arrives asynchronously: use ReadAsync or CopyToAsync.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await chunks.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            chunks.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }
}
