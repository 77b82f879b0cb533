namespace AudioSdk.Audio;

/// <summary>Level measurement and normalisation for float samples in [-1, 1].</summary>
public static class AudioLevels
{
    /// <summary>The level at or above which a sample counts as clipped (about -0.01 dBFS).</summary>
    public const float ClipThreshold = 0.999f;

    /// <summary>The largest absolute sample value.</summary>
    /// <param name="samples">The samples.</param>
    public static float Peak(ReadOnlySpan<float> samples)
    {
        var peak = 0f;
        foreach (var s in samples)
        {
            peak = Math.Max(peak, Math.Abs(s));
        }

        return peak;
    }

    /// <summary>The root mean square.</summary>
    /// <param name="samples">The samples.</param>
    public static double Rms(ReadOnlySpan<float> samples)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }

        var sum = 0.0;
        foreach (var s in samples)
        {
            sum += s * (double)s;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    /// <summary>A linear level in decibels relative to full scale (negative infinity for silence).</summary>
    /// <param name="level">The level, 1 = full scale.</param>
    public static double ToDbfs(double level) => level <= 0 ? double.NegativeInfinity : 20 * Math.Log10(level);

    /// <summary>How many samples are at or beyond <see cref="ClipThreshold"/>.</summary>
    /// <param name="samples">The samples.</param>
    public static int CountClipped(ReadOnlySpan<float> samples)
    {
        var count = 0;
        foreach (var s in samples)
        {
            if (Math.Abs(s) >= ClipThreshold)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// True when clipping is likely audible: at least <paramref name="maxClippedRatio"/> of the samples
    /// (default 0.1 %) sit at full scale. Clipped audio transcribes badly.
    /// </summary>
    /// <param name="samples">The samples.</param>
    /// <param name="maxClippedRatio">The share of clipped samples tolerated.</param>
    public static bool IsClipped(ReadOnlySpan<float> samples, double maxClippedRatio = 0.001) =>
        !samples.IsEmpty && CountClipped(samples) >= Math.Max(1, maxClippedRatio * samples.Length);

    /// <summary>Scales the samples in place so their peak is at <paramref name="targetPeakDbfs"/>.</summary>
    /// <param name="samples">The samples, changed in place.</param>
    /// <param name="targetPeakDbfs">The peak wanted, in dBFS (default -1).</param>
    /// <returns>The gain applied (1 for silence, which is left alone).</returns>
    public static float Normalize(Span<float> samples, double targetPeakDbfs = -1)
    {
        if (targetPeakDbfs > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(targetPeakDbfs), targetPeakDbfs, "The target peak must be at or below 0 dBFS.");
        }

        var peak = Peak(samples);
        if (peak == 0)
        {
            return 1;
        }

        var gain = (float)(Math.Pow(10, targetPeakDbfs / 20) / peak);
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] *= gain;
        }

        return gain;
    }
}
