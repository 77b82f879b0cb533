using AudioSdk.Audio.Interop;
using NAudio.Wave;

namespace AudioSdk;

/// <summary>NAudio sources as inputs: encoded to WAV as they are read, never held whole.</summary>
public sealed partial class AudioInput
{
    /// <summary>
    /// Audio from an NAudio wave provider, sent as a WAV file made while it uploads (the provider is read until it
    /// returns 0, so it must end). PCM (8, 16, 24, 32-bit), 32-bit float and G.711 (decoded to PCM16) are taken as they
    /// are; convert other encodings with NAudio first. Not replayable: a retry cannot resend it.
    /// </summary>
    /// <param name="provider">The provider; its data size is not known, so the WAV says "streamed".</param>
    /// <param name="fileName">The file name to send. Default <c>audio.wav</c>.</param>
    /// <exception cref="ArgumentException">An encoding the SDK cannot read.</exception>
    public static AudioInput FromWaveProvider(IWaveProvider provider, string fileName = "audio.wav") =>
        FromStream(new WaveProviderWavStream(provider, null, nameof(provider)), fileName, "audio/wav");

    /// <summary>
    /// Audio from an NAudio wave stream (a file reader, a raw stream), from its current position, sent as a WAV file made
    /// while it uploads, with the exact data size.
    /// </summary>
    /// <param name="stream">The stream; the caller keeps ownership.</param>
    /// <param name="fileName">The file name to send. Default <c>audio.wav</c>.</param>
    /// <exception cref="ArgumentException">An encoding the SDK cannot read.</exception>
    public static AudioInput FromWaveStream(WaveStream stream, string fileName = "audio.wav")
    {
        ArgumentNullException.ThrowIfNull(stream);
        return FromStream(new WaveProviderWavStream(stream, Math.Max(0, stream.Length - stream.Position), nameof(stream)), fileName,
            "audio/wav");
    }

    /// <summary>Audio from an NAudio sample provider, sent as a 16-bit PCM WAV file made while it uploads (read until it returns
    /// 0).</summary>
    /// <param name="provider">The provider.</param>
    /// <param name="fileName">The file name to send. Default <c>audio.wav</c>.</param>
    public static AudioInput FromSampleProvider(ISampleProvider provider, string fileName = "audio.wav")
    {
        ArgumentNullException.ThrowIfNull(provider);
        return FromWaveProvider(new NAudio.Wave.SampleProviders.SampleToWaveProvider16(provider), fileName);
    }
}
