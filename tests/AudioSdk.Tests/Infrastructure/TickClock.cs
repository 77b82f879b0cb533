namespace AudioSdk.Tests.Infrastructure;

/// <summary>A timestamp clock the test sets (<see cref="Now"/>), at a frequency it chooses: for the echo gate's sample-to-tick conversions.</summary>
public sealed class TickClock(long frequency) : TimeProvider
{
    public long Now { get; set; }

    public override long TimestampFrequency => frequency;

    public override long GetTimestamp() => Now;
}
