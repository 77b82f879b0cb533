namespace AudioSdk.Internal.Http;

/// <summary>
/// A read-only stream over an enumerator of chunks (SSE speech, mocks); disposing it disposes the enumerator, then
/// <paramref name="connection"/> (the body the chunks come from, which it owns). Reads are asynchronous only: the
/// chunks arrive from the network. A read's own token ends that read; the wait for the next chunk goes on, and the
/// next read takes it up. Disposing it while such a wait goes on disposes the connection first, so the wait ends at once.
/// </summary>
internal sealed class ChunkReadStream(IAsyncEnumerator<ReadOnlyMemory<byte>> chunks, IDisposable? connection = null) : ReadOnlyStream
{
    private ReadOnlyMemory<byte> _current;
    private bool _done;
    private Task<bool>? _pendingMove;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_current.IsEmpty && !_done)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await NextAsync(cancellationToken).ConfigureAwait(false))
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

    /// <summary>The next move of the enumerator, or the one an earlier cancelled read left waiting.</summary>
    private async ValueTask<bool> NextAsync(CancellationToken cancellationToken)
    {
        var move = _pendingMove is { } pending ? new ValueTask<bool>(pending) : chunks.MoveNextAsync();
        if (move.IsCompleted || !cancellationToken.CanBeCanceled)
        {
            _pendingMove = null;
            return await move.ConfigureAwait(false);
        }

        var waiting = _pendingMove ??= move.AsTask();
        var moved = await waiting.WaitAsync(cancellationToken).ConfigureAwait(false);
        _pendingMove = null;
        return moved;
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("This stream arrives asynchronously: use ReadAsync or CopyToAsync.");

    public override async ValueTask DisposeAsync()
    {
        await SettleAsync().ConfigureAwait(false);
        await chunks.DisposeAsync().ConfigureAwait(false);
        connection?.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            SettleAsync().AsTask().GetAwaiter().GetResult();
            chunks.DisposeAsync().AsTask().GetAwaiter().GetResult();
            connection?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>An enumerator cannot be disposed while it moves: a move a cancelled read left waiting ends first.</summary>
    private async ValueTask SettleAsync()
    {
        if (_pendingMove is { } pending)
        {
            _pendingMove = null;
            if (!pending.IsCompleted)
            {
                connection?.Dispose();
            }

            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The stream is being thrown away; the move's outcome no longer matters.
            }
        }
    }
}
