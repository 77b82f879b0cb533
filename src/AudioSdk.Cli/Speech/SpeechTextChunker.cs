namespace AudioSdk.Cli.Speech;

/// <summary>
/// Cuts text longer than one request allows into parts at sentence ends (<c>. ! ?</c> and line breaks), packing
/// whole sentences into each part; a sentence longer than a part is cut at a space, a word longer than that anywhere.
/// The parts, joined, are the text again.
/// </summary>
internal static class SpeechTextChunker
{
    public static IReadOnlyList<string> Split(string text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        if (text.Length <= maxLength)
        {
            return [text];
        }

        var parts = new List<string>();
        var start = 0;
        while (text.Length - start > maxLength)
        {
            var limit = start + maxLength;
            var cut = LastBoundary(text, start, limit, IsSentenceEnd);
            if (cut <= start)
            {
                cut = LastBoundary(text, start, limit, static (t, i) => char.IsWhiteSpace(t[i - 1]));
            }

            if (cut <= start)
            {
                cut = char.IsHighSurrogate(text[limit - 1]) ? limit - 1 : limit;
            }

            parts.Add(text[start..cut]);
            start = cut;
        }

        parts.Add(text[start..]);
        return parts;
    }

    /// <summary>The largest cut position in (start, limit] where the text before it ends a boundary.</summary>
    private static int LastBoundary(string text, int start, int limit, Func<string, int, bool> isBoundary)
    {
        for (var i = limit; i > start; i--)
        {
            if (isBoundary(text, i))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A sentence ends before position <paramref name="i"/>: punctuation then whitespace (kept with the sentence), or a
    /// newline.</summary>
    private static bool IsSentenceEnd(string text, int i)
    {
        var previous = text[i - 1];
        if (previous == '\n')
        {
            return true;
        }

        if (!char.IsWhiteSpace(previous) || i < 2)
        {
            return false;
        }

        var j = i - 2;
        while (j >= 0 && text[j] is '"' or '\'' or ')' or '\u201D' or '\u2019')
        {
            j--;
        }

        return j >= 0 && text[j] is '.' or '!' or '?' or '\u3002' or '\uFF01' or '\uFF1F' or '\u2026';
    }
}
