namespace AudioSdk.Devices;

/// <summary>A microphone or speaker could not be opened or failed while running (no device, no sound server, a refused format).</summary>
public sealed class AudioDeviceException : AudioSdkException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, and what to check.</param>
    /// <param name="innerException">The cause, if any.</param>
    public AudioDeviceException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
