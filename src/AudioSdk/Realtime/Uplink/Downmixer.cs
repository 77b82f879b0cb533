namespace AudioSdk.Realtime.Uplink;

/// <summary>Stage 3 of the uplink: interleaved frames to mono by averaging the channels, in place.</summary>
internal static class Downmixer
{
    /// <summary>Averages each frame of <paramref name="channels"/> samples into the start of <paramref name="samples"/>; returns the frame
    /// count.</summary>
    public static int DownmixInPlace(Span<float> samples, int channels)
    {
        if (channels == 1)
        {
            return samples.Length;
        }

        var frames = samples.Length / channels;
        for (var f = 0; f < frames; f++)
        {
            var sum = 0f;
            var start = f * channels;
            for (var c = 0; c < channels; c++)
            {
                sum += samples[start + c];
            }

            samples[f] = sum / channels;
        }

        return frames;
    }
}
