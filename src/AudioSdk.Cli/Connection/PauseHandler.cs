using System.Net;

namespace AudioSdk.Cli.Connection;

/// <summary>Holds every request while the run is paused, and pauses the run when a response carries <c>Retry-After</c> on
/// 429/503.</summary>
internal sealed class PauseHandler(BatchPause pause, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await pause.WaitAsync(cancellationToken).ConfigureAwait(false);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable && RetryAfter(response) is { } delay)
        {
            // A wait over the cap is not taken here: the SDK then fails the request, and the batch fails the file saying so.
            pause.PauseFor(delay, $"the server answered {(int)response.StatusCode} with Retry-After");
        }

        return response;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        if (retryAfter?.Date is { } date)
        {
            return date - DateTimeOffset.UtcNow;
        }

        return response.Headers.TryGetValues("retry-after-ms", out var values)

                && double.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out var ms)
            && ms > 0 && ms < TimeSpan.FromHours(1).TotalMilliseconds
            ? TimeSpan.FromMilliseconds(ms)
            : null;
    }
}
