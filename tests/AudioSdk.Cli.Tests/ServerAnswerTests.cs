using AudioSdk.Testing;

namespace AudioSdk.Cli.Tests;

/// <summary>Servers that ask for absurd waits, or answer 200 with something other than what was asked for.</summary>
public sealed class ServerAnswerTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("86400", "1 days")]
    [InlineData("2147483647", "68 years")]
    public async Task RetryAfter_OverTheCap_FailsTheFileAtOnce_SayingWhy(string retryAfter, string shown)
    {
        await using var server = await AudioTestServer.StartAsync();
        for (var i = 0; i < 8; i++)
        {
            var limited = ScriptedResponse.Error(429, "rate_limit_exceeded", "Rate limit reached.", "requests");
            limited.Headers["Retry-After"] = retryAfter;
            server.Enqueue(limited);
        }

        _cli.WriteWav("a.wav", 1);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var result = await CliHarness.RunAsync(_cli.Directory, _cli.Environment, ["transcribe", "a.wav", "--max-retry-after", "2s", "--base-url", server.Endpoint.ToString()], cancellationToken: limit.Token);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"the server asked to wait {shown} (429), longer than --max-retry-after 2s; not waited, a rerun tries again", result.Out);
        Assert.DoesNotContain("milliseconds", result.All, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(_cli.Path("a.txt")));
    }

    [Fact]
    public async Task RetryAfter_UnderTheCap_PausesTheBatch_AndSaysUntilWhen()
    {
        await using var server = await AudioTestServer.StartAsync();
        server.Enqueue(ScriptedResponse.RateLimited(seconds: 2));
        _cli.WriteWav("a.wav", 1);

        var result = await _cli.RunAsync("transcribe", "a.wav", "--retries", "1", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("the server asked to slow down 1 time(s)", result.All);
        Assert.Matches(@"waiting 2s, until \d\d:\d\d:\d\d UTC, before sending more: the server answered 429 with Retry-After", result.Error);
        Assert.Equal(2, server.Requests.Count);
    }

    [Theory]
    [InlineData("json", "<!DOCTYPE html><html><body>Gateway</body></html>", "text/html", "it is an HTML page")]
    [InlineData("json", "{\"text\": \"cut in the mid", "application/json", "not JSON")]
    [InlineData("verbose_json", "[1, 2]", "application/json", "a JSON object with a \"text\" string was expected")]
    [InlineData("verbose_json", "{\"text\": \"ok\", \"segments\": \"x\"}", "application/json", "\"segments\" is not a list")]
    [InlineData("text", "\0\0\0", "text/plain", "control character U+0000")]
    [InlineData("srt", "<html><body>Bad gateway</body></html>", "text/html", "it is an HTML page")]
    [InlineData("srt", "just some words", "text/plain", "")]
    [InlineData("vtt", "", "text/plain", "the body is empty")]
    [InlineData("text", "  \n", "text/plain", "the body is empty")]
    [InlineData("text", "<html><head><title>502</title></head></html>", "text/html", "it is an HTML page")]
    [InlineData("text", "{\"text\": \"Sound of 440 Hz\"}", "application/json", "it is a JSON transcript object, not plain text")]
    [InlineData("verbose_json", "{\"text\": \"Sound of 440 Hz\"}", "application/json", "no verbose field")]
    public async Task BodyNotInTheFormatAskedFor_FailsTheFile_IsNotSaved_AndARerunRetriesIt(string format, string body, string contentType, string why)
    {
        await using var server = await AudioTestServer.StartAsync();
        server.Enqueue(new ScriptedResponse { Status = 200, Body = body, ContentType = contentType });
        _cli.WriteWav("a.wav", 2);
        var output = _cli.Path("a" + (format == "verbose_json" ? ".verbose.json" : format == "text" ? ".txt" : "." + format));

        var result = await _cli.RunAsync("transcribe", "a.wav", "-f", format, "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"the server's answer is not valid {format} (", result.Out);
        Assert.Contains(why, result.Out);
        Assert.False(File.Exists(output));

        var rerun = await _cli.RunAsync("transcribe", "a.wav", "-f", format, "--base-url", server.Endpoint.ToString());

        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Equal(2, server.Requests.Count);
        Assert.Contains("Sound of 440 Hz", File.ReadAllText(output));
    }
}
