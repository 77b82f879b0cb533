namespace AudioSdk.Internal.Http;

/// <summary>
/// A streamed response body that fails with a <see cref="TimeoutException"/> when a read waits longer than the idle
/// timeout for a byte. The clock counts only while a read is pending (on the client's <see cref="TimeProvider"/>).
/// Read errors that quote the API key are rethrown without it.
/// </summary>
/// <remarks>
/// Cheap per read: a read records when it started; one timer, armed once, checks at the earliest moment a pending
/// read could have waited too long and re-arms itself for the rest. Reads with the body's own token (or none) use
/// one token source made at the start; only a read with another cancellable token links the two.
/// </remarks>
internal sealed class IdleTimeoutStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly TimeSpan _idle;
    private readonly TimeProvider _clock;
    private readonly Func<TimeoutException> _timedOut;
    private readonly CancellationToken _bodyToken;
    private readonly string? _secret;
    private readonly CancellationTokenSource _fired;
    private readonly ITimer _timer;
    /// <summary>When no read is pending. Not 0: a clock's timestamps may start there.</summary>
    private const long NoReadPending = long.MinValue;

    private long _pendingSince = NoReadPending;
    private volatile bool _idleFired;

    private IdleTimeoutStream(Stream inner, TimeSpan idle, TimeProvider timeProvider, CancellationToken bodyToken, string? secret,
        Func<TimeoutException> timedOut)
    {
        _secret = secret;
        _inner = inner;
        _idle = idle;
        _clock = timeProvider;
        _timedOut = timedOut;
        _bodyToken = bodyToken;
        _fired = bodyToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(bodyToken) : new CancellationTokenSource();
        _timer = timeProvider.CreateTimer(static s => ((IdleTimeoutStream)s!).Check(), this, idle, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// The body guarded by the idle timeout, with the secret scrubbed from the errors of its reads (a server can put it
    /// in a chunk or trailer line .NET quotes); the body itself when the timeout is off and there is no secret.
    /// </summary>
    /// <param name="body">The response body.</param>
    /// <param name="idle">The longest wait for a byte.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="bodyToken">The token the body is read with (the caller's and the attempt's).</param>
    /// <param name="secret">The API key, scrubbed from read errors.</param>
    /// <param name="timedOut">Makes the exception for an idle body.</param>
    public static Stream Wrap(Stream body, TimeSpan idle, TimeProvider timeProvider, CancellationToken bodyToken, string? secret,
        Func<TimeoutException> timedOut) =>
        idle == Timeout.InfiniteTimeSpan
            && string.IsNullOrEmpty(secret) ? body : new IdleTimeoutStream(body, idle, timeProvider, bodyToken, secret, timedOut);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        CancellationTokenSource? linked = null;
        var token = _fired.Token;
        if (cancellationToken.CanBeCanceled && cancellationToken != _bodyToken)
        {
            linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _fired.Token);
            token = linked.Token;
        }

        Volatile.Write(ref _pendingSince, _clock.GetTimestamp());
        try
        {
            return await _inner.ReadAsync(buffer, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_idleFired && !cancellationToken.IsCancellationRequested)
        {
            throw _timedOut();
        }
        catch (Exception ex) when (Leaks(ex, out var scrubbed))
        {
            throw scrubbed;
        }
        finally
        {
            Volatile.Write(ref _pendingSince, NoReadPending);
            linked?.Dispose();
        }
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return _inner.Read(buffer, offset, count);
        }
        catch (Exception ex) when (Leaks(ex, out var scrubbed))
        {
            throw scrubbed;
        }
    }

    /// <summary>Whether a read error quotes the secret (a server can put it in a chunk or trailer line); if so, the error without
    /// it.</summary>
    private bool Leaks(Exception error, out Exception scrubbed)
    {
        scrubbed = error is IOException or HttpRequestException ? SecretRedactor.Scrub(error, _secret) : error;
        return !ReferenceEquals(scrubbed, error);
    }

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

    /// <summary>Fires when a pending read has waited the whole idle time; otherwise re-arms for the earliest moment it could.</summary>
    private void Check()
    {
        var since = Volatile.Read(ref _pendingSince);
        var waited = since == NoReadPending ? TimeSpan.Zero : _clock.GetElapsedTime(since);
        if (since != NoReadPending && waited >= _idle)
        {
            _idleFired = true;
            try
            {
                _fired.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }

            return;
        }

        try
        {
            _timer.Change(_idle - waited, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
