using AudioSdk.Tests.Infrastructure;
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
        AddColumn(new ResamplerQualityColumn("SNR 1 kHz (dB)", q => q.Snr.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)));
        AddColumn(new ResamplerQualityColumn("Samples out / expected", q => $"{q.Samples}/{q.Expected}"));
    }
}

/// <summary>
/// The resampler's quality, measured in the process that prints the table (the same code the benchmark times): a 10 s,
/// 1 kHz sine resampled at each conversion, its SNR against the 1 kHz sine that fits it best (any delay and gain
/// forgiven; the first and last 50 ms left out), and how many samples came out of those expected.
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
        Measured.Value.TryGetValue($"{benchmarkCase.Descriptor.WorkloadMethod.Name}@{benchmarkCase.Parameters["InputRate"]}", out var q) ? show(q) : "-";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    private static Dictionary<string, Quality> Measure()
    {
        var measured = new Dictionary<string, Quality>(StringComparer.Ordinal);
        foreach (var (from, to) in new[] { (48000, 24000), (44100, 16000) })
        {
            const int Seconds = 10;
            var input = new float[from * Seconds];
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = (float)(0.5 * Math.Sin(2 * Math.PI * 1000 * i / from));
            }

            var ours = NAudioComparisonBenchmarks.SdkResample(input, from, to);
            var theirs = NAudioComparisonBenchmarks.WdlResample(input, from, to);
            var edge = to / 20;
            measured[$"{nameof(NAudioComparisonBenchmarks.Sdk_Resample)}@{from}"] = new(SineFit.Snr(ours.AsSpan(edge, ours.Length - (2 * edge)), to, 1000), ours.Length, to * Seconds);
            measured[$"{nameof(NAudioComparisonBenchmarks.NAudioWdl_Resample)}@{from}"] = new(SineFit.Snr(theirs.AsSpan(edge, Math.Max(0, theirs.Length - (2 * edge))), to, 1000), theirs.Length, to * Seconds);
        }

        return measured;
    }
}
