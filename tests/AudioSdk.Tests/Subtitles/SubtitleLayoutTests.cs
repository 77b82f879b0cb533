using AudioSdk.Subtitles;

namespace AudioSdk.Tests.Subtitles;

/// <summary>The layout rules and parser edges one by one: limits met exactly, word timing, argument checks, messages.</summary>
public sealed class SubtitleLayoutTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static IReadOnlyList<SubtitleCue> Words(SubtitleOptions options, params (string Word, double Start, double End)[] words) =>
        SubtitleFile.FromWords(words.Select(w => AudioModelFactory.TranscriptionWord(w.Word, S(w.Start), S(w.End))), options);

    [Fact]
    public void ASegment_SpreadsItsTimeOverItsWords_ByCharacters()
    {
        var cues = SubtitleFile.FromSegments([AudioModelFactory.TranscriptionSegment(0, S(0), S(7), "ab cdef")], new SubtitleOptions { MaxLineLength = 4, MaxLines = 1 });

        Assert.Equal([new SubtitleCue(S(0), S(2.625), "ab"), new SubtitleCue(S(2.625), S(7), "cdef")], cues);
        Assert.Empty(SubtitleFile.FromSegments([AudioModelFactory.TranscriptionSegment(0, S(0), S(1), "   ")]));
    }

    [Fact]
    public void ALineFilledExactly_KeepsTheWord_AndTheLineCountIsALimitNotLess()
    {
        Assert.Equal("ab cd", Assert.Single(Words(new SubtitleOptions { MaxLineLength = 5, MaxLines = 1 }, ("ab", 0, 1), ("cd", 1, 2))).Text);
        var cues = Words(new SubtitleOptions { MaxLineLength = 2, MaxLines = 2 }, ("ab", 0, 1), ("cd", 1, 2), ("ef", 2, 3));
        Assert.Equal(["ab\ncd", "ef"], cues.Select(c => c.Text));
        Assert.Equal(S(2), cues[0].End);
    }

    [Fact]
    public void ACue_LastsUpToItsMaximum_ThenANewOneStarts()
    {
        var options = new SubtitleOptions { MaxLineLength = 40, MaxLines = 2, MaxCueDuration = S(2) };

        var cues = Words(options, ("a", 0, 1), ("b", 1, 2), ("c", 2, 3));

        Assert.Equal(["a b", "c"], cues.Select(c => c.Text));
        Assert.Equal([S(0), S(2)], cues.Select(c => c.Start));
    }

    [Fact]
    public void AFullCue_IsClosed_EvenWhenItIsShort()
    {
        var cues = Words(new SubtitleOptions { MaxLineLength = 1, MaxLines = 1, MaxCueDuration = S(100) }, ("a", 0, 0.1), ("b", 0.1, 0.2));

        Assert.Equal(["a", "b"], cues.Select(c => c.Text));
    }

    [Fact]
    public void BlankWords_AreDropped_AndNoWordsGiveNoCues()
    {
        Assert.Equal("hi", Assert.Single(Words(new SubtitleOptions(), (" ", 0, 1), ("hi", 1, 2))).Text);
        Assert.Empty(Words(new SubtitleOptions()));
        Assert.Empty(SubtitleFile.FromWords([]));
    }

    [Theory]
    [InlineData(0, 2, 7)]
    [InlineData(10, 0, 7)]
    [InlineData(10, 2, 0)]
    public void LayoutLimits_MustBePositive(int lineLength, int lines, double cueSeconds)
    {
        var options = new SubtitleOptions { MaxLineLength = lineLength, MaxLines = lines, MaxCueDuration = S(cueSeconds) };

        Assert.Throws<ArgumentOutOfRangeException>(() => Words(options, ("a", 0, 1)));
        Assert.Single(Words(new SubtitleOptions { MaxLineLength = 1, MaxLines = 1, MaxCueDuration = S(0.001) }, ("a", 0, 1)));
    }

    [Fact]
    public void NullArguments_AreRefused()
    {
        Assert.Throws<ArgumentNullException>(() => SubtitleFile.FromSegments(null!));
        Assert.Throws<ArgumentNullException>(() => SubtitleFile.FromWords(null!));
        Assert.Throws<ArgumentNullException>(() => SubtitleFile.ToSrt(null!));
        Assert.Throws<ArgumentNullException>(() => SubtitleFile.ToVtt(null!));
        Assert.Throws<ArgumentNullException>(() => SubtitleFile.ParseSrt(null!));
        Assert.Throws<ArgumentNullException>(() => SubtitleFile.ParseVtt(null!));
    }

    [Fact]
    public void Shift_MovesBothEnds()
    {
        Assert.Equal(new SubtitleCue(S(6), S(8), "x"), new SubtitleCue(S(1), S(3), "x").Shift(S(5)));
    }

    [Fact]
    public void Vtt_NeverCarriesTheTimingArrow_InsideText()
    {
        var vtt = SubtitleFile.ToVtt([new SubtitleCue(S(0), S(1), "a --> b")]);

        Assert.Contains("a -> b\n", vtt);
        Assert.Equal("a -> b", Assert.Single(SubtitleFile.ParseVtt(vtt)).Text);
    }

    [Theory]
    [InlineData("WEBVTT")]
    [InlineData("WEBVTT\n\nNOTE trailing")]
    [InlineData("WEBVTT\n\n00:00.000 --> 00:01.000\nlast line without a newline")]
    public void BodiesEndingWithoutANewline_Parse(string vtt)
    {
        var cues = SubtitleFile.ParseVtt(vtt);

        Assert.Equal(vtt.Contains("-->", StringComparison.Ordinal) ? 1 : 0, cues.Count);
        Assert.Equal("last line without a newline", Assert.Single(SubtitleFile.ParseSrt("1\n00:00:00,000 --> 00:00:01,000\nlast line without a newline")).Text);
    }

    [Theory]
    [InlineData("1\n", "Expected a timing line ('start --> end') at line 2, block starting at line 1.")]
    [InlineData("x\ny\n", "Expected a timing line ('start --> end') at line 2, block starting at line 1.")]
    [InlineData("\n\n1\n00:00:01,000 --> 00:00:02,000\nA\n\n2\nB\n", "Expected a timing line ('start --> end') at line 8, block starting at line 7.")]
    [InlineData("1\n00:00:01,000 --> 00:00:xx\nA\n", "'00:00:xx' at line 2 is not a timestamp")]
    public void Errors_NameTheLine(string srt, string message)
    {
        Assert.Contains(message, Assert.Throws<FormatException>(() => SubtitleFile.ParseSrt(srt)).Message);
    }

    [Fact]
    public void Errors_QuoteAtMostFortyCharactersOfAStamp()
    {
        var stamp = "00:00:" + new string('9', 60);

        var message = Assert.Throws<FormatException>(() => SubtitleFile.ParseSrt($"1\n{stamp} --> 00:00:02,000\nA\n")).Message;

        Assert.Contains($"'{stamp[..40]}...'", message);
        Assert.Contains("'00:00:1x'", Assert.Throws<FormatException>(() => SubtitleFile.ParseSrt("1\n00:00:1x --> 00:00:02,000\nA\n")).Message);
        Assert.Contains("WEBVTT", Assert.Throws<FormatException>(() => SubtitleFile.ParseVtt("1\n00:00:01.000 --> 00:00:02.000\nA\n")).Message);
    }

    [Theory]
    [InlineData("10000000:00:00,000")]
    [InlineData("00:10000000:00,000")]
    [InlineData("00:00:10000000,000")]
    public void EachTimestampField_StopsBelowTenMillion(string stamp)
    {
        Assert.Throws<FormatException>(() => SubtitleFile.ParseSrt($"1\n{stamp} --> 00:00:02,000\nA\n"));
    }
}
