namespace AudioSdk.Realtime;

/// <summary>One rate limit from <see cref="RateLimitsUpdated"/>.</summary>
/// <param name="Name"><c>requests</c> or <c>tokens</c>.</param>
/// <param name="Limit">The limit.</param>
/// <param name="Remaining">What remains.</param>
/// <param name="ResetSeconds">Seconds until it resets.</param>
public sealed record RealtimeRateLimit(string? Name, long? Limit, long? Remaining, double? ResetSeconds);
