namespace AudioSdk.Audio;

/// <summary>Decoded WAV audio: the format and the samples as interleaved floats in [-1, 1].</summary>
public sealed class WavAudio
{
    /// <summary>Creates decoded audio.</summary>
    /// <param name="format">The format the samples came from (or are to be written in).</param>
    /// <param name="samples">Interleaved samples, <see cref="WavFormat.Channels"/> per frame.</param>
    public WavAudio(WavFormat format, float[] samples)
    {
        Format = format ?? throw new ArgumentNullException(nameof(format));
        Samples = samples ?? throw new ArgumentNullException(nameof(samples));
    }

    /// <summary>The format.</summary>
    public WavFormat Format { get; }

    /// <summary>Interleaved samples in [-1, 1].</summary>
    public float[] Samples { get; }

    /// <summary>Frames (samples per channel).</summary>
    public int FrameCount => Samples.Length / Format.Channels;

    /// <summary>The exact duration.</summary>
    public TimeSpan Duration => TimeSpan.FromTicks((long)Math.Round((double)FrameCount * TimeSpan.TicksPerSecond / Format.SampleRate));

    /// <summary>The channels averaged into one.</summary>
    public float[] ToMono() => Pcm16.Downmix(Samples, Format.Channels);

    /// <summary>Mono PCM16 at the given rate (downmixed, resampled with <see cref="AudioResampler"/>, clipped).</summary>
    /// <param name="sampleRate">The rate wanted; the file's own rate by default.</param>
    public short[] ToPcm16Mono(int? sampleRate = null)
    {
        var mono = ToMono();
        var resampled = sampleRate is { } rate && rate != Format.SampleRate ? AudioResampler.Resample(mono, Format.SampleRate, rate) : mono;
        var pcm = new short[resampled.Length];
        Pcm16.FromFloat(resampled, pcm);
        return pcm;
    }
}
