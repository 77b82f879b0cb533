using System.Globalization;
using System.Net;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.Http;

public sealed class RetryTests : ServerTest
{
    private readonly ManualTimeProvider _time = new();
    private readonly CapturingLoggerFactory _logs = new();

    private AudioClient RetryingClient(int maxRetries = 3, bool jitter = false) => CreateClient(o =>
    {
        o.TimeProvider = _time;
        o.LoggerFactory = _logs;
        o.Retry = new AudioClientRetryOptions { MaxRetries = maxRetries, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(30), UseJitter = jitter };
    });

    private static Task<Transcription> Transcribe(AudioClient client, AudioInput? input = null) =>
        client.TranscribeAsync(input ?? AudioInput.FromBytes(TestAudio.SineWav(1)), new TranscriptionOptions { Model = "whisper-1" });

    private static readonly TimeSpan Short = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task TransientStatus_IsRetried_WithExponentialBackoff(int status)
    {
        using var client = RetryingClient();
        Server.Enqueue(ScriptedResponse.Error(status, "x"));
        Server.Enqueue(ScriptedResponse.Error(status, "x"));

        var call = Transcribe(client);
        Assert.Equal(TimeSpan.FromSeconds(1), await _time.WaitForPendingDelayAsync(Short));
        _time.Advance(TimeSpan.FromSeconds(1));
        await Server.WaitForRequestAsync(_ => Server.Requests.Count >= 2);
        Assert.Equal(TimeSpan.FromSeconds(2), await _time.WaitForPendingDelayAsync(Short));
        _time.Advance(TimeSpan.FromSeconds(2));

        var result = await call;
        Assert.Equal(3, Server.Requests.Count);
        Assert.Equal(Server.Requests[2].Id, result.Metadata.RequestId);
        Assert.Equal(new[] { 1000.0, 2000.0 }, _logs.Entries.Where(e => e.EventId.Id == 3).Select(e => (double)e.Values["DelayMs"]!));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(413)]
    [InlineData(501)]
    public async Task PermanentStatus_IsNotRetried(int status)
    {
        using var client = RetryingClient();
        Server.Enqueue(ScriptedResponse.Error(status, "x"));
        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => Transcribe(client));
        Assert.Equal((HttpStatusCode)status, ex.Status);
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task RetryAfterSeconds_IsHonouredExactly()
    {
        using var client = RetryingClient();
        Server.Enqueue(ScriptedResponse.RateLimited(7));

        var call = Transcribe(client);
        Assert.Equal(TimeSpan.FromSeconds(7), await _time.WaitForPendingDelayAsync(Short));
        _time.Advance(TimeSpan.FromSeconds(6.9));
        Assert.Single(Server.Requests);
        _time.Advance(TimeSpan.FromSeconds(0.1));

        await call;
        Assert.Equal(2, Server.Requests.Count);
    }

    [Fact]
    public async Task RetryAfter_LongerThanMaxDelay_IsStillHonoured()
    {
        using var client = RetryingClient();
        Server.Enqueue(ScriptedResponse.RateLimited(45));

        var call = Transcribe(client);
        Assert.Equal(TimeSpan.FromSeconds(45), await _time.WaitForPendingDelayAsync(Short));
        _time.Advance(TimeSpan.FromSeconds(45));
        await call;
        Assert.Equal(2, Server.Requests.Count);
    }

    [Fact]
    public async Task RetryAfterHttpDate_IsHonoured()
    {
        using var client = RetryingClient();
        var response = ScriptedResponse.Error(503, "overloaded");
        response.Headers["Retry-After"] = _time.GetUtcNow().AddSeconds(20).ToString("R", CultureInfo.InvariantCulture);
        Server.Enqueue(response);

        var call = Transcribe(client);
        Assert.Equal(TimeSpan.FromSeconds(20), await _time.WaitForPendingDelayAsync(Short));
        _time.Advance(TimeSpan.FromSeconds(20));
        await call;
        Assert.Equal(2, Server.Requests.Count);
    }

