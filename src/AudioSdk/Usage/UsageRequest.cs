using System.Globalization;
using System.Text;

namespace AudioSdk.Usage;

/// <summary>The path and query of <c>GET /usage</c>, checked before sending.</summary>
internal static class UsageRequest
{
    /// <summary>The relative path with the query's parameters, escaped; throws <see cref="ArgumentException"/> for a window that ends before it starts or a limit that is not positive.</summary>
    internal static string Path(UsageQuery? query)
    {
        var path = new StringBuilder("usage");
        if (query is null)
        {
            return path.ToString();
        }

        if (query.StartTime is { } start && query.EndTime is { } end && end < start)
        {
            throw new ArgumentException("UsageQuery.EndTime is before StartTime.", nameof(query));
        }

        if (query.Limit is <= 0)
        {
            throw new ArgumentException("UsageQuery.Limit must be positive.", nameof(query));
        }

        var separator = '?';
        void Append(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                path.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
                separator = '&';
            }
        }

        Append("start_time", query.StartTime?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        Append("end_time", query.EndTime?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        Append("model", query.Model);
        Append("modality", query.Modality);
        Append("limit", query.Limit?.ToString(CultureInfo.InvariantCulture));
        Append("after", query.After);
        foreach (var parameter in query.AdditionalParameters ?? new Dictionary<string, string>())
        {
            Append(parameter.Key, parameter.Value);
        }

        return path.ToString();
    }
}
