using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using AudioSdk.Audio;

namespace AudioSdk.Tests.Infrastructure;

/// <summary>
/// Generated dictation for turn detection: sentences spoken by espeak-ng (offline), placed one after another with
/// pauses, with noise mixed in at a chosen SNR. The truth for each sentence is where its clean rendering first and last
/// rises above -50 dBFS (espeak adds silence around what it says). SNR is the speech's RMS over its active 10 ms frames
/// against the noise's RMS.
/// </summary>
public static class Dictation
{
    public static readonly string[] Sentences =
    [
        "Please schedule the quarterly review for next Tuesday afternoon.",
        "The shipment from the northern warehouse arrived two days late.",
        "Remind me to call the insurance company about the claim.",
        "Yes.",
        "Our revenue grew by eleven percent compared with last year, which beat the forecast.",
        "Send the draft to Maria and ask her for comments by Friday.",
        "Thank you, that is all for now.",
        "The meeting room on the third floor has a broken projector.",
        "Add milk, eggs, and fresh bread to the shopping list.",
        "Finally, close the ticket once the customer confirms the fix.",
    ];

    private static readonly (string Voice, int Speed)[] Voices = [("en-us", 165), ("en", 150), ("en-us+f3", 180), ("en+m3", 170)];

    public static string? Espeak { get; } = Find("espeak-ng");

    public enum Noise
    {
        White,
        Pink,
        Hum,
    }

    public sealed record Truth(double Start, double End, double PauseBefore);

    public sealed record Recording(short[] Samples, int SampleRate, IReadOnlyList<Truth> Sentences);

    /// <summary>Ten sentences with pauses drawn from 0.4 to 2 s (both sides of 0.8 s), after a second of noise, at <paramref name="snrDb"/>.</summary>
    public static Recording Generate(int sampleRate, double snrDb, Noise noise, int seed)
    {
        var random = new Random(seed);
        var clean = new List<float>();
        var truths = new List<Truth>();
        double[] pauses = [0.45, 0.6, 0.7, 0.8, 0.9, 1.1, 1.4, 1.7, 2.0];
        random.Shuffle(pauses);
        var lead = 1.0;
        for (var i = 0; i < Sentences.Length; i++)
        {
            var pause = i == 0 ? lead : pauses[(i - 1) % pauses.Length];
            clean.AddRange(new float[(int)(pause * sampleRate)]);
            var spoken = Speak(Sentences[i], Voices[(i + seed) % Voices.Length], sampleRate);
            var (first, last) = Active(spoken, sampleRate);
            truths.Add(new Truth((double)(clean.Count + first) / sampleRate, (double)(clean.Count + last) / sampleRate, pause));
            clean.AddRange(spoken);
        }

        clean.AddRange(new float[sampleRate * 2]);
        var speech = clean.ToArray();
        var noiseSamples = MakeNoise(noise, speech.Length, sampleRate, random);
        var scale = Rms(ActiveFrames(speech, sampleRate)) / Rms(noiseSamples) / Math.Pow(10, snrDb / 20);
        var mixed = new short[speech.Length];
        for (var i = 0; i < speech.Length; i++)
        {
            mixed[i] = (short)Math.Clamp(Math.Round((speech[i] + (noiseSamples[i] * scale)) * 32767), short.MinValue, short.MaxValue);
        }

        // The truths are relative to the sentence placements; pause sizes stay exact, so truths stay exact.
        return new Recording(mixed, sampleRate, truths);
    }

    /// <summary>The first <paramref name="count"/> sentences spoken one after another, clean, at <paramref name="sampleRate"/>.</summary>
    public static float[] CleanSpeech(int sampleRate, int count)
    {
        var all = new List<float>();
        for (var i = 0; i < count; i++)
        {
            all.AddRange(Speak(Sentences[i % Sentences.Length], Voices[i % Voices.Length], sampleRate));
        }

        return all.ToArray();
    }

    /// <summary>One sentence (by index, wrapping) in one voice (by index, wrapping), clean, with espeak's silence around it.</summary>
    public static float[] Say(int sentence, int voice, int sampleRate) =>
        Speak(Sentences[sentence % Sentences.Length], Voices[voice % Voices.Length], sampleRate);

    /// <summary>The RMS of a rendering's active 10 ms frames (over -50 dBFS): its speech level.</summary>
    public static double SpeechRms(float[] samples, int sampleRate) => Rms(ActiveFrames(samples, sampleRate));

