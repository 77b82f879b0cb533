using System.Net.Http;

namespace AudioSdk;

/// <summary>
/// The connection to the service failed, or an answer did not arrive in time: the connection was refused or broke,
/// TLS failed, the response was not valid HTTP, an attempt exceeded <see cref="AudioClientOptions.NetworkTimeout"/>,
/// or a streamed body sent no byte for <see cref="AudioClientOptions.StreamIdleTimeout"/>. Raised after the client's
/// retries, with the number of attempts; the cause (<see cref="HttpRequestException"/>, <see cref="IOException"/>,
/// <see cref="TimeoutException"/>) is the <see cref="Exception.InnerException"/>, so a retry policy can still decide on
/// it.
/// </summary>
public sealed class AudioTransportException : AudioSdkException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, and where.</param>
    /// <param name="innerException">The cause, kept as it was raised.</param>
    /// <param name="isTimeout">Whether the failure is a timeout rather than a broken connection.</param>
    /// <param name="attempts">How many attempts were made, retries included.</param>
    public AudioTransportException(string message, Exception? innerException, bool isTimeout = false, int attempts = 1)
        : base(message, innerException)
    {
        IsTimeout = isTimeout;
        Attempts = attempts;
        HttpRequestError = FindHttpError(innerException);
    }

    /// <summary>True when an attempt or a streamed body timed out; false when the connection failed or broke.</summary>
    public bool IsTimeout { get; }

    /// <summary>How many attempts were made (1 when the failure came while reading a streamed body).</summary>
    public int Attempts { get; }

    /// <summary>The kind of HTTP failure .NET reported (connection, name resolution, TLS, ...), when the cause is an
    /// <see cref="HttpRequestException"/>.</summary>
    public HttpRequestError? HttpRequestError { get; }

    private static HttpRequestError? FindHttpError(Exception? cause)
    {
        for (var e = cause; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException http)
            {
                return http.HttpRequestError;
            }
        }

        return null;
    }
}
