namespace AudioSdk.Realtime;

/// <summary>A realtime call failed: the server reported an error for it, or the connection closed under it.</summary>
public sealed class RealtimeException : AudioSdkException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="error">The server's error event, when there was one.</param>
    /// <param name="innerException">The cause.</param>
    public RealtimeException(string message, ServerError? error = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>The server's error event, when the failure came from one.</summary>
    public ServerError? Error { get; }

    /// <summary>The error code, when the server gave one.</summary>
    public string? Code => Error?.Code;
}
