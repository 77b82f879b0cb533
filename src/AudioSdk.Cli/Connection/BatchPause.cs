namespace AudioSdk.Cli.Connection;

/// <summary>
/// One pause shared by every request of a run: when the server says "slow down" (429 or 503 with
/// <c>Retry-After</c>) on any request, no new request starts anywhere until that time has passed.
/// </summary>
internal sealed class BatchPause(TimeProvider time)
{
    private long _untilTicks;
    private int _count;

    /// <summary>How many times the server asked the run to pause.</summary>
    public int Count => Volatile.Read(ref _count);

    public DateTimeOffset Until => new(Interlocked.Read(ref _untilTicks), TimeSpan.Zero);

    public void PauseFor(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        Interlocked.Increment(ref _count);
        var until = time.GetUtcNow().Add(delay).UtcTicks;
        long current;
        while ((current = Interlocked.Read(ref _untilTicks)) < until)
        {
            if (Interlocked.CompareExchange(ref _untilTicks, until, current) == current)
            {
                return;
            }
        }
    }

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var wait = Until - time.GetUtcNow();
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
