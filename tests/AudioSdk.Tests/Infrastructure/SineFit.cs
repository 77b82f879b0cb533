namespace AudioSdk.Tests.Infrastructure;

/// <summary>
/// SNR of a signal against the sine of a known frequency that fits it best (least squares on sine and cosine, so any
/// delay and gain are forgiven): what is left is noise and distortion. Shared by the tests and the benchmarks.
/// </summary>
public static class SineFit
{
    public static double Snr(ReadOnlySpan<float> x, int rate, double frequency)
    {
        var (a, b) = Fit(x, rate, frequency);
        double signal = 0, noise = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var fit = (a * Math.Sin(2 * Math.PI * frequency * i / rate)) + (b * Math.Cos(2 * Math.PI * frequency * i / rate));
            signal += fit * fit;
            noise += (x[i] - fit) * (x[i] - fit);
        }

        return 10 * Math.Log10(signal / noise);
    }

    /// <summary>The sine and cosine weights of the best-fitting sine (its amplitude is their hypotenuse).</summary>
    public static (double Sine, double Cosine) Fit(ReadOnlySpan<float> x, int rate, double frequency)
    {
        double ss = 0, sc = 0, cc = 0, xs = 0, xc = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var s = Math.Sin(2 * Math.PI * frequency * i / rate);
            var c = Math.Cos(2 * Math.PI * frequency * i / rate);
            ss += s * s;
            sc += s * c;
            cc += c * c;
            xs += x[i] * s;
            xc += x[i] * c;
        }

        var det = (ss * cc) - (sc * sc);
        return (((xs * cc) - (xc * sc)) / det, ((xc * ss) - (xs * sc)) / det);
    }
}
