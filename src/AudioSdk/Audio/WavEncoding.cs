namespace AudioSdk.Audio;

/// <summary>How a WAV file stores its samples.</summary>
public enum WavEncoding
{
    /// <summary>Integer PCM (8-bit unsigned, 16/24/32-bit signed).</summary>
    Pcm = 1,

    /// <summary>IEEE float (32-bit).</summary>
    IeeeFloat = 3,
}
