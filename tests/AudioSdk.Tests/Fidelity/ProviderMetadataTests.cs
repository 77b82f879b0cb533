using System.Net;
using System.Net.Sockets;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.Fidelity;

public sealed class ProviderMetadataTests : ServerTest
{
    private static readonly TranscriptionOptions Json = new() { Model = "whisper-1" };

    [Fact]
    public async Task RouterFields_AreTypedTheSameForJsonBodiesAndTextHeaders()
    {
        Server.Enqueue(new ScriptedResponse
        {
            Status = 200,
            Body = """{"text":"a","tresor":{"requested_route":"auto","routed_model":"whisper-large-v3","failover":true,"receipt_id":"rcpt_1"},"x_other":1}""",
        });
        Server.Enqueue(new ScriptedResponse
        {
            Status = 200,
            Body = """{"text":"b","tresor.requested_route":"auto","tresor.routed_model":"whisper-large-v3","tresor.failover":"false","tresor.receipt_id":"rcpt_2"}""",
        });
        Server.Enqueue(new ScriptedResponse
        {
            Status = 200,
            ContentType = "text/plain",
            Body = "c",
            Headers = { ["X-Tresor-Routed-Model"] = "whisper-large-v3", ["X-Tresor-Receipt-Id"] = "rcpt_3", ["X-Tresor-Requested-Route"] = "auto", ["X-Tresor-Failover"] = "true" },
        });

        var nested = await Client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2)), Json);
        var dotted = await Client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2)), Json with { ResponseFormat = TranscriptionFormat.VerboseJson });
        var text = await Client.TranscribeToTextAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2)), Json with { ResponseFormat = TranscriptionFormat.Text });

        Assert.Equal(("auto", "whisper-large-v3", true, "rcpt_1"), (nested.Metadata.RequestedRoute, nested.Metadata.RoutedModel, nested.Metadata.Failover, nested.Metadata.ReceiptId));
        Assert.Equal(("auto", "whisper-large-v3", false, "rcpt_2"), (dotted.Metadata.RequestedRoute, dotted.Metadata.RoutedModel, dotted.Metadata.Failover, dotted.Metadata.ReceiptId));
        Assert.Equal(("auto", "whisper-large-v3", true, "rcpt_3"), (text.Metadata.RequestedRoute, text.Metadata.RoutedModel, text.Metadata.Failover, text.Metadata.ReceiptId));
        Assert.True(nested.AdditionalProperties.ContainsKey("tresor"));
        Assert.True(nested.AdditionalProperties.ContainsKey("x_other"));
    }

    [Fact]
    public async Task RouterFields_OfTheWrongType_AreIgnored()
    {
        Server.Enqueue(new ScriptedResponse { Status = 200, Body = """{"text":"a","tresor":{"routed_model":42,"failover":{"x":1},"receipt_id":null}}""" });

        var t = await Client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2)), Json);

        Assert.Null(t.Metadata.RoutedModel);
        Assert.Null(t.Metadata.Failover);
        Assert.Null(t.Metadata.ReceiptId);
    }

    [Fact]
    public async Task RateLimitHeaders_AreTyped()
    {
        Server.Enqueue(new ScriptedResponse
        {
            Status = 200,
            Body = """{"text":"a"}""",
            Headers =
            {
                ["x-ratelimit-limit-requests"] = "500",
                ["x-ratelimit-remaining-requests"] = "499",
                ["x-ratelimit-reset-requests"] = "6m0s",
                ["x-ratelimit-limit-tokens"] = "200000",
                ["x-ratelimit-remaining-tokens"] = "199000",
                ["x-ratelimit-reset-tokens"] = "120ms",
            },
        });

        var limits = (await Client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2)), Json)).Metadata.RateLimits;

        Assert.Equal(500, limits.LimitRequests);
        Assert.Equal(499, limits.RemainingRequests);
        Assert.Equal(TimeSpan.FromMinutes(6), limits.ResetRequests);
        Assert.Equal(200000, limits.LimitTokens);
        Assert.Equal(199000, limits.RemainingTokens);
        Assert.Equal(TimeSpan.FromMilliseconds(120), limits.ResetTokens);
        Assert.False(limits.IsEmpty);
    }

    [Theory]
    [InlineData("6m0s", 360.0)]
    [InlineData("1h2m3.5s", 3723.5)]
    [InlineData("250ms", 0.25)]
    [InlineData("20us", 0.00002)]
    [InlineData("1.5", 1.5)]
    [InlineData(" 2s ", 2.0)]
    public void ResetDurations_Parse(string value, double seconds)
    {
        Assert.True(RateLimitInfo.TryParseDuration(value, out var d));
        Assert.Equal(seconds, d.TotalSeconds, 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5x")]
    [InlineData("-3s")]
    [InlineData("s")]
    [InlineData("1e400")]
    [InlineData("99999999999999999999999h")]
    public void ResetDurations_ThatAreNotDurations_AreRejected(string value)
    {
        Assert.False(RateLimitInfo.TryParseDuration(value, out _));
    }

    [Fact]
    public async Task ConnectionFailure_AfterRetries_SaysAttemptsMethodAndPath()
    {
        using var client = ClientOnAClosedPort(new AudioClientRetryOptions { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) }, out _);

        var ex = await Assert.ThrowsAsync<AudioTransportException>(() => client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2)), Json));

        Assert.Contains("POST audio/transcriptions", ex.Message);
        Assert.Contains("after 3 attempts", ex.Message);
        Assert.Equal(3, ex.Attempts);
        Assert.False(ex.IsTimeout);
        Assert.Equal(HttpRequestError.ConnectionError, ex.HttpRequestError);
        Assert.IsType<HttpRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task RetryAfter_LongerThanAllowed_SaysTheWaitAndTheOption()
    {
        Server.Enqueue(ScriptedResponse.RateLimited(300));
        using var client = CreateClient(o => o.Retry = new AudioClientRetryOptions { MaxRetries = 2, MaxRetryAfter = TimeSpan.FromMinutes(2) });

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2)), Json));

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.Status);
        Assert.Equal(TimeSpan.FromSeconds(300), ex.RetryAfter);
        Assert.Contains("300 s", ex.Message);
        Assert.Contains("MaxRetryAfter", ex.Message);
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task ConnectionFailure_WithoutRetries_SaysOneAttempt()
    {
        using var client = ClientOnAClosedPort(new AudioClientRetryOptions { MaxRetries = 0 }, out var port);

        var ex = await Assert.ThrowsAsync<AudioTransportException>(() => client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2)), Json));

        Assert.Contains($"POST audio/transcriptions to 127.0.0.1:{port} failed after 1 attempt: ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, ex.Attempts);
    }

    [Fact]
    public async Task RetryAfter_IsNotExplained_WhenTheClientWouldNotHaveRetriedAnyway()
    {
        // Retries are off: the 429 is reported as the service sent it.
        Server.Enqueue(ScriptedResponse.RateLimited(300));
        using (var noRetries = CreateClient(o => o.Retry = new AudioClientRetryOptions { MaxRetries = 0, MaxRetryAfter = TimeSpan.FromMinutes(2) }))
        {
            var ex = await Assert.ThrowsAsync<AudioServiceException>(() => noRetries.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2)), Json));
            Assert.DoesNotContain("MaxRetryAfter", ex.Message, StringComparison.Ordinal);
        }

        // A one-shot stream cannot be sent again: the same.
        Server.Enqueue(ScriptedResponse.RateLimited(300));
        using var client = CreateClient(o => o.Retry = new AudioClientRetryOptions { MaxRetries = 2, MaxRetryAfter = TimeSpan.FromMinutes(2) });
        using var once = new ForwardOnlyStream(new MemoryStream(TestAudio.SineWav(0.2)));
        var oneShot = await Assert.ThrowsAsync<AudioServiceException>(() => client.TranscribeAsync(AudioInput.FromStream(once, "once.wav"), Json));
        Assert.DoesNotContain("MaxRetryAfter", oneShot.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(300), oneShot.RetryAfter);
    }

    [Fact]
    public async Task RetryAfter_EqualToTheLimit_IsWaitedFor()
    {
        Server.Enqueue(ScriptedResponse.RateLimited(1));
        using var client = CreateClient(o => o.Retry = new AudioClientRetryOptions { MaxRetries = 1, MaxRetryAfter = TimeSpan.FromSeconds(1) });

        var result = await client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2)), Json);

        Assert.False(string.IsNullOrEmpty(result.Text));
        Assert.Equal(2, Server.Requests.Count);
    }

    [Fact]
    public async Task RetryAfter_EqualToTheLimit_IsNotExplained_WhenTheRetriesRunOut()
    {
        Server.Enqueue(ScriptedResponse.RateLimited(1));
        Server.Enqueue(ScriptedResponse.RateLimited(1));
        using var client = CreateClient(o => o.Retry = new AudioClientRetryOptions { MaxRetries = 1, MaxRetryAfter = TimeSpan.FromSeconds(1) });

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2)), Json));

        // The client did wait for it; the message does not say it would not.
        Assert.Equal(2, Server.Requests.Count);
        Assert.Equal(TimeSpan.FromSeconds(1), ex.RetryAfter);
        Assert.DoesNotContain("MaxRetryAfter", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A client whose endpoint is a loopback port nothing listens on (it was free a moment ago).</summary>
    private static AudioClient ClientOnAClosedPort(AudioClientRetryOptions retry, out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new AudioClient(new AudioClientOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/v1"), ApiKey = ApiKey, Retry = retry });
    }
}
