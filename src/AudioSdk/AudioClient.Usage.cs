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
    /// <exception cref="AudioTransportException">The connection failed, broke or timed out after the retries (see
    /// <see cref="AudioTransportException.IsTimeout"/>; the cause is the inner exception).</exception>
    public virtual Task<UsageReport> GetUsageAsync(UsageQuery? query = null, CancellationToken cancellationToken = default)
    {
        UsageRequest.Validate(query);
        return SendAsync(
            RequestSpec.Get(UsageRequest.PathAndQuery(query), "usage"),
            async (response, ct) =>
            {
                var report = await ResponseReader.JsonAsync(response, AudioSdkJsonContext.Default.UsageReport, ct).ConfigureAwait(false);
                report.Metadata = ResponseMetadata.FromResponse(response);
                return report;
            },
            cancellationToken);
    }
}
