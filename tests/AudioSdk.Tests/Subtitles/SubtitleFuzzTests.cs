using AudioSdk.Subtitles;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Subtitles;

/// <summary>Hostile SRT and WebVTT bodies (the long-form stitcher parses what servers send): only <see cref="FormatException"/>, bounded.</summary>
public sealed class SubtitleFuzzTests
{
    public const int Cases = 100_000;

    private const string Srt = "1\r\n00:00:00,000 --> 00:00:02,500\r\nHello there.\r\n\r\n2\r\n00:00:02,500 --> 00:01:07,120\r\nSecond line\r\nwrapped.\r\n\r\n00:01:07.5 --> 00:01:09.000\r\nNo index, dots.\r\n";

    private const string Vtt = "WEBVTT - a title\n\nNOTE a comment\nspanning lines\n\nSTYLE\n::cue { color: red }\n\ncue-1\n00:00.000 --> 00:02.500 align:start position:10%\nHello <b>there</b>.\n\n01:00:02.500 --> 01:00:07.000\nSecond.\n";

    [Theory]
    [InlineData("srt")]
    [InlineData("vtt")]
    public void MutatedBodies_ThrowOnlyFormatException(string kind)
    {
        var valid = kind == "srt" ? Srt : Vtt;
        Func<string, IReadOnlyList<SubtitleCue>> parse = kind == "srt" ? SubtitleFile.ParseSrt : SubtitleFile.ParseVtt;
        Assert.Equal(3 - (kind == "vtt" ? 1 : 0), parse(valid).Count);
        var mutator = new Mutator(kind == "srt" ? 2001 : 2002);

        var threw = HostileInput.Run(
            Enumerable.Range(0, Cases / 2).Select(_ => mutator.Mutate(valid)),
            body =>
            {
                foreach (var cue in parse(body))
                {
                    Assert.True(cue.Start >= TimeSpan.Zero && cue.End >= TimeSpan.Zero);
                    cue.Shift(TimeSpan.FromHours(100));
                }
            },
            ex => ex is FormatException,
            HostileInput.Quote);

        Assert.InRange(threw, Cases / 40, (Cases / 2) - (Cases / 40));
    }

    [Theory]
    [InlineData("00:01:07,1e20")]
    [InlineData("2147483647:00:00,000")]
    [InlineData("9999999999:00:00,000")]
    [InlineData("00:2147483647:00,000")]
    [InlineData("00:00:99999999999999999999")]
    [InlineData("00:00:1e308")]
    [InlineData("00:00:-5,000")]
    [InlineData("00:00:NaN")]
    [InlineData("00:00:Infinity")]
    [InlineData("00:00: 5,000")]
    public void HugeOrOddTimestamps_AreFormatErrors(string stamp)
    {
        var srt = Assert.ThrowsAny<FormatException>(() => SubtitleFile.ParseSrt($"1\n{stamp} --> 00:00:02,000\nText\n"));
        Assert.ThrowsAny<FormatException>(() => SubtitleFile.ParseVtt($"WEBVTT\n\n00:00:01.000 --> {stamp.Replace(',', '.')}\nText\n"));
        Assert.Contains("line 2", srt.Message);
    }

    [Fact]
    public void TheLargestFields_StillParse()
    {
        var cue = Assert.Single(SubtitleFile.ParseSrt("1\n9999999:59:59,999 --> 9999999:9999999:9999999.5\nText\n"));

        Assert.Equal(TimeSpan.FromHours(9_999_999) + TimeSpan.FromSeconds(3599.999), cue.Start);
        Assert.Equal(TimeSpan.FromHours(9_999_999) + TimeSpan.FromMinutes(9_999_999) + TimeSpan.FromSeconds(9_999_999.5), cue.End);
    }
}
