namespace AudioSdk.Audio;

/// <summary>A WAV header is malformed; the message names what is wrong and where.</summary>
public sealed class WavFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public WavFormatException(string message)
        : base(message)
    {
    }
}
