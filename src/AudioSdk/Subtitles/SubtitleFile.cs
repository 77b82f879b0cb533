using System.Globalization;
using System.Text;
using AudioSdk.Transcriptions;

namespace AudioSdk.Subtitles;

/// <summary>
/// Writes SRT and WebVTT from segments, words or cues, and parses the SRT and WebVTT bodies a server
/// returns, so those formats can be shifted and stitched too.
/// </summary>
public static class SubtitleFile
{
    /// <summary>Each field of a parsed timestamp (hours, minutes, seconds) is below this: 10,000,000.</summary>
    private const int MaxStampField = 10_000_000;

    /// <summary>Cues from transcript segments, one per segment, split where a segment is too long for the layout.</summary>
    /// <param name="segments">The segments.</param>
    /// <param name="options">The layout; defaults apply when <see langword="null"/>.</param>
    public static IReadOnlyList<SubtitleCue> FromSegments(IEnumerable<TranscriptionSegment> segments, SubtitleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(segments);
        options ??= new SubtitleOptions();
        var cues = new List<SubtitleCue>();
        foreach (var segment in segments)
        {
            var words = segment.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                continue;
            }

            // Spread the segment's time over its words by character count, then lay them out like timed words.
            var total = words.Sum(w => w.Length + 1);
            var duration = segment.End - segment.Start;
            var at = segment.Start;
            var timed = new List<(string Word, TimeSpan Start, TimeSpan End)>(words.Length);
            foreach (var word in words)
            {
                var end = at + (duration * ((word.Length + 1) / (double)total));
                timed.Add((word, at, end));
                at = end;
            }

            timed[^1] = timed[^1] with { End = segment.End };
            cues.AddRange(Layout(timed, options));
        }

