namespace AudioSdk;

/// <summary>
/// How the client retries failed requests: on 408, 429, 500, 502, 503 and 504 and on connection
/// failures and timeouts, with exponential backoff and jitter, honouring <c>Retry-After</c>.
/// A request whose body cannot be replayed (a non-seekable stream) is never retried.
/// </summary>
public sealed class AudioClientRetryOptions
{
    /// <summary>Retries after the first attempt; 0 turns retries off. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first backoff delay; later ones grow exponentially. Default 1 second.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest computed backoff delay. Default 30 seconds.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest <c>Retry-After</c> the client waits for; a longer one fails the call at once with the
    /// service's error, rather than blocking for minutes. Default 2 minutes.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Whether backoff delays are randomised to spread retries of many clients. Default true.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>Options that turn retries off.</summary>
    public static AudioClientRetryOptions None => new() { MaxRetries = 0 };

    internal AudioClientRetryOptions Clone() => (AudioClientRetryOptions)MemberwiseClone();
}
