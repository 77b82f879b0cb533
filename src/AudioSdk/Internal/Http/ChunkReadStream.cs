namespace AudioSdk.Internal.Http;

/// <summary>
/// A read-only stream over an enumerator of chunks (SSE speech, mocks); disposing it disposes the enumerator.
/// Reads are asynchronous only: the chunks arrive from the network.
/// </summary>
internal sealed class ChunkReadStream(IAsyncEnumerator<ReadOnlyMemory<byte>> chunks) : ReadOnlyStream
{
    private ReadOnlyMemory<byte> _current;
    private bool _done;

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

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("This stream arrives asynchronously: use ReadAsync or CopyToAsync.");

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
