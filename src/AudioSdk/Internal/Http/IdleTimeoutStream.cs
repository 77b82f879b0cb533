namespace AudioSdk.Internal.Http;

/// <summary>
/// A streamed response body that fails with a <see cref="TimeoutException"/> when a read waits longer than the idle
/// timeout for a byte. The clock runs only while a read is pending (on the client's <see cref="TimeProvider"/>).
/// </summary>
internal sealed class IdleTimeoutStream : Stream
{
    private readonly Stream _inner;
    private readonly TimeSpan _idle;
    private readonly Func<TimeoutException> _timedOut;
    private readonly CancellationTokenSource _fired = new();
    private readonly ITimer _timer;

    private IdleTimeoutStream(Stream inner, TimeSpan idle, TimeProvider timeProvider, Func<TimeoutException> timedOut)
    {
        _inner = inner;
        _idle = idle;
        _timedOut = timedOut;
        _timer = timeProvider.CreateTimer(static s => ((IdleTimeoutStream)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>The body guarded by the idle timeout, or the body itself when the timeout is off.</summary>
    public static Stream Wrap(Stream body, TimeSpan idle, TimeProvider timeProvider, Func<TimeoutException> timedOut) =>
        idle == Timeout.InfiniteTimeSpan ? body : new IdleTimeoutStream(body, idle, timeProvider, timedOut);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _fired.Token);
        _timer.Change(_idle, Timeout.InfiniteTimeSpan);
        try
        {
            return await _inner.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_fired.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw _timedOut();
        }
        finally
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timer.Dispose();
            _fired.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Fire()
    {
        try
        {
            _fired.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
