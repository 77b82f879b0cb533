using System.Text.RegularExpressions;

namespace AudioSdk.Testing.Internal;

/// <summary>
/// How the conversation dialect "speaks": each sentence is a sine tone, 300 Hz plus 100 Hz per sentence index in the
/// response (300, 400, 500, ...), 60 ms per word, PCM16 mono at 24 kHz, sent in deltas of at most 100 ms.
/// </summary>
internal static partial class ConversationVoice
{
    public const int Rate = 24000;

    /// <summary>The longest audio delta: 100 ms.</summary>
    public const int DeltaSamples = Rate / 10;

    /// <summary>The milliseconds of audio per word.</summary>
    public const int MsPerWord = 60;

    public static double FrequencyOf(int sentenceIndex) => 300 + (100 * sentenceIndex);

    public static int Words(string sentence) => sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>A sentence's tone, in deltas.</summary>
    public static IEnumerable<byte[]> Tone(string sentence, int index)
    {
        var samples = Words(sentence) * Rate * MsPerWord / 1000;
        var frequency = FrequencyOf(index);
        for (var start = 0; start < samples; start += DeltaSamples)
        {
            var count = Math.Min(DeltaSamples, samples - start);
            var chunk = new byte[count * 2];
            for (var i = 0; i < count; i++)
            {
                var v = (short)(Math.Sin(2 * Math.PI * frequency * (start + i) / Rate) * 12000);
                chunk[2 * i] = (byte)v;
                chunk[(2 * i) + 1] = (byte)(v >> 8);
            }

            yield return chunk;
        }
    }

    /// <summary>A text's sentences: split after <c>.</c>, <c>!</c> or <c>?</c> followed by white space.</summary>
    public static List<string> Sentences(string text) =>
        [.. SentenceEnd().Split(text.Trim()).Select(s => s.Trim()).Where(s => s.Length > 0)];

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceEnd();
}
