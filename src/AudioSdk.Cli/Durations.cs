using System.Globalization;

namespace AudioSdk.Cli;

/// <summary>Durations as people type them: <c>300ms</c>, <c>2s</c>, <c>10m</c>, <c>1h</c>, <c>7d</c>, or <c>hh:mm:ss</c>.</summary>
internal static class Durations
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        (string Suffix, double Scale)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)];
        foreach (var (suffix, scale) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                && number >= 0 && double.IsFinite(number) && number * scale < TimeSpan.MaxValue.TotalSeconds)
            {
                value = TimeSpan.FromSeconds(number * scale);
                return true;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
    }

    public static string Format(TimeSpan value) => value.TotalHours >= 1
        ? value.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : value.TotalSeconds >= 10 ? value.ToString(@"m\:ss", CultureInfo.InvariantCulture) : value.TotalSeconds.ToString("0.0s",
            CultureInfo.InvariantCulture);

    /// <summary>A wait in words for messages: <c>30s</c>, <c>2m 5s</c>, <c>3h 20m</c>, <c>1.5 days</c>, <c>68 years</c>.</summary>
    public static string Describe(TimeSpan value) =>
        value.TotalDays >= 365 ? (value.TotalDays / 365.25).ToString("0.#", CultureInfo.InvariantCulture) + " years"
        : value.TotalDays >= 1 ? value.TotalDays.ToString("0.#", CultureInfo.InvariantCulture) + " days"
        : value.TotalHours >= 1 ? $"{(int)value.TotalHours}h {value.Minutes}m"
        : value.TotalMinutes >= 1 ? $"{(int)value.TotalMinutes}m {value.Seconds}s"
        : value.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + "s";
}
