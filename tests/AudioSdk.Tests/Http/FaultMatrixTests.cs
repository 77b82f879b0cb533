using System.Diagnostics;
using System.Net;
using AudioSdk.Speech;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.Http;

/// <summary>
/// A server that misbehaves byte by byte (a raw TcpListener): each scenario checks the documented outcome, how many
/// attempts the server saw, and that the call ends within its bound.
/// </summary>
public sealed class FaultMatrixTests
{
    private const string Json = "{\"text\":\"fine\"}";
    private static readonly TranscriptionOptions Whisper = new() { Model = "whisper-1" };
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(10);

    private static AudioClient Client(RawHttpServer server, int retries = 0, TimeSpan? networkTimeout = null, TimeSpan? idle = null, TimeProvider? time = null) =>
        server.CreateClient("sk-fault", retries, networkTimeout, idle, time);

    private static AudioInput Wav(double seconds = 0.2) => AudioInput.FromBytes(TestAudio.SineWav(seconds));

    /// <summary>Runs the call with a hard bound: a hang fails the test instead of stalling the suite.</summary>
    private static async Task<(T Result, TimeSpan Elapsed)> Bounded<T>(Func<Task<T>> call, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        var result = await call().WaitAsync(bound);
        return (result, clock.Elapsed);
    }

    private static async Task<(Exception Error, TimeSpan Elapsed)> BoundedFailure(Func<Task> call, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        var error = await Record.ExceptionAsync(() => call().WaitAsync(bound));
        Assert.NotNull(error);
        Assert.False(error is TimeoutException { Message: "The operation has timed out." }, $"The call did not end within {bound}.");
        return (error!, clock.Elapsed);
    }

    private static async Task ConsumeAsync<T>(IAsyncEnumerable<T> items)
    {
        await foreach (var _ in items)
        {
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Slack;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "The condition was not met in time.");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task RateLimited_WithRetryAfter_WaitsThatLong_ThenSucceeds()
    {
        var clock = new ManualTimeProvider();
        await using var server = new RawHttpServer(x => x.Attempt == 1
            ? x.RespondAsync(429, "Too Many Requests", "{\"error\":{\"message\":\"slow down\",\"code\":\"rate_limit_exceeded\"}}", "application/json", "Retry-After: 45")
            : x.RespondAsync(200, "OK", Json));
        using var client = Client(server, retries: 2, time: clock);

        var call = client.TranscribeAsync(Wav(), Whisper);
        await WaitForAsync(() => clock.PendingDelays.Contains(TimeSpan.FromSeconds(45)));
        Assert.Equal(1, server.Attempts);
        clock.Advance(TimeSpan.FromSeconds(45));
        var (result, _) = await Bounded(() => call, Slack);

        Assert.Equal("fine", result.Text);
        Assert.Equal(2, server.Attempts);
    }

    [Fact]
    public async Task RateLimited_WithRetriesOff_IsAudioServiceException_WithTheDelay()
    {
        await using var server = new RawHttpServer(x => x.RespondAsync(429, "Too Many Requests", "{\"error\":{\"message\":\"slow down\",\"code\":\"rate_limit_exceeded\"}}", "application/json", "Retry-After: 7"));
        using var client = Client(server);

        var (error, _) = await BoundedFailure(() => client.TranscribeAsync(Wav(), Whisper), Slack);

        var ex = Assert.IsType<AudioServiceException>(error);
        Assert.Equal(HttpStatusCode.TooManyRequests, ex.Status);
        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
        Assert.Equal(1, server.Attempts);
    }

    [Fact]
    public async Task ServerError_ThenSuccess_IsRetried()
    {
        await using var server = new RawHttpServer(x => x.Attempt == 1
            ? x.RespondAsync(503, "Service Unavailable", "{\"error\":{\"message\":\"busy\",\"code\":\"upstream_error\"}}")
            : x.RespondAsync(200, "OK", Json));
        using var client = Client(server, retries: 2);

        var (result, _) = await Bounded(() => client.TranscribeAsync(Wav(), Whisper), Slack);

        Assert.Equal("fine", result.Text);
        Assert.Equal(2, server.Attempts);
    }

    [Fact]
    public async Task ResetInTheMiddleOfTheUpload_IsRetried_WhenTheBodyCanBeReplayed()
    {
        await using var server = new RawHttpServer(async x =>
        {
            if (x.Attempt == 1)
            {
                await x.ReadBodyAsync(limit: 64 * 1024);
                x.Reset();
                return;
            }

            await x.RespondAsync(200, "OK", Json);
        });
        using var client = Client(server, retries: 2);

        var (result, _) = await Bounded(() => client.TranscribeAsync(Wav(20), Whisper), Slack);

        Assert.Equal("fine", result.Text);
        Assert.Equal(2, server.Attempts);
        Assert.True(server.Requests.First().BodyBytesRead < 640_000, "The first attempt was cut off mid-upload.");
    }

    [Fact]
    public async Task ResetInTheMiddleOfTheUpload_IsNotRetried_WhenTheBodyCannotBeReplayed()
    {
        await using var server = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync(limit: 64 * 1024);
            x.Reset();
        });
        using var client = Client(server, retries: 2);
        using var once = new GeneratedWavStream(640_044, seekable: false);

