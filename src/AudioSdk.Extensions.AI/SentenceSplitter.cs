using System.Globalization;

namespace AudioSdk.Extensions.AI;

/// <summary>
/// Splits streamed text into sentences as tokens arrive, whatever the tokenization.
/// </summary>
/// <remarks>
/// <para>
/// A sentence ends at a sentence terminal followed by whitespace (closing quotes and brackets kept): <c>. ! ?</c> and the
/// other scripts' terminals of Unicode's Sentence_Terminal class (Arabic <c>؟ ۔</c>, Devanagari <c>। ॥</c>, Ethiopic
/// <c>።</c>, Armenian <c>։</c>, Myanmar <c>။</c>, ...). The CJK full-width terminals <c>。！？</c> end a sentence without
/// whitespace. A period does not end one after a common abbreviation, a single initial, or as an ellipsis followed by a
/// lower-case word.
/// </para>
/// <para>
/// No piece is longer than the limit: a sentence that reaches it is cut at its last clause break (<c>, ; :</c> followed by
/// whitespace, or the full-width <c>，、；：</c>), else at its last whitespace, else (a script without spaces) at the
/// limit, on a grapheme boundary (on a code point boundary when one grapheme is longer than the limit). Synthesis never
/// waits for a period that does not come.
/// </para>
/// <para>
/// The cost is linear in the streamed text: the scan resumes where it stopped, and the text held never exceeds the limit
/// by more than the last token.
/// </para>
/// </remarks>
internal sealed class SentenceSplitter
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "vs", "etc", "inc", "ltd", "co", "no", "e.g", "i.e", "approx", "dept", "fig", "mt",
    };

    private readonly int _maxLength;
    private char[] _buffer;

    // The current sentence is _buffer[_start.._length]; _scan is where the scan resumes; _clause and _space are the
    // latest cut points (exclusive ends) found in the scanned part of the current sentence, or -1.
    private int _start;
    private int _length;
    private int _scan;
    private int _clause = -1;
    private int _space = -1;

    public SentenceSplitter(int maxLength = 200)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        _maxLength = maxLength;
        _buffer = new char[Math.Max(64, maxLength * 2)];
    }

    /// <summary>Adds a token; returns the sentences it completed (usually none or one).</summary>
    public List<string> Add(string token)
    {
        Append(token);
        var sentences = new List<string>();
        while (Next() is { } sentence)
        {
            sentences.Add(sentence);
        }

        return sentences;
    }

    /// <summary>The text left at the end of the stream, as a last sentence (or <see langword="null"/> when only whitespace is
    /// left).</summary>
    public string? Flush()
    {
        var rest = _buffer.AsSpan(_start, _length - _start).Trim();
        var last = rest.IsEmpty ? null : rest.ToString();
        _start = _length = _scan = 0;
        _clause = _space = -1;
        return last;
    }

    /// <summary>Sentence terminals (Unicode Sentence_Terminal, the common ones) that end a sentence before whitespace.</summary>
    internal static bool IsTerminal(char c) => c is '.' or '!' or '?'
        or '\u0589' // ։ Armenian full stop
        or '\u061D' or '\u061E' or '\u061F' or '\u06D4' // Arabic end of text, triple dot, question mark, full stop
        or '\u0700' or '\u0701' or '\u0702' // Syriac
        or '\u07F9' // NKo exclamation
        or '\u0964' or '\u0965' // । ॥ Devanagari danda, double danda
        or '\u104A' or '\u104B' // Myanmar
        or '\u1362' or '\u1367' or '\u1368' // ። ፧ ፨ Ethiopic
        or '\u166E' or '\u1803' or '\u1809' // Canadian syllabics, Mongolian
        or '\u203C' or '\u203D' or '\u2047' or '\u2048' or '\u2049' // ‼ ‽ ⁇ ⁈ ⁉
        or '\u2E2E' or '\uA4FF' or '\uA60E' or '\uA60F' or '\uA6F3' or '\uA6F7'
        or '\uFE52' or '\uFE56' or '\uFE57' or '\uFF0E'
        || IsFullWidthTerminal(c);

    /// <summary>Terminals of scripts written without spaces: they end a sentence at once.</summary>
    private static bool IsFullWidthTerminal(char c) => c is '。' or '！' or '？' or '｡';

    /// <summary>Clause marks of scripts written without spaces: a cut point after them at once.</summary>
    private static bool IsFullWidthClause(char c) => c is '，' or '、' or '；' or '：' or '､' or '\uFE50' or '\uFE51';

    /// <summary>Clause marks that are a cut point when whitespace follows.</summary>
    private static bool IsClause(char c) => c is ',' or ';' or ':' or '\u060C' or '\u061B';

    private static bool IsClosing(char c) => c is '"' or '\'' or ')' or ']' or '”' or '’' or '」' or '』' or '）' or '»';

    private void Append(string token)
    {
        if (_length + token.Length > _buffer.Length)
        {
            // Move the current sentence to the front first; grow only if that is not enough.
            var held = _length - _start;
            var target = _buffer;
            if (held + token.Length > _buffer.Length)
            {
                target = new char[Math.Max(_buffer.Length * 2, held + token.Length)];
            }

            Array.Copy(_buffer, _start, target, 0, held);
            _buffer = target;
            _scan -= _start;
            _clause = _clause < 0 ? -1 : _clause - _start;
            _space = _space < 0 ? -1 : _space - _start;
            _length = held;
            _start = 0;
        }

        token.CopyTo(_buffer.AsSpan(_length));
        _length += token.Length;
    }

    private string? Next()
    {
        var i = _scan;
        while (i < _length)
        {
            var c = _buffer[i];
            if (i == _start && char.IsWhiteSpace(c))
            {
                // Whitespace between sentences belongs to neither.
                _start = ++i;
                continue;
            }

            if (i - _start >= _maxLength)
            {
                // The sentence has reached the limit without ending: cut it.
                break;
            }

            if (char.IsWhiteSpace(c))
            {
                _space = i;
                if (IsClause(_buffer[i - 1]))
                {
                    _clause = i;
                }
            }
            else if (IsFullWidthClause(c))
            {
                _clause = i + 1;
            }

            if (!IsTerminal(c))
            {
                i++;
                continue;
            }

            // Swallow repeated marks and closing quotes or brackets; the sentence ends at whitespace after them.
            var end = i + 1;
            while (end < _length && (IsTerminal(_buffer[end]) || IsClosing(_buffer[end])))
            {
                end++;
            }

            if (end >= _length)
            {
                // Undecided until the next character arrives.
                _scan = i;
                return Long();
            }

            var ends = IsFullWidthTerminal(_buffer[end - 1]) || IsFullWidthTerminal(c)
                || char.IsWhiteSpace(_buffer[end]) ? EndsSentence(i, end) : false;
            if (ends is null)
            {
                // An ellipsis: the next word decides.
                _scan = i;
                return Long();
            }

            if (ends == false || end - _start > _maxLength)
            {
                // Not an end (or one past the limit, which the cut below handles).
                i = Math.Min(end, _start + _maxLength);
                continue;
            }

            return Take(end);
        }

        _scan = i;
        return Long();
    }

    private bool? EndsSentence(int mark, int end)
    {
        if (_buffer[mark] != '.')
        {
            return true;
        }

        // An ellipsis followed by a lower-case word goes on.
        if (mark + 1 < end && _buffer[mark + 1] == '.')
        {
            var next = end;
            while (next < _length && char.IsWhiteSpace(_buffer[next]))
            {
                next++;
            }

            return next >= _length ? null : !char.IsLower(_buffer[next]);
        }

        var start = mark;
        while (start > _start && !char.IsWhiteSpace(_buffer[start - 1]) && _buffer[start - 1] != '(')
        {
            start--;
        }

        var word = _buffer.AsSpan(start, mark - start).TrimStart("\"'“");
        // Abbreviations, single initials, and dotted forms such as p.m. or U.S.
        return !(IsAbbreviation(word) || (word.Length == 1 && char.IsUpper(word[0])) || word.Contains('.'));
    }

    private static bool IsAbbreviation(ReadOnlySpan<char> word) => word.Length is > 0 and <= 6 && Abbreviations.Contains(word.ToString());

    /// <summary>A sentence that has reached the limit, cut at its last clause break, else its last space, else at the limit.</summary>
    private string? Long()
    {
        if (_length - _start <= _maxLength)
        {
            return null;
        }

        var limit = _start + _maxLength;
        if (char.IsWhiteSpace(_buffer[limit]))
        {
            // The limit falls just before whitespace: the text up to it is whole.
            _space = limit;
            if (IsClause(_buffer[limit - 1]))
            {
                _clause = limit;
            }
        }

        int cut;
        if (_clause > _start + (_maxLength / 4))
        {
            cut = _clause;
        }
        else if (_space > _start)
        {
            cut = _space;
        }
        else
        {
            cut = HardCut(limit);
        }

        return Take(cut);
    }

    /// <summary>The last grapheme boundary at or before the limit; the last code point boundary when one grapheme is longer.</summary>
    private int HardCut(int limit)
    {
        // One character past the limit is enough to know whether the limit is a boundary.
        var text = _buffer.AsSpan(_start, Math.Min(_length - _start, _maxLength + 1));
        var boundary = 0;
        while (boundary < text.Length)
        {
            var next = boundary + StringInfo.GetNextTextElementLength(text[boundary..]);
            if (next > _maxLength)
            {
                break;
            }

            boundary = next;
        }

        if (boundary > 0)
        {
            return _start + boundary;
        }

        return char.IsLowSurrogate(_buffer[limit]) && char.IsHighSurrogate(_buffer[limit - 1]) ? limit - 1 : limit;
    }

    /// <summary>Takes the current sentence up to <paramref name="end"/> (exclusive), trimmed, and starts the next one there.</summary>
    private string? Take(int end)
    {
        var sentence = _buffer.AsSpan(_start, end - _start).Trim();
        _start = _scan = end;
        _clause = _space = -1;
        return sentence.IsEmpty ? null : sentence.ToString();
    }
}
