using AudioSdk.Subtitles;

namespace AudioSdk.Tests.Subtitles;

public sealed class SubtitleFileTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Srt_WritesAndParsesBack()
    {
        SubtitleCue[] cues = [new(S(0), S(2.5), "Hello there."), new(S(3661.001), S(3662), "Line one\nLine two")];

        var srt = SubtitleFile.ToSrt(cues);

        Assert.Equal("1\n00:00:00,000 --> 00:00:02,500\nHello there.\n\n2\n01:01:01,001 --> 01:01:02,000\nLine one\nLine two\n\n", srt);
        Assert.Equal(cues, SubtitleFile.ParseSrt(srt));
    }

    [Fact]
    public void Vtt_WritesAndParsesBack()
    {
        SubtitleCue[] cues = [new(S(1), S(2), "A"), new(S(62.25), S(65), "B -> C")];

        var vtt = SubtitleFile.ToVtt(cues);

        Assert.StartsWith("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA\n\n", vtt);
        Assert.Equal(cues, SubtitleFile.ParseVtt(vtt));
    }

    [Fact]
    public void Vtt_Parser_SkipsHeaderNotesStylesIdentifiersAndSettings()
    {
        var vtt = "\uFEFFWEBVTT - a title\r\nKind: captions\r\n\r\nNOTE a comment\r\nspanning lines\r\n\r\nSTYLE\r\n::cue { color: red }\r\n\r\nintro\r\n00:01.500 --> 00:02.000 align:start position:10%\r\nFirst\r\n\r\n00:00:03.000 --> 00:00:04.250\r\nSecond\r\n";

        var cues = SubtitleFile.ParseVtt(vtt);

        Assert.Equal([new SubtitleCue(S(1.5), S(2), "First"), new SubtitleCue(S(3), S(4.25), "Second")], cues);
    }

    [Fact]
    public void Srt_Parser_ToleratesMissingIndicesAndDots()
    {
        var cues = SubtitleFile.ParseSrt("00:00:01.000 --> 00:00:02,000\nNo index\n\n\n7\n00:00:03,000 --> 00:00:04,000\nSeven\n");
        Assert.Equal([new SubtitleCue(S(1), S(2), "No index"), new SubtitleCue(S(3), S(4), "Seven")], cues);
    }

    [Theory]
    [InlineData("1\n00:00:01,000 -> 00:00:02,000\nbad arrow\n", "line 2")]
    [InlineData("1\n00:00:xx,000 --> 00:00:02,000\nbad\n", "line 2")]
    public void Srt_Parser_NamesTheBadLine(string srt, string where)
    {
        var ex = Assert.Throws<FormatException>(() => SubtitleFile.ParseSrt(srt));
        Assert.Contains(where, ex.Message);
    }

    [Fact]
    public void Vtt_Parser_RequiresTheHeader() => Assert.Throws<FormatException>(() => SubtitleFile.ParseVtt("00:01.000 --> 00:02.000\nx\n"));

    [Fact]
    public void FromWords_RespectsLineLengthLineCountAndCueDuration()
    {
        var words = Enumerable.Range(0, 40).Select(i => AudioModelFactory.TranscriptionWord("word" + i, S(i * 0.5), S((i * 0.5) + 0.4))).ToList();

        var cues = SubtitleFile.FromWords(words, new SubtitleOptions { MaxLineLength = 20, MaxLines = 2, MaxCueDuration = S(3) });

        Assert.All(cues, c =>
        {
            var lines = c.Text.Split('\n');
            Assert.InRange(lines.Length, 1, 2);
            Assert.All(lines, l => Assert.True(l.Length <= 20, l));
            Assert.True(c.End - c.Start <= S(3));
        });
        Assert.Equal(string.Join(" ", words.Select(w => w.Word)), string.Join(" ", cues.Select(c => c.Text.Replace('\n', ' '))));
        Assert.Equal(S(0), cues[0].Start);
        Assert.Equal(words[^1].End, cues[^1].End);
    }

    [Fact]
    public void FromSegments_KeepsSegmentBoundaries()
    {
        var segments = new[]
        {
            AudioModelFactory.TranscriptionSegment(0, S(0), S(4), " The first segment is short."),
            AudioModelFactory.TranscriptionSegment(1, S(10), S(12), " Second."),
        };

        var cues = SubtitleFile.FromSegments(segments);

        Assert.Equal(2, cues.Count);
        Assert.Equal(new SubtitleCue(S(0), S(4), "The first segment is short."), cues[0]);
        Assert.Equal(new SubtitleCue(S(10), S(12), "Second."), cues[1]);
        Assert.Equal(S(15), cues[1].Shift(S(5)).Start);
    }
}
