using System.Text.Json;
using AudioSdk.Subtitles;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;

namespace AudioSdk.Cli.Batch;

/// <summary>
/// Checks a server's answer against the format asked for before it counts as done: <c>json</c> and
/// <c>verbose_json</c> must be a JSON object with a <c>text</c> string that reads as the SDK's
/// <see cref="Transcription"/> (or <see cref="Translation"/>), and <c>verbose_json</c> must carry one of its fields
/// (<c>segments</c>, <c>words</c>, <c>duration</c>); <c>text</c> must not be a whole JSON object with a <c>text</c>
/// string (the json format answered instead); <c>srt</c> and <c>vtt</c> must read with
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

                && (head.Contains("<html", StringComparison.OrdinalIgnoreCase)
                || head.Contains("<!doctype", StringComparison.OrdinalIgnoreCase)
                || head.Contains("<body", StringComparison.OrdinalIgnoreCase)))
        {
            throw Invalid(format, "it is an HTML page");
        }

        try
        {
            switch (format)
            {
                case "json" or "verbose_json":
                    CheckJson(body, translation, verbose: format == "verbose_json");
                    break;
                case "text" when IsJsonTranscript(start):
                    throw Invalid(format, "it is a JSON transcript object, not plain text: the server ignored response_format=text");
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

    /// <summary>
    /// A whole body that parses as a JSON object with a "text" string is the json format, not text (a spoken
    /// transcript that is itself such an object is not a realistic answer); JSON-looking text that is not one passes.
    /// </summary>
    private static bool IsJsonTranscript(ReadOnlySpan<char> body)
    {
        if (!body.StartsWith("{", StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(body.ToString());
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void CheckJson(string body, bool translation, bool verbose)
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
                if (document.RootElement.TryGetProperty(list, out var items)
                    && items.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
                {
                    throw new FormatException($"\"{list}\" is not a list");
                }
            }

            var root = document.RootElement;
            if (verbose && !new[] { "segments", "words", "duration" }.Any(name => root.TryGetProperty(name, out _)))
            {
                throw new FormatException("no verbose field (segments, words or duration): the server ignored response_format=verbose_json");
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
