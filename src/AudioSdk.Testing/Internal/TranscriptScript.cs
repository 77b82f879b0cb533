using System.Globalization;
using System.Text;

namespace AudioSdk.Testing.Internal;

/// <summary>
/// The deterministic transcript the server derives from an upload: nothing for analysed audio that is all
/// silence; when the audio has silences, one segment
/// per sound burst reading "Sound of F Hz from A to B seconds."; otherwise segments of at most
/// <see cref="AudioTestServerOptions.SegmentLength"/>, each reading "Segment N spans A to B seconds.".
/// Words are spread evenly across their segment.
/// </summary>
internal sealed class TranscriptScript
{
    public TranscriptScript(TimeSpan duration, TimeSpan segmentLength, IReadOnlyList<SoundBurst>? bursts = null)
    {
        var total = Math.Max(duration.TotalSeconds, 0);
        if (bursts is { Count: 0 })
        {
            Text = string.Empty;
            return;
        }

        if (bursts is { Count: > 0 } && (bursts.Count > 1 || (bursts[0].End - bursts[0].Start).TotalSeconds < 0.9 * total))
        {
            foreach (var burst in bursts)
            {
                var start = Math.Round(burst.Start.TotalSeconds, 3);
                var end = Math.Round(burst.End.TotalSeconds, 3);
                AddSegment(start, end,
                    string.Create(CultureInfo.InvariantCulture,
                    $"Sound of {burst.FrequencyHz:0} Hz from {start:0.00} to {end:0.00} seconds."));
            }

            Text = string.Join(" ", Segments.Select(s => s.Text));
            return;
        }

        var length = Math.Max(segmentLength.TotalSeconds, 0.001);
        var count = Math.Max(1, (int)Math.Ceiling(total / length - 1e-9));
        for (var i = 0; i < count; i++)
        {
            var start = Math.Round(i * length, 3);
            var end = Math.Round(Math.Min((i + 1) * length, total), 3);
            AddSegment(start, end, string.Create(CultureInfo.InvariantCulture, $"Segment {i + 1} spans {start:0.0} to {end:0.0} seconds."));
        }

        Text = string.Join(" ", Segments.Select(s => s.Text));
    }

    public List<(double Start, double End, string Text)> Segments { get; } = [];

    private void AddSegment(double start, double end, string text)
    {
        Segments.Add((start, end, text));
        var words = text.Split(' ');
        var step = (end - start) / words.Length;
        for (var w = 0; w < words.Length; w++)
        {
            Words.Add((Math.Round(start + (w * step), 3), Math.Round(start + ((w + 1) * step), 3), words[w]));
        }
    }

    public List<(double Start, double End, string Word)> Words { get; } = [];

    public string Text { get; }

    public string ToSrt()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < Segments.Count; i++)
        {
            sb.Append(i + 1).Append('\n')
              .Append(Stamp(Segments[i].Start, ',')).Append(" --> ").Append(Stamp(Segments[i].End, ',')).Append('\n')
              .Append(Segments[i].Text).Append("\n\n");
        }

        return sb.ToString();
    }

    public string ToVtt()
    {
        var sb = new StringBuilder("WEBVTT\n\n");
        foreach (var segment in Segments)
        {
            sb.Append(Stamp(segment.Start, '.')).Append(" --> ").Append(Stamp(segment.End,
                '.')).Append('\n').Append(segment.Text).Append("\n\n");
        }

        return sb.ToString();
    }

    private static string Stamp(double seconds, char separator)
    {
        var t = TimeSpan.FromMilliseconds(Math.Round(seconds * 1000));
        return string.Create(CultureInfo.InvariantCulture,
            $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}{separator}{t.Milliseconds:000}");
    }
}
