using AudioSdk.Cli.Batch;
using AudioSdk.Cli.Connection;
using AudioSdk.Cli.Speech;

namespace AudioSdk.Cli.Tests;

public sealed class UnitTests
{
    [Theory]
    [InlineData("300ms", 0.3)]
    [InlineData("2s", 2)]
    [InlineData("1.5m", 90)]
    [InlineData("1h", 3600)]
    [InlineData("7d", 604800)]
    [InlineData("00:00:05", 5)]
    public void Durations_Parse(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(seconds, value.TotalSeconds, 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-2s")]
    [InlineData("soon")]
    public void Durations_RejectNonsense(string text) => Assert.False(Durations.TryParse(text, out _));

    [Fact]
    public void SpeechTextChunker_PacksWholeSentences_AndLosesNothing()
    {
        var random = new Random(7);
        for (var round = 0; round < 50; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 400)).Select(i => new string('x', random.Next(1, 60)) + (random.Next(4) == 0 ? ". " : " ")));
            var parts = SpeechTextChunker.Split(text, 300);
            Assert.Equal(text, string.Concat(parts));
            Assert.All(parts, p => Assert.InRange(p.Length, 1, 300));
        }
    }

    [Fact]
    public void SpeechTextChunker_CutsAfterTheLastSentenceEnd_ThenAtSpaces_ThenAnywhere()
    {
        Assert.Equal(["One. Two! ", "Three"], SpeechTextChunker.Split("One. Two! Three", 12));
        Assert.Equal(["aaaa ", "bbbb"], SpeechTextChunker.Split("aaaa bbbb", 6));
        Assert.Equal(["abcdef", "ghij"], SpeechTextChunker.Split("abcdefghij", 6));
    }

    [Theory]
    [InlineData("/data/**/*.wav", "/data", "a/b/c.wav", true)]
    [InlineData("/data/**/*.wav", "/data", "c.wav", true)]
    [InlineData("/data/*.wav", "/data", "a/c.wav", false)]
    [InlineData("/data/call-??.mp3", "/data", "call-01.mp3", true)]
    [InlineData("/data/call-??.mp3", "/data", "call-1.mp3", false)]
    public void Glob_MatchesRelativePaths(string pattern, string root, string relative, bool matches)
    {
        var (actualRoot, regex) = InputExpander.CompileGlob(pattern);
        Assert.Equal(root, actualRoot);
        Assert.Equal(matches, regex.IsMatch(relative));
    }

    [Fact]
    public async Task BatchPause_HoldsEveryWaiterUntilTheLatestDeadline()
    {
        var pause = new BatchPause(TimeProvider.System);
        Assert.True(pause.WaitAsync(CancellationToken.None).IsCompletedSuccessfully);
        pause.PauseFor(TimeSpan.FromMilliseconds(200), "test");
        pause.PauseFor(TimeSpan.FromMilliseconds(50), "test");
        var until = pause.Until;
        var waiter = pause.WaitAsync(CancellationToken.None);
        Assert.False(waiter.IsCompleted);
        await waiter.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(DateTimeOffset.UtcNow >= until);
        Assert.Equal(2, pause.Count);
    }
}
