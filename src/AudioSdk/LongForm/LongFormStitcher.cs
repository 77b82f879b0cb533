using System.Text;
using AudioSdk.Subtitles;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;

namespace AudioSdk.LongForm;

/// <summary>Joins chunk results into one, shifting every timestamp by its chunk's start and renumbering.</summary>
internal static class LongFormStitcher
{
    public static Transcription Transcriptions(IReadOnlyList<(PlannedChunk Chunk, Transcription Result)> parts, TimeSpan? total)
    {
        var first = parts[0].Result;
        var segments = new List<TranscriptionSegment>();
        var diarized = new List<TranscriptionDiarizedSegment>();
        var words = new List<TranscriptionWord>();
        var logprobs = new List<TranscriptionTokenLogProbability>();
        foreach (var (chunk, result) in parts)
        {
            foreach (var s in result.Segments)
            {
                segments.Add(s.ShiftedBy(chunk.Start, segments.Count));
            }

            foreach (var d in result.DiarizedSegments)
            {
                diarized.Add(d.ShiftedBy(chunk.Start, $"seg_{diarized.Count + 1:000}"));
            }

            words.AddRange(result.Words.Select(w => w.ShiftedBy(chunk.Start)));
            logprobs.AddRange(result.LogProbabilities);
        }

        return new Transcription
        {
            Text = JoinText(parts.Select(p => p.Result.Text)),
            Language = parts.Select(p => p.Result.Language).FirstOrDefault(l => l is not null),
            Task = first.Task,
            Duration = total ?? Sum(parts.Select(p => p.Result.Duration)),
            Segments = segments,
            DiarizedSegments = diarized,
            Words = words,
            LogProbabilities = logprobs,
            DetectedLanguages = parts.SelectMany(p => p.Result.DetectedLanguages).GroupBy(l => l.Code).Select(g => g.First()).ToList(),
            Usage = SumUsage(parts.Select(p => p.Result.Usage).ToList()),
            ExtensionData = first.ExtensionData,
            Metadata = first.Metadata,
        };
    }

    public static Translation Translations(IReadOnlyList<(PlannedChunk Chunk, Translation Result)> parts, TimeSpan? total)
    {
        var segments = new List<TranscriptionSegment>();
        foreach (var (chunk, result) in parts)
        {
            foreach (var s in result.Segments)
            {
                segments.Add(s.ShiftedBy(chunk.Start, segments.Count));
            }
        }

        var first = parts[0].Result;
        return new Translation
        {
            Text = JoinText(parts.Select(p => p.Result.Text)),
            Language = first.Language,
            Task = first.Task,
            Duration = total ?? Sum(parts.Select(p => p.Result.Duration)),
            Segments = segments,
            Usage = SumUsage(parts.Select(p => p.Result.Usage).ToList()),
            ExtensionData = first.ExtensionData,
            Metadata = first.Metadata,
        };
    }

    public static AudioTextResult Texts(IReadOnlyList<(PlannedChunk Chunk, AudioTextResult Result)> parts, TranscriptionFormat format)
    {
        string text;
        if (format == TranscriptionFormat.Text)
        {
            text = JoinText(parts.Select(p => p.Result.Text)) + "\n";
        }
        else
        {
            var cues = new List<SubtitleCue>();
            foreach (var (chunk, result) in parts)
            {
                cues.AddRange(ParseChunk(chunk, parts.Count, result, format).Select(c => c.Shift(chunk.Start)));
            }

            text = format == TranscriptionFormat.Srt ? SubtitleFile.ToSrt(cues) : SubtitleFile.ToVtt(cues);
        }

        return new AudioTextResult(text, format.ToString(), parts[0].Result.Metadata);
    }

    /// <summary>A chunk's subtitles; a body that is not subtitles is the service's fault, named by its chunk.</summary>
    private static IReadOnlyList<SubtitleCue> ParseChunk(PlannedChunk chunk, int chunkCount, AudioTextResult result,
        TranscriptionFormat format)
    {
        string? problem;
        try
        {
            var cues = format == TranscriptionFormat.Srt ? SubtitleFile.ParseSrt(result.Text) : SubtitleFile.ParseVtt(result.Text);
            if (cues.Count > 0 || string.IsNullOrWhiteSpace(result.Text) || (format == TranscriptionFormat.Vtt && IsBareVtt(result.Text)))
            {
                return cues;
            }

            problem = "it has text but no cue";
        }
        catch (FormatException ex)
        {
            problem = ex.Message;
        }

        var metadata = result.Metadata;
        throw new AudioServiceException(
            $"Chunk {chunk.Index + 1} of {chunkCount} ({chunk.Start:hh\\:mm\\:ss} to {chunk.End:hh\\:mm\\:ss}) was answered with a body that is not {(format == TranscriptionFormat.Srt ? "SubRip" : "WebVTT")} subtitles: {problem}",
            metadata.Status,
            code: AudioErrorCodes.InvalidResponse,
            requestId: metadata.RequestId,
            metadata: metadata);
    }

    private static bool IsBareVtt(string text) => text.Trim().Equals("WEBVTT", StringComparison.Ordinal);

    private static string JoinText(IEnumerable<string> texts)
    {
        var sb = new StringBuilder();
        foreach (var t in texts)
        {
            var trimmed = t.Trim();
            if (trimmed.Length > 0)
            {
                if (sb.Length > 0)
                {
                    sb.Append(' ');
                }

                sb.Append(trimmed);
            }
        }

        return sb.ToString();
    }

    private static TimeSpan? Sum(IEnumerable<TimeSpan?> values)
    {
        TimeSpan? sum = null;
        foreach (var v in values)
        {
            if (v is { } value)
            {
                sum = (sum ?? TimeSpan.Zero) + value;
            }
        }

        return sum;
    }

    private static TranscriptionUsage? SumUsage(IReadOnlyList<TranscriptionUsage?> usages)
    {
        if (usages.Count == 0 || usages.Any(u => u is null) || usages.Select(u => u!.Type).Distinct().Count() != 1)
        {
            return null;
        }

        int? Add(Func<TranscriptionUsage, int?> pick) => usages.All(u => pick(u!) is not null) ? usages.Sum(u => pick(u!)!.Value) : null;
        return new TranscriptionUsage
        {
            Type = usages[0]!.Type,
            InputTokens = Add(u => u.InputTokens),
            OutputTokens = Add(u => u.OutputTokens),
            TotalTokens = Add(u => u.TotalTokens),
            InputTokenDetails = usages.All(u => u!.InputTokenDetails is not null)
                ? new TranscriptionInputTokenDetails
                {
                    TextTokens = usages.All(u => u!.InputTokenDetails!.TextTokens is not null) ? usages.Sum(u =>
                        u!.InputTokenDetails!.TextTokens!.Value) : null,
                    AudioTokens = usages.All(u => u!.InputTokenDetails!.AudioTokens is not null) ? usages.Sum(u =>
                        u!.InputTokenDetails!.AudioTokens!.Value) : null,
                }
                : null,
            Duration = Sum(usages.Select(u => u!.Duration)),
        };
    }
}