        var (error, _) = await BoundedFailure(() => client.TranscribeAsync(AudioInput.FromStream(once, "once.wav"), Whisper), Slack);

        Assert.Equal(1, Transport.Failure(error, timeout: false, typeof(HttpRequestException), typeof(IOException)).Attempts);
        Assert.Equal(1, server.Attempts);
    }

    [Fact]
    public async Task HeadersNeverSent_EndsAtTheNetworkTimeout_AfterEachAttempt()
    {
        await using var server = RawHttpServer.NeverAnswering();
        using var client = Client(server, retries: 1, networkTimeout: TimeSpan.FromSeconds(1));

        var (error, elapsed) = await BoundedFailure(() => client.TranscribeAsync(Wav(), Whisper), Slack);

        Assert.Equal(2, Transport.Failure(error, timeout: true, typeof(TimeoutException)).Attempts);
        Assert.Contains("network timeout", error.Message);
        Assert.Equal(2, server.Attempts);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2) + Slack);
    }

    [Fact]
    public async Task CancellingWhileTheHeadersAreAwaited_EndsTheCallAtOnce_AsACancellation()
    {
        await using var server = RawHttpServer.NeverAnswering();
        using var client = Client(server, retries: 2);
        using var cancel = new CancellationTokenSource();

        var call = client.TranscribeAsync(Wav(), Whisper, cancel.Token);
        await WaitForAsync(() => server.Requests.Count == 1);
        cancel.Cancel();
        var (error, _) = await BoundedFailure(() => call, Slack);

        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.Equal(1, server.Attempts);
    }

    [Fact]
    public async Task TruncatedJson_IsInvalidResponse_NotRetried()
    {
        await using var server = new RawHttpServer(x => x.RespondAsync(200, "OK", "{\"text\":\"fi", "application/json", "x-request-id: req-1"));
        using var client = Client(server, retries: 2);

        var (error, _) = await BoundedFailure(() => client.TranscribeAsync(Wav(), Whisper), Slack);

        var ex = Assert.IsType<AudioServiceException>(error);
        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
        Assert.Equal("req-1", ex.RequestId);
        Assert.Equal(1, server.Attempts);
    }

    [Fact]
    public async Task ANullBody_OrOneWithoutAContentType_IsInvalidResponse_SayingWhatCame()
    {
        await using var server = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync();
            var response = x.Attempt == 1
                ? "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-request-id: req-null\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnull"
                : "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
            await x.WriteAsync(response);
        });
        using var client = Client(server);

        var (nullBody, _) = await BoundedFailure(() => client.TranscribeAsync(Wav(), Whisper), Slack);
        var (untyped, _) = await BoundedFailure(() => client.TranscribeAsync(Wav(), Whisper), Slack);

        var ex = Assert.IsType<AudioServiceException>(nullBody);
        Assert.Equal("The service answered 200 with a JSON body that is null or not an object", ex.Message);
        Assert.Equal((AudioErrorCodes.InvalidResponse, "req-null", HttpStatusCode.OK), (ex.Code, ex.RequestId, ex.Status));
        ex = Assert.IsType<AudioServiceException>(untyped);
        Assert.StartsWith("The service answered 200 with a body that is not the expected JSON (no content type): ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
    }

    [Fact]
    public async Task BodyShorterThanContentLength_IsATransportFailure_AfterTheRetries()
    {
        await using var server = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync();
            await x.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\nConnection: close\r\n\r\n{\"text\":\"only part of it");
        });
        using var client = Client(server, retries: 1);

        var (error, _) = await BoundedFailure(() => client.TranscribeAsync(Wav(), Whisper), Slack);

        Assert.Equal(2, Transport.Failure(error, timeout: false, typeof(IOException)).Attempts);
        Assert.Equal(2, server.Attempts);
    }

    [Fact]
    public async Task Html200_IsInvalidResponse_NamingTheContentType()
    {
        await using var server = new RawHttpServer(x => x.RespondAsync(200, "OK", "<html><head><title>Captive portal</title></head><body>Log in</body></html>", "text/html"));
        using var client = Client(server, retries: 2);

        var (error, _) = await BoundedFailure(() => client.TranscribeAsync(Wav(), Whisper), Slack);

        var ex = Assert.IsType<AudioServiceException>(error);
        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
        Assert.Contains("text/html", ex.Message);
        Assert.Equal(1, server.Attempts);
    }

    [Fact]
    public async Task Html500_IsRetried_ThenNamesThePage()
    {
        await using var server = new RawHttpServer(x => x.RespondAsync(500, "Internal Server Error", "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>", "text/html"));
        using var client = Client(server, retries: 2);

        var (error, _) = await BoundedFailure(() => client.TranscribeAsync(Wav(), Whisper), Slack);

        var ex = Assert.IsType<AudioServiceException>(error);
        Assert.Equal(HttpStatusCode.InternalServerError, ex.Status);
        Assert.Contains("HTML page titled '502 Bad Gateway'", ex.Message);
        Assert.Equal(3, server.Attempts);
    }

    [Fact]
    public async Task AStreamThatStalls_FailsAfterTheIdleTimeout_WithTheFirstUpdateDelivered()
    {
        await using var server = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync();
            await x.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\ndata: {\"type\":\"transcript.text.delta\",\"delta\":\"Hel\"}\n\n");
            await x.HangAsync();
        });
        using var client = Client(server, retries: 2, idle: TimeSpan.FromSeconds(1));
        var updates = new List<TranscriptionUpdate>();

        var (error, elapsed) = await BoundedFailure(
            async () =>
            {
                await foreach (var update in client.TranscribeStreamingAsync(Wav(), Whisper))
                {
                    updates.Add(update);
                }
            },
            Slack);

        Transport.Failure(error, timeout: true, typeof(TimeoutException));
        Assert.Contains("StreamIdleTimeout", error.Message);
        Assert.Equal("Hel", Assert.Single(updates).Delta);
        Assert.Equal(1, server.Attempts);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1) + Slack);
    }

    [Fact]
    public async Task AStalledSpeechStream_FailsAfterTheDefaultMinute_OnTheClientsClock()
    {
        var clock = new ManualTimeProvider();
        await using var server = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync();
            await x.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: audio/pcm\r\nConnection: close\r\n\r\n0123456789");
            await x.HangAsync();
        });
        using var client = Client(server, networkTimeout: Timeout.InfiniteTimeSpan, time: clock);
        var chunks = new List<ReadOnlyMemory<byte>>();

        var call = Task.Run(async () =>
        {
            await foreach (var chunk in client.StreamSpeechAsync("Hello", new SpeechOptions { Model = "tts-1", Voice = "alloy", ResponseFormat = SpeechFormat.Pcm }))
            {
                chunks.Add(chunk);
            }
        });
        await WaitForAsync(() => clock.PendingDelays.Contains(TimeSpan.FromSeconds(60)) && chunks.Count == 1);
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(call.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        var (error, _) = await BoundedFailure(() => call, Slack);

        Transport.Failure(error, timeout: true, typeof(TimeoutException));
        Assert.Equal("0123456789"u8.ToArray(), chunks.Single().ToArray());
        Assert.Equal(1, server.Attempts);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData(": keep-alive\n\n: still here\n\n", 0)]
    [InlineData("data: {\"type\":\"transcript.text.delta\",\"delta\":\"Hel\"}\n\n", 1)]
    [InlineData("data: {\"type\":\"transcript.text.delta\",\"delta\":\"Hel\"}\n\ndata: {\"type\":\"transcript.text.done\",\"text\":\"Hello\"}", 1)]
    public async Task AnEventStreamThatEndsBeforeItsDoneEvent_IsInvalidResponse_AfterWhatDidCome(string events, int updatesFirst)
    {
        await using var server = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync();
            await x.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" + events);
        });
        using var client = Client(server);
        var updates = new List<TranscriptionUpdate>();

        var (error, _) = await BoundedFailure(
            async () =>
            {
                await foreach (var update in client.TranscribeStreamingAsync(Wav(), new TranscriptionOptions { Model = "gpt-4o-transcribe" }))
                {
                    updates.Add(update);
                }
            },
            Slack);

        var ex = Assert.IsType<AudioServiceException>(error);
        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
        Assert.Contains($"ended after {updatesFirst} update(s), before transcript.text.done", ex.Message, StringComparison.Ordinal);
        Assert.Equal(updatesFirst, updates.Count);
        Assert.Equal(1, server.Attempts);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnEventLineThatNeverEnds_IsInvalidResponse_AtTheCap_NotUnboundedMemory(bool speech)
    {
        const int Piece = 64 * 1024;
        const long Total = 64L * 1024 * 1024;
        long sent = 0;
        await using var server = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync();
            await x.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" + $"6\r\ndata: \r\n");
            var piece = $"{Piece:x}\r\n{new string('A', Piece)}\r\n";
            try
            {
                for (; sent < Total; sent += Piece)
                {
                    await x.WriteAsync(piece);
                }
            }
            catch (IOException)
            {
                // The client gave up on the line and closed the connection.
            }
        });
        using var client = Client(server);

        var (error, _) = await BoundedFailure(
            () => speech
                ? client.StreamSpeechAsync("Hello", new SpeechOptions { Model = "gpt-4o-mini-tts", Voice = "alloy", StreamFormat = SpeechStreamFormat.Sse }).CopyToAsync(Stream.Null)
                : ConsumeAsync(client.TranscribeStreamingAsync(Wav(), new TranscriptionOptions { Model = "gpt-4o-transcribe" })),
            Slack);

        var ex = Assert.IsType<AudioServiceException>(error);
        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
        Assert.Contains("event-stream line longer than 33554432 bytes", ex.Message, StringComparison.Ordinal);
        Assert.True(Volatile.Read(ref sent) < Total, "The client read the whole line.");
    }

    [Fact]
    public async Task AStreamingTranscriptionAnsweredWithJson_ThatStalls_FailsAtTheIdleTimeout()
    {
        await using var server = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync();
            await x.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"text\":");
            await x.HangAsync();
        });
        using var client = Client(server, idle: TimeSpan.FromSeconds(1));

        var (error, elapsed) = await BoundedFailure(() => ConsumeAsync(client.TranscribeStreamingAsync(Wav(), new TranscriptionOptions { Model = "gpt-4o-transcribe" })), Slack);

        Transport.Failure(error, timeout: true, typeof(TimeoutException));
        Assert.Contains("sent no byte for 00:00:01 (StreamIdleTimeout)", error.Message, StringComparison.Ordinal);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1), Slack);
    }

    [Fact]
    public async Task AMalformedChunk_EndsTheStream_WithATransportFailure()
    {
        var firstSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync();
            await x.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n34\r\ndata: {\"type\":\"transcript.text.delta\",\"delta\":\"a\"}\n\n\r\n");
            await firstSeen.Task.WaitAsync(x.Stopping);
            await x.WriteAsync("ZZ;not-hex\r\nxx\r\n");
            await x.HangAsync();
        });
        using var client = Client(server, retries: 2);
        var updates = new List<TranscriptionUpdate>();

        var (error, _) = await BoundedFailure(
            async () =>
            {
                await foreach (var update in client.TranscribeStreamingAsync(Wav(), Whisper))
                {
                    updates.Add(update);
                    firstSeen.TrySetResult();
                }
            },
            Slack);

        Transport.Failure(error, timeout: false, typeof(IOException));
        Assert.Equal("a", Assert.Single(updates).Delta);
        Assert.Equal(1, server.Attempts);
    }

    [Fact]
    public async Task AMalformedChunk_InAWholeBody_IsRetried_ThenATransportFailure()
    {
        await using var server = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync();
            await x.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"tex\r\nQQ\r\n");
            await x.HangAsync();
        });
        using var client = Client(server, retries: 1);

        var (error, _) = await BoundedFailure(() => client.TranscribeAsync(Wav(), Whisper), Slack);

        Assert.Equal(2, Transport.Failure(error, timeout: false, typeof(IOException)).Attempts);
        Assert.Equal(2, server.Attempts);
    }
}
