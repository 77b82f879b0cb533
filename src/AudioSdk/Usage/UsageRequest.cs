using System.Globalization;
using System.Text;
using AudioSdk.Internal;

namespace AudioSdk.Usage;

/// <summary>The path and query of <c>GET /usage</c>, checked before sending.</summary>
internal static class UsageRequest
{
    internal const string Path = "usage";

    /// <summary>Checks the query before anything is sent and throws one <see cref="ArgumentException"/> naming every problem.</summary>
    internal static void Validate(UsageQuery? query)
    {
        if (query is null)
        {
            return;
        }

        var problems = new List<string>();
        if (query.StartTime is { } start && query.EndTime is { } end && end < start)
        {
            problems.Add("EndTime is before StartTime.");
        }

        if (query.Limit is <= 0)
        {
            problems.Add("Limit must be positive.");
        }

        Validation.ThrowIfAny(problems, nameof(UsageQuery), nameof(query));
    }

    /// <summary>The relative path with the parameters of a query that <see cref="Validate"/> accepted, escaped.</summary>
    internal static string PathAndQuery(UsageQuery? query)
    {
        var path = new StringBuilder(Path);
        if (query is null)
        {
            return path.ToString();
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
