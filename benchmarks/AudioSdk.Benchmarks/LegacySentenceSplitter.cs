using System.Text;

namespace AudioSdk.Benchmarks;

/// <summary>
/// The sentence splitter as it was before the scan position was kept (a baseline for <see cref="SentenceSplitterBenchmarks"/>).
/// Splits streamed text into sentences as tokens arrive, whatever the tokenization: a sentence ends at <c>. ! ?</c> (or
/// their full-width forms) followed by whitespace, with closing quotes and brackets kept; not after common abbreviations,
/// single initials, or an ellipsis followed by a lower-case word. A sentence longer than the limit is cut at its last
/// clause break (comma, semicolon, colon) so synthesis never waits for a period that does not come.
/// </summary>
internal sealed class LegacySentenceSplitter(int maxLength = 200)
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "vs", "etc", "inc", "ltd", "co", "no", "e.g", "i.e", "approx", "dept", "fig", "mt",
    };

    private readonly StringBuilder _text = new();
    private int _scanned;

    /// <summary>Adds a token; returns the sentences it completed (usually none or one).</summary>
    public List<string> Add(string token)
    {
        _text.Append(token);
        var sentences = new List<string>();
        while (Next() is { } sentence)
        {
            sentences.Add(sentence);
        }

        return sentences;
    }

    /// <summary>The text left at the end of the stream, as a last sentence (or <see langword="null"/> when only whitespace is left).</summary>
    public string? Flush()
    {
        var rest = _text.ToString().Trim();
        _text.Clear();
        _scanned = 0;
        return rest.Length == 0 ? null : rest;
    }

    private string? Next()
    {
        for (var i = _scanned; i < _text.Length; i++)
        {
            if (!IsTerminal(_text[i]))
            {
                continue;
            }

            // Swallow repeated marks and closing quotes or brackets; the sentence ends at whitespace after them.
            var end = i + 1;
            while (end < _text.Length && (IsTerminal(_text[end]) || _text[end] is '"' or '\'' or ')' or ']' or '”' or '’' or '」'))
            {
                end++;
            }

            if (end >= _text.Length)
            {
                // Undecided until the next character arrives.
                _scanned = i;
                return Long();
            }

            var fullWidth = _text[i] is '。' or '！' or '？';
            var ends = fullWidth || char.IsWhiteSpace(_text[end]) ? EndsSentence(i, end) : false;
            if (ends is null)
            {
                // An ellipsis: the next word decides.
                _scanned = i;
                return Long();
            }

            if (ends == false)
            {
                i = end - 1;
                continue;
            }

            var sentence = _text.ToString(0, end).Trim();
            _text.Remove(0, end);
            _scanned = 0;
            if (sentence.Length > 0)
            {
                return sentence;
            }

            i = -1;
        }

        _scanned = _text.Length;
        return Long();
    }

    private static bool IsTerminal(char c) => c is '.' or '!' or '?' or '。' or '！' or '？';

    private bool? EndsSentence(int mark, int end)
    {
        if (_text[mark] != '.')
        {
            return true;
        }

        // An ellipsis followed by a lower-case word goes on.
        if (mark + 1 < end && _text[mark + 1] == '.')
        {
            var next = end;
            while (next < _text.Length && char.IsWhiteSpace(_text[next]))
            {
                next++;
            }

            return next >= _text.Length ? null : !char.IsLower(_text[next]);
        }

        var start = mark;
        while (start > 0 && !char.IsWhiteSpace(_text[start - 1]) && _text[start - 1] != '(')
        {
            start--;
        }

        var word = _text.ToString(start, mark - start).TrimStart('"', '\'', '“');
        // Abbreviations, single initials, and dotted forms such as p.m. or U.S.
        return !(Abbreviations.Contains(word) || (word.Length == 1 && char.IsUpper(word[0])) || word.Contains('.', StringComparison.Ordinal));
    }

    /// <summary>A sentence past the limit, cut at its last clause break.</summary>
    private string? Long()
    {
        if (_text.Length <= maxLength)
        {
            return null;
        }

        for (var i = _text.Length - 2; i > maxLength / 4; i--)
        {
            if (_text[i] is ',' or ';' or ':' && char.IsWhiteSpace(_text[i + 1]))
            {
                var clause = _text.ToString(0, i + 1).Trim();
                _text.Remove(0, i + 1);
                _scanned = 0;
                return clause;
            }
        }

        return null;
    }
}
