using AudioSdk.Audio;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace AudioSdk.Benchmarks;

/// <summary>Adds the SNR and output-length columns to the resampler rows of <see cref="NAudioComparisonBenchmarks"/>.</summary>
public sealed class QualityConfig : ManualConfig
{
    public QualityConfig()
    {
        AddColumn(new ResamplerQualityColumn("SNR 1 kHz 48->24 kHz (dB)", q => q.Snr.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)));
        AddColumn(new ResamplerQualityColumn("Samples out / expected", q => $"{q.Samples}/{q.Expected}"));
    }
}

/// <summary>
/// The resampler's quality, measured in the process that prints the table (the same code the benchmark times): a 10 s,
/// 1 kHz sine at 48 kHz resampled to 24 kHz, its SNR against the 1 kHz sine that fits it best (any delay and gain
/// forgiven; the first and last 50 ms left out), and how many samples came out of the 240,000 expected.
/// </summary>
public sealed class ResamplerQualityColumn(string name, Func<ResamplerQualityColumn.Quality, string> show) : IColumn
{
    private static readonly Lazy<Dictionary<string, Quality>> Measured = new(Measure);

    public sealed record Quality(double Snr, int Samples, int Expected);

    public string Id => nameof(ResamplerQualityColumn) + name;

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => false;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => name;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        Measured.Value.TryGetValue(benchmarkCase.Descriptor.WorkloadMethod.Name, out var q) ? show(q) : "-";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    private static Dictionary<string, Quality> Measure()
    {
        const int From = 48000, To = 24000, Seconds = 10;
        var input = new float[From * Seconds];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)(0.5 * Math.Sin(2 * Math.PI * 1000 * i / From));
        }

        var ours = NAudioComparisonBenchmarks.SdkResample(input, From, To);
        var theirs = NAudioComparisonBenchmarks.WdlResample(input, From, To);
        var edge = To / 20;
        return new Dictionary<string, Quality>(StringComparer.Ordinal)
        {
            [nameof(NAudioComparisonBenchmarks.Sdk_Resample48To24)] = new(FittedSnr(ours.AsSpan(edge, ours.Length - (2 * edge)), To), ours.Length, To * Seconds),
            [nameof(NAudioComparisonBenchmarks.NAudioWdl_Resample48To24)] = new(FittedSnr(theirs.AsSpan(edge, Math.Max(0, theirs.Length - (2 * edge))), To), theirs.Length, To * Seconds),
        };
    }

    private static double FittedSnr(ReadOnlySpan<float> x, int rate)
    {
        double ss = 0, sc = 0, cc = 0, xs = 0, xc = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var s = Math.Sin(2 * Math.PI * 1000 * i / rate);
            var c = Math.Cos(2 * Math.PI * 1000 * i / rate);
            ss += s * s;
            sc += s * c;
            cc += c * c;
            xs += x[i] * s;
            xc += x[i] * c;
        }

        var det = (ss * cc) - (sc * sc);
        var a = ((xs * cc) - (xc * sc)) / det;
        var b = ((xc * ss) - (xs * sc)) / det;
        double signal = 0, noise = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var fit = (a * Math.Sin(2 * Math.PI * 1000 * i / rate)) + (b * Math.Cos(2 * Math.PI * 1000 * i / rate));
            signal += fit * fit;
            noise += (x[i] - fit) * (x[i] - fit);
        }

        return 10 * Math.Log10(signal / noise);
    }
}
