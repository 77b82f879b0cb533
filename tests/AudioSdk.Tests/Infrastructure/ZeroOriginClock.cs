namespace AudioSdk.Tests.Infrastructure;

/// <summary>A manual clock whose timestamps start at 0 (as a clock counting from its own start may), for code that must not read 0 as "unset".</summary>
public sealed class ZeroOriginClock(ManualTimeProvider inner) : TimeProvider
{
    private readonly long _origin = inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override long GetTimestamp() => inner.GetTimestamp() - _origin;

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => inner.CreateTimer(callback, state, dueTime, period);
}
