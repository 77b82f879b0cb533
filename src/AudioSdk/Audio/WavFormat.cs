namespace AudioSdk.Audio;

/// <summary>The sample format of a WAV file: encoding, rate, channels and bit depth.</summary>
/// <param name="Encoding">Integer PCM or IEEE float.</param>
/// <param name="SampleRate">Frames per second.</param>
/// <param name="Channels">Samples per frame.</param>
/// <param name="BitsPerSample">8, 16, 24 or 32 for PCM; 32 for float.</param>
public sealed record WavFormat(WavEncoding Encoding, int SampleRate, int Channels, int BitsPerSample)
{
    /// <summary>16-bit mono PCM at the given rate, what speech endpoints want.</summary>
    /// <param name="sampleRate">The rate in Hz.</param>
    public static WavFormat Pcm16Mono(int sampleRate) => new(WavEncoding.Pcm, sampleRate, 1, 16);

    /// <summary>Bytes per frame.</summary>
    public int BlockAlign => Channels * BitsPerSample / 8;

    /// <summary>Bytes per second.</summary>
    public int ByteRate => BlockAlign * SampleRate;

    /// <summary>The duration of this many bytes of sample data.</summary>
    /// <param name="dataBytes">The data size in bytes.</param>
    public TimeSpan DurationOf(long dataBytes) =>
        TimeSpan.FromTicks((long)Math.Round((double)(dataBytes / BlockAlign) * TimeSpan.TicksPerSecond / SampleRate));
}
