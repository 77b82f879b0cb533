namespace AudioSdk.Cli.Connection;

/// <summary>
/// One pause shared by every request of a run: when the server says "slow down" (429 or 503 with
/// <c>Retry-After</c>) on any request, no new request starts anywhere until that time has passed. A wait longer than
/// <see cref="MaxWait"/> is not taken (the request fails, and the batch says why); each new deadline is announced
/// through <see cref="Waiting"/> with its reason.
/// </summary>
internal sealed class BatchPause(TimeProvider time)
{
    private long _untilTicks;
    private int _count;

    /// <summary>How many times the server asked the run to pause.</summary>
    public int Count => Volatile.Read(ref _count);

    public DateTimeOffset Until => new(Interlocked.Read(ref _untilTicks), TimeSpan.Zero);

    /// <summary>The longest pause taken (<c>--max-retry-after</c>, the SDK's
    /// <see cref="AudioClientRetryOptions.MaxRetryAfter"/>).</summary>
    public TimeSpan MaxWait { get; init; } = new AudioClientRetryOptions().MaxRetryAfter;

    /// <summary>Told the wait, the time it ends and why, when a pause starts or moves later.</summary>
    public Action<TimeSpan, DateTimeOffset, string>? Waiting { get; init; }

    /// <summary>Pauses every request until <paramref name="delay"/> from now.</summary>
    /// <returns><see langword="false"/> when the delay is over <see cref="MaxWait"/> and was not taken.</returns>
    public bool PauseFor(TimeSpan delay, string reason)
    {
        if (delay <= TimeSpan.Zero)
        {
            return true;
        }

        if (delay > MaxWait)
        {
            return false;
        }

        Interlocked.Increment(ref _count);
        var now = time.GetUtcNow();
        var until = now.Add(delay).UtcTicks;
        long current;
        while ((current = Interlocked.Read(ref _untilTicks)) < until)
        {
            if (Interlocked.CompareExchange(ref _untilTicks, until, current) == current)
            {
                // Announced when the pause starts or moves later by a second or more (parallel requests hitting the same limit say it
                // once).
                if (until - Math.Max(current, now.UtcTicks) >= TimeSpan.TicksPerSecond)
                {
                    Waiting?.Invoke(delay, new DateTimeOffset(until, TimeSpan.Zero), reason);
                }

                return true;
            }
        }

        return true;
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
