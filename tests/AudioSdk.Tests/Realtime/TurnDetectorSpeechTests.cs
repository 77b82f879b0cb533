using System.Globalization;
using System.Runtime.InteropServices;
using AudioSdk.Realtime.Uplink;
using AudioSdk.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// The client-side turn detector on real speech (espeak-ng dictation: 10 sentences, pauses of 0.45 to 2 s) with white,
/// pink and mains-hum noise at 20 and 10 dB SNR, at both wire rates: every boundary within 150 ms of the truth, no
/// sentence split in two, none missed, and no two sentences joined across a pause of 0.8 s or more.
/// </summary>
public sealed class TurnDetectorSpeechTests(ITestOutputHelper output)
{
    private const double Tolerance = 0.150;

    [EspeakFact]
    public void Dictation_TurnsMatchTheSentences_AtBothSnrs()
    {
        var rows = new List<Row>();
        foreach (var rate in new[] { 16000, 24000 })
        {
            foreach (var snr in new[] { 20.0, 10.0 })
            {
                foreach (var noise in Enum.GetValues<Dictation.Noise>())
                {
                    foreach (var seed in new[] { 1, 2 })
                    {
                        rows.Add(Measure(Dictation.Generate(rate, snr, noise, seed), rate, snr, noise, seed));
                    }
                }
            }
        }

        output.WriteLine("| rate | SNR | noise | seed | sentences | turns | start err max/mean ms | end err max/mean ms | split | missed | joined >= 0.8 s | joined < 0.8 s |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Rate} | {r.Snr} dB | {r.Noise} | {r.Seed} | {r.Sentences} | {r.Turns} | {r.StartMax * 1000:0}/{r.StartMean * 1000:0} | {r.EndMax * 1000:0}/{r.EndMean * 1000:0} | {r.Splits} | {r.Missed} | {r.LongJoins} | {r.ShortJoins} |"));
        }

        Assert.All(rows, r =>
        {
            Assert.True(r.Missed == 0 && r.Splits == 0 && r.LongJoins == 0, $"{r}: missed, split or joined across a long pause");
            Assert.True(r.StartMax <= Tolerance && r.EndMax <= Tolerance, $"{r}: a boundary is more than 150 ms off");
        });
    }

    private static Row Measure(Dictation.Recording recording, int rate, double snr, Dictation.Noise noise, int seed)
    {
        var detector = new TurnDetector(rate, TurnDetectorSettings.Default);
        var boundaries = new List<TurnBoundary>();
        var bytes = MemoryMarshal.AsBytes(recording.Samples.AsSpan());
        for (var offset = 0; offset < bytes.Length; offset += rate / 5)
        {
            detector.Process(bytes.Slice(offset, Math.Min(rate / 5, bytes.Length - offset)), boundaries);
        }

        var turns = new List<(double Start, double End)>();
        double? open = null;
        foreach (var b in boundaries)
        {
            if (b.Kind == TurnBoundaryKind.Started)
            {
                open = (double)b.SpeechSample / rate;
            }
            else if (open is { } start)
            {
                turns.Add((start, (double)b.SpeechSample / rate));
                open = null;
            }
        }

        if (open is { } last)
        {
            turns.Add((last, (double)recording.Samples.Length / rate));
        }

        var sentences = recording.Sentences;
        int splits = 0, missed = 0, longJoins = 0, shortJoins = 0;
        var startErrors = new List<double>();
        var endErrors = new List<double>();
        var turnOf = new int[sentences.Count];
        for (var j = 0; j < sentences.Count; j++)
        {
            var overlapping = turns.Select((t, i) => (t, i)).Where(x => x.t.Start < sentences[j].End && x.t.End > sentences[j].Start).ToList();
            turnOf[j] = overlapping.Count == 0 ? -1 : overlapping[0].i;
            missed += overlapping.Count == 0 ? 1 : 0;
            splits += overlapping.Count > 1 ? 1 : 0;
        }

        for (var j = 0; j < sentences.Count; j++)
        {
            if (turnOf[j] < 0)
            {
                continue;
            }

            var turn = turns[turnOf[j]];
            var joinedBefore = j > 0 && turnOf[j - 1] == turnOf[j];
            var joinedAfter = j + 1 < sentences.Count && turnOf[j + 1] == turnOf[j];
            if (joinedBefore)
            {
                if (sentences[j].PauseBefore >= 0.8)
                {
                    longJoins++;
                }
                else
                {
                    shortJoins++;
                }
            }
            else
            {
                startErrors.Add(Math.Abs(turn.Start - sentences[j].Start));
            }

            if (!joinedAfter)
            {
                endErrors.Add(Math.Abs(turn.End - sentences[j].End));
            }
        }

        return new Row(rate, snr, noise, seed, sentences.Count, turns.Count, startErrors.DefaultIfEmpty(0).Max(), startErrors.DefaultIfEmpty(0).Average(), endErrors.DefaultIfEmpty(0).Max(), endErrors.DefaultIfEmpty(0).Average(), splits, missed, longJoins, shortJoins);
    }

    private sealed record Row(int Rate, double Snr, Dictation.Noise Noise, int Seed, int Sentences, int Turns, double StartMax, double StartMean, double EndMax, double EndMean, int Splits, int Missed, int LongJoins, int ShortJoins);
}
