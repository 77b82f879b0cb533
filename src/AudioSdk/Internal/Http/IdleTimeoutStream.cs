namespace AudioSdk.Internal.Http;

/// <summary>
/// A streamed response body that fails with a <see cref="TimeoutException"/> when a read waits longer than the idle
/// timeout for a byte. The clock runs only while a read is pending (on the client's <see cref="TimeProvider"/>).
/// </summary>
internal sealed class IdleTimeoutStream : ReadOnlyStream
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

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

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