    /// <summary>The first sample over -50 dBFS: where the speech of a clean rendering starts.</summary>
    public static int Onset(float[] samples, int sampleRate) => Active(samples, sampleRate).First;

    private static float[] Speak(string text, (string Voice, int Speed) voice, int sampleRate)
    {
        var cache = Path.Combine(Path.GetTempPath(), "audiosdk-dictation");
        Directory.CreateDirectory(cache);
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{text}|{voice.Voice}|{voice.Speed}")))[..16];
        var path = Path.Combine(cache, key + ".wav");
        if (!File.Exists(path))
        {
            var temp = path + "." + Environment.ProcessId + ".tmp";
            var start = new ProcessStartInfo(Espeak ?? throw new InvalidOperationException("espeak-ng is not installed"), ["-v", voice.Voice, "-s", voice.Speed.ToString(System.Globalization.CultureInfo.InvariantCulture), "-w", temp, text])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using var process = Process.Start(start)!;
            if (!process.WaitForExit(30_000) || process.ExitCode != 0)
            {
                throw new InvalidOperationException("espeak-ng failed: " + process.StandardError.ReadToEnd());
            }

            File.Move(temp, path, overwrite: true);
        }

        var audio = WavFile.Read(File.ReadAllBytes(path));
        var mono = audio.ToMono();
        return audio.Format.SampleRate == sampleRate ? mono : AudioResampler.Resample(mono, audio.Format.SampleRate, sampleRate);
    }

    private static (int First, int Last) Active(float[] samples, int sampleRate)
    {
        var threshold = Math.Pow(10, -50 / 20.0);
        var first = Array.FindIndex(samples, s => Math.Abs(s) > threshold);
        var last = Array.FindLastIndex(samples, s => Math.Abs(s) > threshold);
        return first < 0 ? (0, 0) : (first, last + 1);
    }

    private static IEnumerable<float> ActiveFrames(float[] samples, int sampleRate)
    {
        var frame = sampleRate / 100;
        for (var i = 0; i + frame <= samples.Length; i += frame)
        {
            var segment = samples.AsSpan(i, frame);
            var sum = 0.0;
            foreach (var s in segment)
            {
                sum += s * s;
            }

            if (10 * Math.Log10((sum / frame) + 1e-12) > -50)
            {
                foreach (var s in samples.AsSpan(i, frame).ToArray())
                {
                    yield return s;
                }
            }
        }
    }

    private static double Rms(IEnumerable<float> samples)
    {
        double sum = 0;
        long count = 0;
        foreach (var s in samples)
        {
            sum += s * s;
            count++;
        }

        return Math.Sqrt(sum / Math.Max(1, count));
    }

    private static float[] MakeNoise(Noise kind, int length, int sampleRate, Random random)
    {
        var noise = new float[length];
        double b0 = 0, b1 = 0, b2 = 0;
        for (var i = 0; i < length; i++)
        {
            var white = (random.NextDouble() * 2) - 1;
            switch (kind)
            {
                case Noise.White:
                    noise[i] = (float)white;
                    break;
                case Noise.Pink:
                    // Paul Kellet's economy pink filter.
                    b0 = (0.99765 * b0) + (white * 0.0990460);
                    b1 = (0.96300 * b1) + (white * 0.2965164);
                    b2 = (0.57000 * b2) + (white * 1.0526913);
                    noise[i] = (float)(b0 + b1 + b2 + (white * 0.1848));
                    break;
                case Noise.Hum:
                    // Mains hum with harmonics under a little hiss.
                    var t = (double)i / sampleRate;
                    noise[i] = (float)(Math.Sin(2 * Math.PI * 50 * t) + (0.5 * Math.Sin(2 * Math.PI * 150 * t)) + (0.25 * Math.Sin(2 * Math.PI * 250 * t)) + (0.05 * white));
                    break;
            }
        }

        return noise;
    }

    internal static string? Find(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>A fact that needs espeak-ng: skipped, with the reason, where it is not installed (CI installs it).</summary>
public sealed class EspeakFactAttribute : FactAttribute
{
    public EspeakFactAttribute()
    {
        if (Dictation.Espeak is null)
        {
            Skip = "espeak-ng is not installed (apt-get install espeak-ng); the turn-detection speech test needs real speech. CI installs it.";
        }
    }
}
