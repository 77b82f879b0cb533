using AudioSdk.Audio;

namespace AudioSdk.Realtime.Uplink;

/// <summary>Stage 3 of the uplink: interleaved frames to mono by averaging the channels, in place.</summary>
internal static class Downmixer
{
    /// <summary>Averages each frame of <paramref name="channels"/> samples into the start of <paramref name="samples"/>; returns the frame
    /// count.</summary>
    public static int DownmixInPlace(Span<float> samples, int channels) =>
        channels == 1 ? samples.Length : Pcm16.DownmixInto(samples, samples, channels);
}
