using System.Text.Json;
using AudioSdk.Transcriptions;

namespace AudioSdk.Cli.Batch;

/// <summary>
/// The API's <c>json</c> and <c>verbose_json</c> shapes for a transcript stitched from chunks (short files keep the
/// server's own body): text, and with verbose, task, language, duration, segments and words in seconds.
/// </summary>
internal static class TranscriptJson
{
    public static string Write(string task, string text, string? language, TimeSpan? duration,
        IReadOnlyList<TranscriptionSegment> segments, IReadOnlyList<TranscriptionWord> words, bool verbose)
    {
        return JsonText.Write(w =>
        {
            w.WriteStartObject();
            if (verbose)
            {
                w.WriteString("task", task);
                if (language is not null)
                {
                    w.WriteString("language", language);
                }

                if (duration is { } d)
                {
                    w.WriteNumber("duration", Math.Round(d.TotalSeconds, 3));
                }
            }

            w.WriteString("text", text);
            if (verbose)
            {
                w.WriteStartArray("segments");
                foreach (var s in segments)
                {
                    w.WriteStartObject();
                    w.WriteNumber("id", s.Id);
                    w.WriteNumber("start", Math.Round(s.Start.TotalSeconds, 3));
                    w.WriteNumber("end", Math.Round(s.End.TotalSeconds, 3));
                    w.WriteString("text", s.Text);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                if (words.Count > 0)
                {
                    w.WriteStartArray("words");
                    foreach (var word in words)
                    {
                        w.WriteStartObject();
                        w.WriteString("word", word.Word);
                        w.WriteNumber("start", Math.Round(word.Start.TotalSeconds, 3));
                        w.WriteNumber("end", Math.Round(word.End.TotalSeconds, 3));
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }
            }

            w.WriteEndObject();
        }) + "\n";
    }
}
