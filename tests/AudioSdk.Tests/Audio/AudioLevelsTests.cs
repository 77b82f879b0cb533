using AudioSdk.Audio;

namespace AudioSdk.Tests.Audio;

public sealed class AudioLevelsTests
{
    [Fact]
    public void PeakAndRms_OfASine()
    {
        var sine = Enumerable.Range(0, 48000).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * 1000 * i / 48000))).ToArray();
        Assert.Equal(0.5f, AudioLevels.Peak(sine), 3);
        Assert.Equal(0.5 / Math.Sqrt(2), AudioLevels.Rms(sine), 4);
        Assert.Equal(-6.02, AudioLevels.ToDbfs(AudioLevels.Peak(sine)), 2);
        Assert.Equal(double.NegativeInfinity, AudioLevels.ToDbfs(0));
        Assert.Equal(0, AudioLevels.Rms([]));
    }

    [Fact]
    public void Clipping_IsDetected()
    {
        var clean = Enumerable.Repeat(0.5f, 10000).ToArray();
        var clipped = clean.ToArray();
        for (var i = 0; i < 50; i++)
        {
            clipped[i * 100] = i % 2 == 0 ? 1f : -1f;
        }

        Assert.False(AudioLevels.IsClipped(clean));
        Assert.Equal(50, AudioLevels.CountClipped(clipped));
        Assert.True(AudioLevels.IsClipped(clipped));
        Assert.False(AudioLevels.IsClipped(clipped, maxClippedRatio: 0.01));
    }

    [Fact]
    public void Normalize_SetsThePeak_AndLeavesSilenceAlone()
    {
        float[] samples = [0.1f, -0.25f, 0.2f];
        var gain = AudioLevels.Normalize(samples, -6);
        Assert.Equal(Math.Pow(10, -6 / 20.0), AudioLevels.Peak(samples), 5);
        Assert.Equal(Math.Pow(10, -6 / 20.0) / 0.25, gain, 4);

        float[] silence = [0, 0];
        Assert.Equal(1, AudioLevels.Normalize(silence));
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioLevels.Normalize(samples, 1));
    }
}
