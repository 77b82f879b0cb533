using System.Globalization;

namespace AudioSdk;

/// <summary>
/// The rate limits a service reported with a response (<c>x-ratelimit-limit-requests</c>,
/// <c>x-ratelimit-remaining-requests</c>, <c>x-ratelimit-reset-requests</c> and the <c>-tokens</c> variants).
/// A member is <see langword="null"/> when its header was absent or unreadable.
/// </summary>
public sealed class RateLimitInfo
{
    /// <summary>Creates the information from its parts, for tests.</summary>
    /// <param name="limitRequests">The request limit.</param>
    /// <param name="remainingRequests">Requests left.</param>
    /// <param name="resetRequests">Time until the request limit resets.</param>
    /// <param name="limitTokens">The token limit.</param>
    /// <param name="remainingTokens">Tokens left.</param>
    /// <param name="resetTokens">Time until the token limit resets.</param>
    public RateLimitInfo(long? limitRequests = null, long? remainingRequests = null, TimeSpan? resetRequests = null,
        long? limitTokens = null, long? remainingTokens = null, TimeSpan? resetTokens = null)
    {
        LimitRequests = limitRequests;
        RemainingRequests = remainingRequests;
        ResetRequests = resetRequests;
        LimitTokens = limitTokens;
        RemainingTokens = remainingTokens;
        ResetTokens = resetTokens;
    }

    /// <summary>The most requests allowed in the window (<c>x-ratelimit-limit-requests</c>).</summary>
    public long? LimitRequests { get; }

    /// <summary>Requests left in the window (<c>x-ratelimit-remaining-requests</c>).</summary>
    public long? RemainingRequests { get; }

    /// <summary>Time until the request window resets (<c>x-ratelimit-reset-requests</c>, such as <c>6m0s</c> or <c>1.5s</c>).</summary>
    public TimeSpan? ResetRequests { get; }

    /// <summary>The most tokens allowed in the window (<c>x-ratelimit-limit-tokens</c>).</summary>
    public long? LimitTokens { get; }

    /// <summary>Tokens left in the window (<c>x-ratelimit-remaining-tokens</c>).</summary>
    public long? RemainingTokens { get; }

    /// <summary>Time until the token window resets (<c>x-ratelimit-reset-tokens</c>).</summary>
    public TimeSpan? ResetTokens { get; }

    /// <summary>True when the service sent none of the headers.</summary>
    public bool IsEmpty => LimitRequests is null && RemainingRequests is null && ResetRequests is null && LimitTokens is null
        && RemainingTokens is null && ResetTokens is null;

    /// <inheritdoc />
    public override string ToString() =>
        IsEmpty ? "no rate-limit headers" : $"requests {RemainingRequests?.ToString(CultureInfo.InvariantCulture) ?? "?"}/{LimitRequests?.ToString(CultureInfo.InvariantCulture) ?? "?"} (reset {ResetRequests?.ToString() ?? "?"}), tokens {RemainingTokens?.ToString(CultureInfo.InvariantCulture) ?? "?"}/{LimitTokens?.ToString(CultureInfo.InvariantCulture) ?? "?"} (reset {ResetTokens?.ToString() ?? "?"})";

    /// <summary>
    /// Parses a reset duration as services send it: Go-style units (<c>6m0s</c>, <c>1h2m3.5s</c>, <c>250ms</c>,
    /// <c>20us</c>, <c>5ns</c>) or a bare number of seconds (<c>1.5</c>).
    /// </summary>
    /// <param name="value">The header value.</param>
    /// <param name="duration">The duration, when the value could be read.</param>
    /// <returns>True when the value was a duration.</returns>
    public static bool TryParseDuration(string? value, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(value) || value.Length > 64)
        {
            return false;
        }

        var text = value.AsSpan().Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var bare))
        {
            return FromSeconds(bare, out duration);
        }

        double seconds = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (i == start || !double.TryParse(text[start..i], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]) || (i < text.Length && text[i] == 'µ'))
            {
                i++;
            }

            var scale = text[unitStart..i] switch
            {
                "h" => 3600d,
                "m" => 60d,
                "s" => 1d,
                "ms" => 1e-3,
                "us" or "µs" => 1e-6,
                "ns" => 1e-9,
                _ => double.NaN,
            };
            if (double.IsNaN(scale))
            {
                return false;
            }

            seconds += number * scale;
        }

        return FromSeconds(seconds, out duration);
    }

    private static bool FromSeconds(double seconds, out TimeSpan duration)
    {
        duration = default;
        if (double.IsNaN(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    internal static RateLimitInfo FromHeaders(ResponseMetadata metadata)
    {
        return new RateLimitInfo(
            Number("x-ratelimit-limit-requests"),
            Number("x-ratelimit-remaining-requests"),
            Duration("x-ratelimit-reset-requests"),
            Number("x-ratelimit-limit-tokens"),
            Number("x-ratelimit-remaining-tokens"),
            Duration("x-ratelimit-reset-tokens"));

        long? Number(string name) =>
            long.TryParse(metadata.GetHeader(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

        TimeSpan? Duration(string name) => TryParseDuration(metadata.GetHeader(name), out var d) ? d : null;
    }
}
