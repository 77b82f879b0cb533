using System.Net;

namespace AudioSdk;

/// <summary>
/// The service answered with an error. Keeps the HTTP status, the error's type, code, parameter and
/// message as the service sent them, the request id and the (size-capped) raw body.
/// </summary>
public class AudioServiceException : AudioSdkException
{
    /// <summary>Creates an exception with only a message; prefer the full constructor.</summary>
    /// <param name="message">What went wrong.</param>
    public AudioServiceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception from a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public AudioServiceException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with every detail of a service error.</summary>
    /// <param name="message">The human-readable message.</param>
    /// <param name="status">The HTTP status code (0 when the error came inside a successful stream).</param>
    /// <param name="errorType">The error's <c>type</c>, such as <c>invalid_request_error</c>.</param>
    /// <param name="code">The error's <c>code</c>, such as <c>file_too_large</c>.</param>
    /// <param name="param">The request parameter the error names.</param>
    /// <param name="requestId">The request id the service assigned.</param>
    /// <param name="rawBody">The response body, capped in size.</param>
    /// <param name="metadata">The response's metadata.</param>
    /// <param name="retryAfter">The delay the service asked for before a retry.</param>
    public AudioServiceException(
        string message,
        HttpStatusCode status,
        string? errorType = null,
        string? code = null,
        string? param = null,
        string? requestId = null,
        string? rawBody = null,
        ResponseMetadata? metadata = null,
        TimeSpan? retryAfter = null)
        : base(message)
    {
        Status = status;
        ErrorType = errorType;
        Code = code;
        Param = param;
        RequestId = requestId;
        RawBody = rawBody;
        Metadata = metadata;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status code; 0 when the error arrived as an event inside a successful stream.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The error's <c>type</c> (for example <c>invalid_request_error</c>), when the service sent one.</summary>
    public string? ErrorType { get; }

    /// <summary>The error's <c>code</c>; compare with <see cref="AudioErrorCodes"/>.</summary>
    public string? Code { get; }

    /// <summary>The request parameter the error is about, when the service named one.</summary>
    public string? Param { get; }

    /// <summary>The request id, for the provider's support.</summary>
    public string? RequestId { get; }

    /// <summary>The response body as received, cut at 16 KiB, with the client's API key removed should a proxy echo it.</summary>
    public string? RawBody { get; }

    /// <summary>The response's headers and status.</summary>
    public ResponseMetadata? Metadata { get; }

    /// <summary>The delay the service asked for (<c>Retry-After</c> or <c>retry-after-ms</c>), when it gave one.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>True for statuses the client retries: 408, 429, 500, 502, 503 and 504.</summary>
    public bool IsTransient => IsTransientStatus(Status);

    internal static bool IsTransientStatus(HttpStatusCode status) => (int)status is 408 or 429 or 500 or 502 or 503 or 504;
}
