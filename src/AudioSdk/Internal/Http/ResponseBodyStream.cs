namespace AudioSdk.Internal.Http;

/// <summary>
/// A streamed response's body handed to the caller as it is: reads go straight to the connection (no copy), under
/// the attempt's timeout and the caller's token; a timeout surfaces as <see cref="TimeoutException"/>. Disposing it
/// ends the response and its timeout.
/// </summary>
internal sealed class ResponseBodyStream(Stream body, StreamingResponse streaming, IDisposable? owned) : ReadOnlyStream
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!cancellationToken.CanBeCanceled || cancellationToken == streaming.Token)
        {
            return await ReadCoreAsync(buffer, streaming.Token).ConfigureAwait(false);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, streaming.Token);
        return await ReadCoreAsync(buffer, linked.Token).ConfigureAwait(false);
    }

    /// <summary>A blocking read, through the asynchronous one so the timeouts and the caller's token apply to it too.</summary>
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            body.Dispose();
            streaming.Dispose();
            owned?.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken token)
    {
        try
        {
            return await body.ReadAsync(buffer, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (streaming.TimedOut)
        {
            throw streaming.CreateTimeoutException();
        }
    }
}
