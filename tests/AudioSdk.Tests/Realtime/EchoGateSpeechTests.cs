using System.Globalization;
using System.Runtime.InteropServices;
using AudioSdk.Audio;
using AudioSdk.Realtime.Uplink;
using AudioSdk.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// A voice agent must not interrupt itself. Twenty turns of a conversation spoken by espeak-ng (the user in one voice,
/// the agent in another): the user asks, the agent answers for several seconds, and its answer leaks back into the
/// microphone at -10 or -20 dB relative to the user's speech (120 ms late, with a 35 ms reflection, over a -65 dBFS
/// noise floor); about two seconds into the answer the user talks over it. The client-side turn detector runs on the
/// microphone in 20 ms blocks with the played audio as its reference, and the "app" stops playback at the first turn
/// start heard during it, as a barge-in does. A turn start before the user's interruption is a false barge-in; the
/// interruption's latency is from its speech onset to the decision.
/// </summary>
public sealed class EchoGateSpeechTests(ITestOutputHelper output)
{
    private const int Rate = 16000;
    private const int Turns = 20;

    public enum Handling
    {
        None,
        Gate,
        HalfDuplex,
    }

    [EspeakFact]
    public void Echo_AtMinus10AndMinus20Db_NoFalseBargeIn_InterruptionHeardWithin300Ms()
    {
        var rows = new List<Row>();
        foreach (var level in new[] { double.NegativeInfinity, -10.0, -20.0 })
        {
            foreach (var handling in Enum.GetValues<Handling>())
            {
                rows.Add(Run(level, handling));
            }
        }

        output.WriteLine("| echo vs user speech | handling | turns | false barge-ins | interruptions heard | latency mean / p95 / max ms |");
        output.WriteLine("|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {(double.IsNegativeInfinity(r.Level) ? "no echo" : $"{r.Level} dB")} | {r.Handling} | {r.Turns} | {r.FalseBargeIns} | {r.Latencies.Count}/{r.Turns} | {(r.Latencies.Count == 0 ? "-" : $"{r.Latencies.Average():0} / {Percentile(r.Latencies, 0.95):0} / {r.Latencies.Max():0}")} |"));
        }

        foreach (var r in rows.Where(r => r.Handling == Handling.Gate && r.Level > -100))
        {
            Assert.True(r.FalseBargeIns == 0, $"{r.Level} dB: {r.FalseBargeIns} false barge-ins with the gate");
            Assert.True(r.Latencies.Count == Turns, $"{r.Level} dB: {Turns - r.Latencies.Count} interruptions not heard with the gate");
            Assert.True(r.Latencies.Max() <= 300, $"{r.Level} dB: an interruption heard {r.Latencies.Max():0} ms after its onset");
        }

        // Without the reference the agent's voice interrupts it (the measurement can tell); half duplex hears no one while
        // the answer plays (only an interruption that outlasts it).
        Assert.True(rows.Single(r => r.Level == -10 && r.Handling == Handling.None).FalseBargeIns > 0, "the echo never opened a turn without the gate: the scenario is too easy");
        Assert.All(rows.Where(r => r.Handling == Handling.HalfDuplex), r => Assert.True(r.FalseBargeIns == 0 && r.HeardWhilePlaying == 0, $"{r.Level} dB half duplex: {r.HeardWhilePlaying} heard while the answer played"));
    }

    private static Row Run(double levelDb, Handling handling)
    {
        var clock = new SampleClock();
        var reference = new PlaybackReference(clock);
        var settings = TurnDetectorSettings.Default;
        if (handling != Handling.None)
        {
            settings = settings with { EchoReference = reference, HalfDuplex = handling == Handling.HalfDuplex };
        }

        var detector = new TurnDetector(Rate, settings);
        var boundaries = new List<TurnBoundary>();
        var noise = new Random(7);
        var block = Rate / 50;
        var delay = Rate * 120 / 1000;
        var reflection = Rate * 35 / 1000;
        var falseBargeIns = 0;
        var latencies = new List<double>();
        var heardWhilePlaying = 0;
        long origin = 0;
        for (var turn = 0; turn < Turns; turn++)
        {
            var question = Dictation.Say(turn, 1, Rate);
            var answered = Dictation.Say(turn + 3, 2, Rate).Concat(Dictation.Say(turn + 4, 2, Rate)).Concat(Dictation.Say(turn + 5, 2, Rate)).ToArray();
            var answer = answered.Concat(Dictation.Say(turn + 6, 2, Rate)).ToArray();
            var interruption = Dictation.Say(turn + 7, 1, Rate);
            var userGain = 0.1 / Dictation.SpeechRms(question, Rate);
            var echoGain = 0.1 * Math.Pow(10, levelDb / 20) / Dictation.SpeechRms(answer, Rate);

            // The timeline (samples): question, 0.9 s pause, a four-sentence answer from `playFrom`; the user cuts in 0.3
            // to 1.2 s into its fourth sentence, so each turn has three sentences of echo alone.
            var playFrom = question.Length + (Rate * 9 / 10);
            var cutIn = playFrom + answered.Length + (Rate * (3 + (turn % 10)) / 10);
            var onset = cutIn + Dictation.Onset(interruption, Rate);
            var length = Math.Max(playFrom + answer.Length, cutIn + interruption.Length) + Rate;
            var played = new float[length];
            var playing = true;
            var heard = false;
            for (var n = 0; n < length; n += block)
            {
                var count = Math.Min(block, length - n);

                // The player takes the next block of the answer (or silence once stopped) and the reference records it.
                var out16 = new short[count];
                for (var k = 0; k < count; k++)
                {
                    var a = n + k - playFrom;
                    played[n + k] = playing && a >= 0 && a < answer.Length ? answer[a] : 0;
                    out16[k] = ToShort(played[n + k]);
                }

                clock.Now = origin + n;
                reference.Write(MemoryMarshal.AsBytes(out16.AsSpan()), Rate);

                // The microphone: the user, the speaker's sound come back, the room's noise.
                var mic = new short[count];
                for (var k = 0; k < count; k++)
                {
                    var t = n + k;
                    var user = t < question.Length ? question[t] : t >= cutIn && t - cutIn < interruption.Length ? interruption[t - cutIn] : 0;
                    var echo = (t >= delay ? played[t - delay] : 0) + (t >= delay + reflection ? 0.4f * played[t - delay - reflection] : 0);
                    mic[k] = ToShort((user * userGain) + (echo * echoGain) + (0.00056 * ((noise.NextDouble() * 2) - 1)));
                }

                clock.Now = origin + n + count;
                boundaries.Clear();
                detector.Process(MemoryMarshal.AsBytes(mic.AsSpan()), boundaries);
                foreach (var b in boundaries.Where(b => b.Kind == TurnBoundaryKind.Started && b.DecidedAtSample - origin > playFrom && !heard))
                {
                    if (b.DecidedAtSample - origin < onset)
                    {
                        falseBargeIns++;
                    }
                    else
                    {
                        latencies.Add((b.DecidedAtSample - origin - onset) * 1000.0 / Rate);
                        heardWhilePlaying += b.DecidedAtSample - origin < playFrom + answer.Length ? 1 : 0;
                    }

                    heard = true;
                    playing = false;
                }
            }

            origin += length;
        }

        return new Row(levelDb, handling, Turns, falseBargeIns, latencies, heardWhilePlaying);
    }

    private static short ToShort(double x) => (short)Math.Clamp(Math.Round(x * 32767), short.MinValue, short.MaxValue);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Ceiling(p * sorted.Count) - 1];
    }

    private sealed record Row(double Level, Handling Handling, int Turns, int FalseBargeIns, List<double> Latencies, int HeardWhilePlaying);

    /// <summary>A clock whose timestamps are samples at the test's rate, moved by the test.</summary>
    private sealed class SampleClock : TimeProvider
    {
        public long Now { get; set; }

        public override long TimestampFrequency => Rate;

        public override long GetTimestamp() => Now;
    }
}
