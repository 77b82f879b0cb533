namespace AudioSdk.Security.Tinfoil;

/// <summary>
/// Time arithmetic that cannot throw: the appraisal time comes from the caller's clock and the times a document
/// carries are attacker-chosen, so a sum past the end of <see cref="DateTimeOffset"/> saturates instead.
/// </summary>
internal static class SafeTime
{
    /// <summary>The first second <see cref="DateTimeOffset"/> can hold, in Unix seconds (0001-01-01).</summary>
    public const long MinUnixSeconds = -62135596800;

    /// <summary>The last second <see cref="DateTimeOffset"/> can hold, in Unix seconds (9999-12-31T23:59:59Z).</summary>
    public const long MaxUnixSeconds = 253402300799;

    /// <summary><paramref name="time"/> + <paramref name="span"/>, clamped to [MinValue, MaxValue].</summary>
    public static DateTimeOffset Add(DateTimeOffset time, TimeSpan span)
    {
        var ticks = time.UtcTicks;
        if (span.Ticks > 0 && span.Ticks > DateTimeOffset.MaxValue.UtcTicks - ticks)
        {
            return DateTimeOffset.MaxValue;
        }

        if (span.Ticks < 0 && span.Ticks < DateTimeOffset.MinValue.UtcTicks - ticks)
        {
            return DateTimeOffset.MinValue;
        }

        return new DateTimeOffset(ticks + span.Ticks, TimeSpan.Zero);
    }
}
