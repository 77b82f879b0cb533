using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>The account's limits as a response starts (<c>rate_limits.updated</c>, conversation dialect).</summary>
/// <param name="limits">The limits.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class RateLimitsUpdated(IReadOnlyList<RealtimeRateLimit> limits, JsonElement raw) : RealtimeEvent("rate_limits.updated", raw)
{
    /// <summary>The limits (usually <c>requests</c> and <c>tokens</c>).</summary>
    public IReadOnlyList<RealtimeRateLimit> Limits { get; } = limits;

    /// <inheritdoc />
    public override string ToString() => $"RateLimitsUpdated ({Limits.Count})";
}
