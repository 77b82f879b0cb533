namespace AudioSdk;

/// <summary>
/// The base of every exception the SDK raises on purpose about a service, a connection or a verification:
/// <see cref="AudioServiceException"/> (the service answered with an error), <see cref="AudioTransportException"/> (the
/// connection failed, broke or timed out, after the retries), <see cref="Realtime.RealtimeException"/>,
/// <see cref="Security.AttestationException"/>, <see cref="Security.TlsPinMismatchException"/> and
/// <see cref="LongForm.LongFormChunkException"/>, so <c>catch (AudioSdkException)</c> handles them all. Invalid
/// arguments are <see cref="ArgumentException"/> and malformed audio files <see cref="Audio.WavFormatException"/>
/// (a <see cref="FormatException"/>), as .NET callers expect; a cancellation the caller asked for stays an
/// <see cref="OperationCanceledException"/>.
/// </summary>
public class AudioSdkException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public AudioSdkException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public AudioSdkException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
