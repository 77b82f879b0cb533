using System.Text;
using AudioSdk.Internal.Http;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Http;

/// <summary>The idle-timeout guard on streamed bodies and the timeout token source, on a clock the test moves.</summary>
public sealed class ResponseStreamGuardTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(10);

    /// <summary>The read failed with the guard's own timeout (not the test's bound running out).</summary>
    private static async Task AssertIdleTimeoutAsync(Task<int> read)
    {
        var ex = await Assert.ThrowsAsync<TimeoutException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("idle for 10 s", ex.Message);
    }

    private static Stream Guard(HandFedStream inner, TimeProvider clock, CancellationToken bodyToken = default) =>
        IdleTimeoutStream.Wrap(inner, Idle, clock, bodyToken, secret: null, () => new TimeoutException("idle for 10 s"));

    /// <param name="zeroOrigin">On a clock whose timestamps start at 0: a read that starts at 0 is timed too.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AReadThatWaitsTheWholeIdleTime_FailsWithTheTimeout(bool zeroOrigin)
    {
        var clock = new ManualTimeProvider();
        using var inner = new HandFedStream();
        using var guarded = Guard(inner, zeroOrigin ? new ZeroOriginClock(clock) : clock);
        var read = guarded.ReadAsync(new byte[16]).AsTask();

        clock.Advance(Idle - TimeSpan.FromSeconds(1));
        Assert.False(read.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));

        await AssertIdleTimeoutAsync(read);
    }

    [Fact]
    public async Task TheClockCountsPerRead_SoSlowButSteadyBytesNeverTimeOut_AndTheNextStallStillDoes()
    {
        var clock = new ManualTimeProvider();
        using var inner = new HandFedStream();
        using var guarded = Guard(inner, clock);
        var buffer = new byte[16];

        // 6 s, a byte; 6 s more, another: 12 s in all, never 10 s without one.
        var first = guarded.ReadAsync(buffer).AsTask();
        clock.Advance(TimeSpan.FromSeconds(6));
        inner.Feed("a");
        Assert.Equal(1, await first.WaitAsync(TimeSpan.FromSeconds(10)));

        var second = guarded.ReadAsync(buffer).AsTask();
        clock.Advance(TimeSpan.FromSeconds(4)); // the timer fires at 10 s, finds a read pending for 4 s, and re-arms for 6 s more
        clock.Advance(TimeSpan.FromSeconds(2));
        inner.Feed("b");
        Assert.Equal(1, await second.WaitAsync(TimeSpan.FromSeconds(10)));

        // The third read stalls: it fails exactly when it has waited 10 s of its own.
        var third = guarded.ReadAsync(buffer).AsTask();
        clock.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(50);
        Assert.False(third.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromSeconds(1));
        await AssertIdleTimeoutAsync(third);
    }

    [Fact]
    public async Task TheCallersOwnToken_CancelsAsACancellation_NotAsATimeout()
    {
        var clock = new ManualTimeProvider();
        using var inner = new HandFedStream();
        using var body = new CancellationTokenSource();
        using var guarded = Guard(inner, clock, body.Token);
        using var caller = new CancellationTokenSource();
        var read = guarded.ReadAsync(new byte[4], caller.Token).AsTask();

        caller.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, inner.ReadsCancelled);
    }

    [Fact]
    public async Task AReadWithAnotherToken_StillTimesOut_AndTheBodysTokenCancelsReadsToo()
    {
        var clock = new ManualTimeProvider();
        using var inner = new HandFedStream();
        using var body = new CancellationTokenSource();
        using var guarded = Guard(inner, clock, body.Token);
        using var caller = new CancellationTokenSource();

        var read = guarded.ReadAsync(new byte[4], caller.Token).AsTask();
        clock.Advance(Idle);
        await AssertIdleTimeoutAsync(read);

        using var inner2 = new HandFedStream();
        using var body2 = new CancellationTokenSource();
        using var guarded2 = Guard(inner2, clock, body2.Token);
        var bodyRead = guarded2.ReadAsync(new byte[4], body2.Token).AsTask();
        body2.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bodyRead.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void DisposingTheGuard_DisposesTheBody_AndStopsItsTimer_AndNoTimeoutMeansNoGuard()
    {
        var clock = new ManualTimeProvider();
        var inner = new HandFedStream();
        var guarded = Guard(inner, clock);
        Assert.NotEmpty(clock.PendingDelays);

        guarded.Dispose();

        Assert.True(inner.Disposed);
        Assert.Empty(clock.PendingDelays);
        Assert.Same(inner, IdleTimeoutStream.Wrap(inner, Timeout.InfiniteTimeSpan, clock, default, secret: null, () => new TimeoutException()));
    }

    [Fact]
    public void SynchronousReads_PassThrough()
    {
        var clock = new ManualTimeProvider();
        using var inner = new HandFedStream();
        using var guarded = Guard(inner, clock);
        inner.Feed("xyz");

        var buffer = new byte[8];
        Assert.Equal(3, guarded.Read(buffer, 0, 8));
        Assert.Equal("xyz", Encoding.ASCII.GetString(buffer, 0, 3));
    }

    [Fact]
    public void ATimeoutTokenSource_IsCancelledByTheCallerOrByTheTimeout_AndDisposingItFreesTheTimeout()
    {
        using var caller = new CancellationTokenSource();
        var timeout = new CancellationTokenSource();
        var linked = new LinkedTimeout(timeout, caller.Token);
        caller.Cancel();
        Assert.True(linked.IsCancellationRequested);
        linked.Dispose();
        Assert.Throws<ObjectDisposedException>(() => timeout.Token.WaitHandle);

        var timeout2 = new CancellationTokenSource();
        using var linked2 = new LinkedTimeout(timeout2, CancellationToken.None);
        Assert.False(linked2.IsCancellationRequested);
        timeout2.Cancel();
        Assert.True(linked2.IsCancellationRequested);
    }

    [Fact]
    public async Task TimeWithoutAPendingRead_DoesNotCount()
    {
        var clock = new ManualTimeProvider();
        using var inner = new HandFedStream();
        using var guarded = Guard(inner, clock);
        var buffer = new byte[16];
        var first = guarded.ReadAsync(buffer).AsTask();
        inner.Feed("a");
        Assert.Equal(1, await first.WaitAsync(TimeSpan.FromSeconds(10)));

        // The caller does something else for 25 s: the timer fires in between and finds no read waiting.
        clock.Advance(TimeSpan.FromSeconds(10));
        clock.Advance(TimeSpan.FromSeconds(10));
        clock.Advance(TimeSpan.FromSeconds(5));
        inner.Feed("b");

        Assert.Equal(1, await guarded.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        var third = guarded.ReadAsync(buffer).AsTask();
        clock.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(50);
        Assert.False(third.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(5));
        await AssertIdleTimeoutAsync(third);
    }

    [Fact]
    public void ADisposedTimeoutSource_IsNotKeptAlive_ByALongLivedCallerToken()
    {
        using var caller = new CancellationTokenSource();

        var undisposed = LinkedTimeoutOn(caller.Token, dispose: false);
        var disposed = LinkedTimeoutOn(caller.Token, dispose: true);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // The caller's token holds an undisposed source (its registration); a disposed one lets go.
        Assert.True(undisposed.IsAlive);
        Assert.False(disposed.IsAlive);
        GC.KeepAlive(caller);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference LinkedTimeoutOn(CancellationToken caller, bool dispose)
    {
        var linked = new LinkedTimeout(new CancellationTokenSource(), caller);
        if (dispose)
        {
            linked.Dispose();
        }

        return new WeakReference(linked);
    }

    /// <summary>A body whose bytes arrive when the test feeds them; reads wait until then and honour their token.</summary>
    private sealed class HandFedStream : Stream
    {
        private readonly object _gate = new();
        private readonly Queue<byte> _bytes = new();
        private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Disposed { get; private set; }

        public int ReadsCancelled { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public void Feed(string text)
        {
            TaskCompletionSource arrived;
            lock (_gate)
            {
                foreach (var b in Encoding.ASCII.GetBytes(text))
                {
                    _bytes.Enqueue(b);
                }

                arrived = _arrived;
            }

            arrived.TrySetResult();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                Task wait;
                lock (_gate)
                {
                    if (_bytes.Count > 0)
                    {
                        return Take(buffer.Span);
                    }

                    if (_arrived.Task.IsCompleted)
                    {
                        _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
                    }

                    wait = _arrived.Task;
                }

                try
                {
                    await wait.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    ReadsCancelled++;
                    throw;
                }
            }
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            lock (_gate)
            {
                return Take(buffer.AsSpan(offset, count));
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }

        private int Take(Span<byte> buffer)
        {
            var n = 0;
            while (n < buffer.Length && _bytes.Count > 0)
            {
                buffer[n++] = _bytes.Dequeue();
            }

            return n;
        }
    }
}
