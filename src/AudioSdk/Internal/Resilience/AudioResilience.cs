using System.Net.Http;
using AudioSdk.Internal.Diagnostics;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace AudioSdk.Internal.Resilience;

/// <summary>
/// The client's retry pipeline on Polly.Core: 408, 429, 500, 502, 503, 504, connection failures,
/// dropped responses and attempt timeouts; exponential backoff with jitter; <c>Retry-After</c>
/// honoured; a request whose body cannot be replayed is never retried.
/// </summary>
internal static class AudioResilience
{
    /// <summary>The request being executed: whether it can be sent again, and its method and path for logs.</summary>
    public static readonly ResiliencePropertyKey<Http.RequestSpec> Request = new("AudioSdk.Request");

    public static ResiliencePipeline Create(AudioClientRetryOptions retry, TimeProvider timeProvider, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (retry.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = retry.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = retry.UseJitter,
                Delay = retry.BaseDelay,
                MaxDelay = retry.MaxDelay,
                ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Context, args.Outcome.Exception, retry.MaxRetryAfter)),
                DelayGenerator = args =>
                    new ValueTask<TimeSpan?>(args.Outcome.Exception is AudioServiceException { RetryAfter: { } after } ? after : null),
                OnRetry = args =>
                {
                    var operation = args.Context.Properties.TryGetValue(Request, out var request) ? request.Description : "request";
                    var space = operation.IndexOf(' ', StringComparison.Ordinal);
                    Log.Retrying(
                        logger,
                        space > 0 ? operation[..space] : operation,
                        space > 0 ? operation[(space + 1)..] : string.Empty,
                        args.RetryDelay.TotalMilliseconds,
                        args.AttemptNumber + 1,
                        Describe(args.Outcome.Exception));
                    return default;
                },
            });
        }

        return builder.Build();
    }

    internal static bool ShouldRetry(ResilienceContext context, Exception? exception, TimeSpan maxRetryAfter)
    {
        if (exception is null || !context.Properties.TryGetValue(Request, out var request) || !request.Replayable
            || context.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        return exception switch
        {
            AudioServiceException service => service.IsTransient && (service.RetryAfter is null || service.RetryAfter <= maxRetryAfter),
            HttpRequestException http =>
                http.HttpRequestError is not (HttpRequestError.SecureConnectionError or HttpRequestError.UserAuthenticationError or HttpRequestError.ConfigurationLimitExceeded),
            TimeoutException => true,
            IOException => true,
            _ => false,
        };
    }

    private static string Describe(Exception? exception) => exception switch
    {
        AudioServiceException service => $"HTTP {(int)service.Status}" + (service.Code is { } code ? $" ({code})" : string.Empty),
        null => "unknown",
        _ => exception.GetType().Name + ": " + exception.Message,
    };
}
