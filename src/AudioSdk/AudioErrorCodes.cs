namespace AudioSdk;

/// <summary>
/// Error codes that OpenAI-compatible audio services put in <c>error.code</c>, for comparison with
/// <see cref="AudioServiceException.Code"/>. Providers add their own; any string may arrive.
/// </summary>
public static class AudioErrorCodes
{
    /// <summary>The uploaded file is larger than the service accepts.</summary>
    public const string FileTooLarge = "file_too_large";

    /// <summary>The uploaded file's format is not one the service accepts.</summary>
    public const string UnsupportedFileType = "unsupported_file_type";

    /// <summary>The uploaded file could not be decoded.</summary>
    public const string InvalidFile = "invalid_file";

    /// <summary>A router's upstream model server failed.</summary>
    public const string UpstreamError = "upstream_error";

    /// <summary>Too many requests; retry after the delay the service gives.</summary>
    public const string RateLimitExceeded = "rate_limit_exceeded";

    /// <summary>The account's quota or credit is used up; retrying does not help.</summary>
    public const string InsufficientQuota = "insufficient_quota";

    /// <summary>The API key is missing, malformed or revoked.</summary>
    public const string InvalidApiKey = "invalid_api_key";

    /// <summary>The requested model does not exist or is not available to this key.</summary>
    public const string ModelNotFound = "model_not_found";

    /// <summary>A request parameter has a value the service rejects.</summary>
    public const string InvalidValue = "invalid_value";

    /// <summary>The response did not have the shape the operation expects (not JSON, the wrong content type, not subtitles); raised by the
    /// client.</summary>
    public const string InvalidResponse = "invalid_response";
}
