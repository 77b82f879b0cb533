namespace AudioSdk.Internal.Http;

/// <summary>A successful response whose body is being streamed, with the attempt's timeout still running.</summary>
internal sealed class StreamingResponse(
    HttpResponseMessage response,
    CancellationTokenSource? timeout,
    CancellationToken token,
    Func<TimeoutException> createTimeout,
    CancellationToken callerToken) : IDisposable
{
    public HttpResponseMessage Response { get; } = response;

    /// <summary>Cancelled by the caller or by the network timeout.</summary>
    public CancellationToken Token { get; } = token;

    public ResponseMetadata Metadata { get; } = ResponseMetadata.FromResponse(response);

    /// <summary>True when <see cref="Token"/> fired because of the timeout rather than the caller.</summary>
    public bool TimedOut => timeout is { IsCancellationRequested: true } && !callerToken.IsCancellationRequested;

    public TimeoutException CreateTimeoutException() => createTimeout();

    public void Dispose()
    {
        Response.Dispose();
        timeout?.Dispose();
    }
}