    [Fact]
    public async Task RetryAfterMs_IsHonoured()
    {
        using var client = RetryingClient();
        var response = ScriptedResponse.Error(429, "rate_limit_exceeded");
        response.Headers["retry-after-ms"] = "1500";
        Server.Enqueue(response);

        var call = Transcribe(client);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), await _time.WaitForPendingDelayAsync(Short));
        _time.Advance(TimeSpan.FromMilliseconds(1500));
        await call;
    }

    [Fact]
    public async Task RetryAfter_LongerThanTheMaximum_FailsAtOnce()
    {
        using var client = RetryingClient();
        Server.Enqueue(ScriptedResponse.RateLimited(3600));

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => Transcribe(client));
        Assert.Equal(TimeSpan.FromHours(1), ex.RetryAfter);
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task AttemptsAreCapped_AndTheLastErrorSurfaces()
    {
        using var client = RetryingClient(maxRetries: 2);
        for (var i = 0; i < 3; i++)
        {
            Server.Enqueue(ScriptedResponse.Error(500, "attempt_" + i));
        }

        var call = Transcribe(client);
        for (var i = 0; i < 2; i++)
        {
            var delay = await _time.WaitForPendingDelayAsync(Short);
            _time.Advance(delay);
            await Server.WaitForRequestAsync(_ => Server.Requests.Count >= i + 2);
        }

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => call);
        Assert.Equal("attempt_2", ex.Code);
        Assert.Equal(3, Server.Requests.Count);
    }

    [Fact]
    public async Task DroppedConnection_IsRetried()
    {
        using var client = RetryingClient();
        Server.Enqueue(new ScriptedResponse { DropConnection = true });

        var call = Transcribe(client);
        _time.Advance(await _time.WaitForPendingDelayAsync(Short));
        var result = await call;
        Assert.Equal(2, Server.Requests.Count);
        Assert.StartsWith("Segment 1", result.Text);
    }

    [Fact]
    public async Task NonSeekableStream_IsNotRetried()
    {
        using var client = RetryingClient();
        Server.Enqueue(ScriptedResponse.Error(503, "overloaded"));
        using var once = new GeneratedWavStream(32_044, seekable: false);

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => Transcribe(client, AudioInput.FromStream(once, "once.wav")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.Status);
        Assert.Single(Server.Requests);
        Assert.Equal(32_044, Server.Requests[0].Audio!.Length);
    }

    [Fact]
    public async Task SeekableStream_IsReplayed_FromItsStartPosition()
    {
        using var client = RetryingClient();
        Server.Enqueue(ScriptedResponse.Error(500, "x"));
        var wav = TestAudio.SineWav(1);
        var stream = new MemoryStream([.. new byte[] { 9, 9, 9 }, .. wav]) { Position = 3 };

        var call = Transcribe(client, AudioInput.FromStream(stream));
        _time.Advance(await _time.WaitForPendingDelayAsync(Short));
        await call;

        Assert.Equal(2, Server.Requests.Count);
        Assert.All(Server.Requests, r => Assert.Equal(wav, r.Audio!.Bytes));
        Assert.True(stream.CanRead, "the caller's stream must not be disposed");
    }

    [Fact]
    public async Task NetworkTimeout_PerAttempt_IsRetriedThenReported()
    {
        using var client = CreateClient(o =>
        {
            o.TimeProvider = _time;
            o.NetworkTimeout = TimeSpan.FromSeconds(30);
            o.Retry = new AudioClientRetryOptions { MaxRetries = 1, BaseDelay = TimeSpan.FromSeconds(1), UseJitter = false };
        });
        Server.Enqueue(new ScriptedResponse { Delay = TimeSpan.FromMinutes(5) });
        Server.Enqueue(new ScriptedResponse { Delay = TimeSpan.FromMinutes(5) });

        var call = Transcribe(client);
        await Server.WaitForRequestAsync();
        Assert.Equal(TimeSpan.FromSeconds(30), await _time.WaitForPendingDelayAsync(TimeSpan.FromMinutes(1)));
        _time.Advance(TimeSpan.FromSeconds(30));
        _time.Advance(await _time.WaitForPendingDelayAsync(TimeSpan.FromSeconds(2)));
        await Server.WaitForRequestAsync(_ => Server.Requests.Count >= 2);
        _time.Advance(await _time.WaitForPendingDelayAsync(TimeSpan.FromMinutes(1)));

        var ex = Transport.Failure(await Record.ExceptionAsync(() => call), timeout: true, typeof(TimeoutException));
        Assert.Contains("network timeout", ex.Message);
        Assert.Equal(2, ex.Attempts);
        Assert.Equal(2, Server.Requests.Count);
    }

    [Fact]
    public async Task CallerCancellation_IsNotRetried_AndNotATimeout()
    {
        using var client = RetryingClient();
        using var cts = new CancellationTokenSource();
        Server.Enqueue(new ScriptedResponse { Delay = TimeSpan.FromMinutes(5) });

        var call = client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(1)), new TranscriptionOptions { Model = "m" }, cts.Token);
        await Server.WaitForRequestAsync();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task Jitter_KeepsDelaysWithinTheCap()
    {
        using var client = RetryingClient(maxRetries: 3, jitter: true);
        for (var i = 0; i < 3; i++)
        {
            Server.Enqueue(ScriptedResponse.Error(503, "x"));
        }

        var call = Transcribe(client);
        for (var i = 0; i < 3; i++)
        {
            var delay = await _time.WaitForPendingDelayAsync(Short);
            Assert.InRange(delay, TimeSpan.Zero, TimeSpan.FromSeconds(30));
            _time.Advance(delay);
            await Server.WaitForRequestAsync(_ => Server.Requests.Count >= i + 2);
        }

        await call;
        Assert.Equal(4, Server.Requests.Count);
    }
}