        return cues;
    }

    /// <summary>Cues from timed words, filled up to the line length, line count and cue duration.</summary>
    /// <param name="words">The words in order.</param>
    /// <param name="options">The layout; defaults apply when <see langword="null"/>.</param>
    public static IReadOnlyList<SubtitleCue> FromWords(IEnumerable<TranscriptionWord> words, SubtitleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(words);
        return Layout(words.Select(w => (w.Word.Trim(), w.Start, w.End)).Where(w => w.Item1.Length > 0).ToList(), options
            ?? new SubtitleOptions());
    }

    /// <summary>Writes SubRip (SRT).</summary>
    /// <param name="cues">The cues in order.</param>
    public static string ToSrt(IEnumerable<SubtitleCue> cues)
    {
        ArgumentNullException.ThrowIfNull(cues);
        var sb = new StringBuilder();
        var index = 1;
        foreach (var cue in cues)
        {
            sb.Append(index++).Append('\n')
              .Append(Stamp(cue.Start, ',', forceHours: true)).Append(" --> ").Append(Stamp(cue.End, ',', forceHours: true)).Append('\n')
              .Append(cue.Text).Append("\n\n");
        }

        return sb.ToString();
    }

    /// <summary>Writes WebVTT.</summary>
    /// <param name="cues">The cues in order.</param>
    public static string ToVtt(IEnumerable<SubtitleCue> cues)
    {
        ArgumentNullException.ThrowIfNull(cues);
        var sb = new StringBuilder("WEBVTT\n\n");
        foreach (var cue in cues)
        {
            sb.Append(Stamp(cue.Start, '.', forceHours: true)).Append(" --> ").Append(Stamp(cue.End, '.', forceHours: true)).Append('\n')
              .Append(cue.Text.Replace("-->", "->", StringComparison.Ordinal)).Append("\n\n");
        }

        return sb.ToString();
    }

    /// <summary>Parses SubRip (SRT): tolerant of CRLF, a BOM, missing indices and dots for commas.</summary>
    /// <param name="srt">The body.</param>
    /// <exception cref="FormatException">A timing line is malformed (a field of a timestamp at or above 10,000,000 included); the message
    /// gives its line number.</exception>
    public static IReadOnlyList<SubtitleCue> ParseSrt(string srt) => Parse(srt, vtt: false);

    /// <summary>Parses WebVTT: skips the header, NOTE, STYLE and REGION blocks, cue identifiers and cue settings.</summary>
    /// <param name="vtt">The body.</param>
    /// <exception cref="FormatException">The body does not start with WEBVTT, or a timing line is malformed (as for
    /// <see cref="ParseSrt"/>).</exception>
    public static IReadOnlyList<SubtitleCue> ParseVtt(string vtt) => Parse(vtt, vtt: true);

    private static List<SubtitleCue> Layout(List<(string Word, TimeSpan Start, TimeSpan End)> words, SubtitleOptions options)
    {
        if (options.MaxLineLength < 1 || options.MaxLines < 1 || options.MaxCueDuration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options),
                "MaxLineLength and MaxLines must be positive and MaxCueDuration longer than zero.");
        }

        var cues = new List<SubtitleCue>();
        var lines = new List<StringBuilder>();
        TimeSpan start = default, end = default;
        void Emit()
        {
            if (lines.Count > 0)
            {
                cues.Add(new SubtitleCue(start, end, string.Join("\n", lines.Select(l => l.ToString()))));
                lines.Clear();
            }
        }

        foreach (var (word, wordStart, wordEnd) in words)
        {
            var fitsLine = lines.Count > 0 && lines[^1].Length + 1 + word.Length <= options.MaxLineLength;
            var fitsCue = fitsLine || lines.Count < options.MaxLines;
            if (lines.Count > 0 && (!fitsCue || wordEnd - start > options.MaxCueDuration))
            {
                Emit();
                fitsLine = false;
            }

            if (lines.Count == 0)
            {
                start = wordStart;
            }

            if (fitsLine)
            {
                lines[^1].Append(' ').Append(word);
            }
            else
            {
                lines.Add(new StringBuilder(word));
            }

            end = wordEnd;
        }

        Emit();
        return cues;
    }

    private static List<SubtitleCue> Parse(string body, bool vtt)
    {
        ArgumentNullException.ThrowIfNull(body);
        var lines = body.TrimStart('\uFEFF').ReplaceLineEndings("\n").Split('\n');
        var cues = new List<SubtitleCue>();
        var i = 0;
        if (vtt)
        {
            if (lines.Length == 0 || !lines[0].StartsWith("WEBVTT", StringComparison.Ordinal))
            {
                throw new FormatException("A WebVTT body must start with 'WEBVTT'.");
            }

            while (i < lines.Length && lines[i].Length > 0)
            {
                i++;
            }
        }

        while (i < lines.Length)
        {
            if (lines[i].Trim().Length == 0)
            {
                i++;
                continue;
            }

            // A block: optional identifier, a timing line, text lines until a blank line.
            var blockStart = i;
            if (vtt
                && (lines[i].StartsWith("NOTE", StringComparison.Ordinal) || lines[i].StartsWith("STYLE", StringComparison.Ordinal)
                || lines[i].StartsWith("REGION", StringComparison.Ordinal)))
            {
                while (i < lines.Length && lines[i].Trim().Length > 0)
                {
                    i++;
                }

                continue;
            }

            if (!lines[i].Contains("-->", StringComparison.Ordinal))
            {
                i++;
            }

            if (i >= lines.Length || !lines[i].Contains("-->", StringComparison.Ordinal))
            {
                throw new FormatException($"Expected a timing line ('start --> end') at line {Math.Min(i, lines.Length - 1) + 1}, block starting at line {blockStart + 1}.");
            }

            var parts = lines[i].Split("-->", 2);
            var startTime = ParseStamp(parts[0].Trim(), i + 1);
            var endTime = ParseStamp(parts[1].Trim().Split(' ', '\t')[0], i + 1);
            i++;
            var text = new List<string>();
            while (i < lines.Length && lines[i].Trim().Length > 0)
            {
                text.Add(lines[i]);
                i++;
            }

            cues.Add(new SubtitleCue(startTime, endTime, string.Join("\n", text)));
        }

        return cues;
    }

    private static TimeSpan ParseStamp(string stamp, int lineNumber)
    {
        // Digits only (no sign, exponent or spaces), each field below MaxStampField: the total stays far inside TimeSpan.
        var parts = stamp.Replace(',', '.').Split(':');
        var hours = 0;
        if (parts.Length is < 2 or > 3 ||
            !double.TryParse(parts[^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
                || !(seconds >= 0 && seconds < MaxStampField) ||
            !int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) || minutes >= MaxStampField ||
            (parts.Length == 3
                && (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out hours) || hours >= MaxStampField)))
        {
            throw new FormatException($"'{Shorten(stamp)}' at line {lineNumber} is not a timestamp (hh:mm:ss,mmm or mm:ss.mmm, each field below {MaxStampField}).");
        }

        return TimeSpan.FromTicks((hours * TimeSpan.TicksPerHour) + (minutes * TimeSpan.TicksPerMinute) + (long)Math.Round(seconds * TimeSpan.TicksPerSecond));
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";

    private static string Stamp(TimeSpan time, char separator, bool forceHours)
    {
        var ms = (long)Math.Round(time.TotalMilliseconds, MidpointRounding.AwayFromZero);
        if (ms < 0)
        {
            ms = 0;
        }

        var hours = ms / 3_600_000;
        var minutes = ms / 60_000 % 60;
        var seconds = ms / 1000 % 60;
        var millis = ms % 1000;
        return forceHours || hours > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{hours:00}:{minutes:00}:{seconds:00}{separator}{millis:000}")
            : string.Create(CultureInfo.InvariantCulture, $"{minutes:00}:{seconds:00}{separator}{millis:000}");
    }
}
