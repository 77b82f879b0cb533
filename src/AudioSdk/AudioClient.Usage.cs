using System.Globalization;
using System.Text;
using AudioSdk.Internal.Http;
using AudioSdk.Internal.Json;
using AudioSdk.Usage;

namespace AudioSdk;

public partial class AudioClient
{
    /// <summary>Reads a page of usage records (<c>GET /usage</c>), as providers such as Tresor offer it.</summary>
    /// <param name="query">The time window, filters and paging; <see langword="null"/> asks for the service's default page.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The records, with paging and the response's metadata.</returns>
    /// <exception cref="ArgumentException">The window ends before it starts, or the limit is not positive.</exception>
    /// <exception cref="AudioServiceException">The service answered with an error.</exception>
    public virtual Task<UsageReport> GetUsageAsync(UsageQuery? query = null, CancellationToken cancellationToken = default)
    {
        var path = new StringBuilder("usage");
        if (query is not null)
        {
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
        }

        return SendAsync(
            RequestSpec.Get(path.ToString(), "usage"),
            async (response, ct) =>
            {
                var report = await ReadJsonAsync(response, AudioSdkJsonContext.Default.UsageReport, ct).ConfigureAwait(false);
                report.Metadata = ResponseMetadata.FromResponse(response);
                return report;
            },
            cancellationToken);
    }
}
