using System.Text.Json;
using AudioSdk.Subtitles;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;

namespace AudioSdk.Cli.Batch;

/// <summary>
/// Checks a server's answer against the format asked for before it counts as done: <c>json</c> and
/// <c>verbose_json</c> must be a JSON object with a <c>text</c> string that reads as the SDK's
/// <see cref="Transcription"/> (or <see cref="Translation"/>); <c>srt</c> and <c>vtt</c> must read with
/// <see cref="SubtitleFile"/> (SRT with at least one cue); every format must be non-empty, free of control
/// characters other than whitespace, and not an HTML page.
/// A body that fails is not saved, so the file fails and a rerun tries it again.
/// </summary>
internal static class ResponseBodyCheck
{
    /// <exception cref="BatchItemException">The body is not what was asked for; the message says how.</exception>
    public static void Check(string format, string body, bool translation)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            throw Invalid(format, "the body is empty");
        }

        foreach (var c in body)
        {
            if (char.IsControl(c) && !char.IsWhiteSpace(c))
            {
                throw Invalid(format, $"it holds the control character U+{(int)c:X4}");
            }
        }

        var start = body.AsSpan().TrimStart();
        var head = start[..Math.Min(start.Length, 512)];
        if (head.StartsWith("<", StringComparison.Ordinal)
            && (head.Contains("<html", StringComparison.OrdinalIgnoreCase) || head.Contains("<!doctype", StringComparison.OrdinalIgnoreCase) || head.Contains("<body", StringComparison.OrdinalIgnoreCase)))
        {
            throw Invalid(format, "it is an HTML page");
        }

        try
        {
            switch (format)
            {
                case "json" or "verbose_json":
                    CheckJson(body, translation);
                    break;
                case "srt" when SubtitleFile.ParseSrt(body).Count == 0:
                    throw Invalid(format, "no subtitle cue in it");
                case "vtt":
                    SubtitleFile.ParseVtt(body);
                    break;
            }
        }
        catch (FormatException ex)
        {
            throw Invalid(format, ex.Message);
        }
        catch (JsonException ex)
        {
            throw Invalid(format, "not JSON: " + ex.Message);
        }
    }

    private static void CheckJson(string body, bool translation)
    {
        using (var document = JsonDocument.Parse(body))
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw new FormatException("not a transcript: a JSON object with a \"text\" string was expected");
            }

            foreach (var list in new[] { "segments", "words" })
            {
                if (document.RootElement.TryGetProperty(list, out var items) && items.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
                {
                    throw new FormatException($"\"{list}\" is not a list");
                }
            }
        }

        if (translation)
        {
            _ = JsonSerializer.Deserialize<Translation>(body);
        }
        else
        {
            _ = JsonSerializer.Deserialize<Transcription>(body);
        }
    }

    private static BatchItemException Invalid(string format, string why) =>
        new($"the server's answer is not valid {format} ({why.ReplaceLineEndings(" ")}); not saved, a rerun tries again");
}
