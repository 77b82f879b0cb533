using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests;

public sealed class AudioClientOptionsTests
{
    [Fact]
    public void InvalidOptions_ListEveryProblemInOneException()
    {
        var options = new AudioClientOptions
        {
            Endpoint = new Uri("ftp://example.com"),
            NetworkTimeout = TimeSpan.FromSeconds(-5),
            Retry = new AudioClientRetryOptions { MaxRetries = -1 },
            ApiKey = "sk\nsecret",
        };

        var ex = Assert.Throws<ArgumentException>(() => new AudioClient(options));

        Assert.Contains("Endpoint", ex.Message);
        Assert.Contains("NetworkTimeout", ex.Message);
        Assert.Contains("MaxRetries", ex.Message);
        Assert.Contains("ApiKey", ex.Message);
        Assert.DoesNotContain("secret", ex.Message);
    }

    [Fact]
    public void ToString_NeverShowsTheKey()
    {
        var options = new AudioClientOptions { ApiKey = "sk-very-secret" };
        using var client = new AudioClient(options);

        Assert.DoesNotContain("sk-very-secret", options.ToString());
        Assert.Contains("***", options.ToString());
        Assert.DoesNotContain("sk-very-secret", client.ToString());
    }

    [Fact]
    public void DefaultEndpoint_IsOpenAIs_AndTimeoutIsTenMinutes()
    {
        using var client = new AudioClient("sk-x");
        Assert.Equal(new Uri("https://api.openai.com/v1"), client.Endpoint);
        Assert.Equal(TimeSpan.FromMinutes(10), new AudioClientOptions().NetworkTimeout);
    }

    [Fact]
    public async Task Options_AreCopied_SoLaterChangesDoNotLeak()
    {
        await using var server = await AudioTestServer.StartAsync();
        var options = new AudioClientOptions { Endpoint = server.Endpoint, ApiKey = "first" };
        options.DefaultHeaders["X-A"] = "1";
        using var client = new AudioClient(options);
        options.ApiKey = "second";
        options.DefaultHeaders["X-A"] = "2";
        options.Endpoint = new Uri("http://127.0.0.1:1/v1");

        await client.ListModelsAsync();

        Assert.Equal("Bearer first", server.Requests[0].GetHeader("Authorization"));
        Assert.Equal("1", server.Requests[0].GetHeader("X-A"));
    }

    [Fact]
    public async Task EndpointPathPrefix_IsKept_WithOrWithoutTrailingSlash()
    {
        await using var server = await AudioTestServer.StartAsync();
        using var a = new AudioClient(new AudioClientOptions { Endpoint = new Uri(server.BaseAddress, "v1/") });
        using var b = new AudioClient(new AudioClientOptions { Endpoint = new Uri(server.BaseAddress, "v1") });
        await a.ListModelsAsync();
        await b.ListModelsAsync();
        Assert.All(server.Requests, r => Assert.Equal("/v1/models", r.Path));
    }

    [Fact]
    public async Task CallersHttpClient_IsUsed_AndItsBaseAddressIsTheDefaultEndpoint()
    {
        await using var server = await AudioTestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Endpoint, Timeout = Timeout.InfiniteTimeSpan };
        using (var client = new AudioClient(http, new AudioClientOptions { ApiKey = "k" }))
        {
            await client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2)), new TranscriptionOptions { Model = "whisper-1" });
        }

        Assert.Equal("Bearer k", server.Requests[0].GetHeader("Authorization"));
        var stillUsable = await http.GetStringAsync(new Uri(server.Endpoint + "/models"));
        Assert.Contains("whisper-1", stillUsable);
    }

    [Fact]
    public void ShortHttpClientTimeout_IsWarnedAbout()
    {
        var logs = new CapturingLoggerFactory();
        using var http = new HttpClient();
        using var client = new AudioClient(http, new AudioClientOptions { LoggerFactory = logs });
        Assert.Contains(logs.Entries, e => e.EventId.Id == 4 && e.Message.Contains("InfiniteTimeSpan"));
    }

    [Fact]
    public async Task Logs_NeverCarryTheKeyOrTranscript()
    {
        await using var server = await AudioTestServer.StartAsync();
        var logs = new CapturingLoggerFactory();
        using var client = new AudioClient(new AudioClientOptions { Endpoint = server.Endpoint, ApiKey = "sk-log-secret", LoggerFactory = logs });
        var t = await client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(1)), new TranscriptionOptions { Model = "whisper-1" });

        Assert.NotEmpty(logs.Entries);
        Assert.All(logs.Entries, e =>
        {
            Assert.DoesNotContain("sk-log-secret", e.Message);
            Assert.DoesNotContain(t.Text, e.Message);
        });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(5_000_000_000_000)]
    public void StreamIdleTimeout_MustBePositiveOrInfinite(long milliseconds)
    {
        var ex = Assert.Throws<ArgumentException>(() => new AudioClient(new AudioClientOptions { StreamIdleTimeout = TimeSpan.FromMilliseconds(milliseconds) }));

        Assert.Contains("StreamIdleTimeout", ex.Message);
        using var off = new AudioClient(new AudioClientOptions { StreamIdleTimeout = Timeout.InfiniteTimeSpan });
        Assert.Equal(TimeSpan.FromSeconds(60), new AudioClientOptions().StreamIdleTimeout);
    }
}
