using AudioSdk.Speech;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace AudioSdk.Tests.Contracts;

/// <summary>
/// Faults WireMock.Net simulates natively, through the same public calls as the raw-socket fault matrix, for the cases
/// that matrix lacks. In WireMock.Net 1.25.0 an empty response is a valid answer with a zero-length body, a malformed
/// chunk is the body's first half followed by random bytes (framing intact), and a delay holds the answer back. It has
/// no "random data then close" fault, so that case runs on the raw server here.
/// </summary>
public sealed class WireMockFaultTests : IDisposable
{
    private const string Key = "sk-faults-0123456789";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly SpeechOptions Speech = new() { Model = "tts-1", Voice = SpeechVoice.Alloy };
    private static readonly TranscriptionOptions Whisper = new() { Model = "whisper-1" };
    private readonly ContractServer _server = new();

    public void Dispose() => _server.Dispose();

    private static AudioInput Wav() => AudioInput.FromBytes(TestAudio.SineWav(0.1));

    private static async Task<Exception> FailureAsync(Func<Task> call)
    {
        var error = await Record.ExceptionAsync(() => call().WaitAsync(Bound));
        Assert.NotNull(error);
        Assert.False(error is TimeoutException { Message: "The operation has timed out." }, $"The call did not end within {Bound}.");
        return error!;
    }

    [Fact]
    public async Task AnEmptySpeechBody_IsInvalidResponse_NotSilence_AndNotRetried()
    {
        _server.Server.Given(Request.Create().WithPath("/v1/audio/speech").UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "audio/mpeg").WithHeader("x-request-id", "req_empty").WithBody([1, 2, 3]).WithFault(FaultType.EMPTY_RESPONSE));
        using var client = _server.Client(Key, retries: 2);

        var error = await FailureAsync(() => client.GenerateSpeechAsync("Hello.", Speech));

        var ex = Assert.IsType<AudioServiceException>(error);
        Assert.Equal((AudioErrorCodes.InvalidResponse, "req_empty"), (ex.Code, ex.RequestId));
        Assert.Contains("no audio came back", ex.Message, StringComparison.Ordinal);
        Assert.Single(_server.Log);
    }

    [Fact]
    public async Task AnEmptyJsonBody_ToATranscriptionOrAModelList_IsInvalidResponse_WithItsRequestId()
    {
        var empty = Response.Create().WithHeader("Content-Type", "application/json").WithHeader("x-request-id", "req_void").WithBody("{\"text\":\"x\"}").WithFault(FaultType.EMPTY_RESPONSE);
        _server.Server.Given(Request.Create().WithPath("/v1/audio/transcriptions").UsingPost()).RespondWith(empty);
        _server.Server.Given(Request.Create().WithPath("/v1/models").UsingGet()).RespondWith(empty);
        using var client = _server.Client(Key, retries: 2);

        var transcription = Assert.IsType<AudioServiceException>(await FailureAsync(() => client.TranscribeAsync(Wav(), Whisper)));
        var models = Assert.IsType<AudioServiceException>(await FailureAsync(() => client.ListModelsAsync()));

        Assert.Equal((AudioErrorCodes.InvalidResponse, "req_void"), (transcription.Code, transcription.RequestId));
        Assert.Equal((AudioErrorCodes.InvalidResponse, "req_void"), (models.Code, models.RequestId));
        Assert.Equal(2, _server.Log.Count);
    }

    [Fact]
    public async Task GarbageAfterHalfAModelList_IsInvalidResponse_NotRetried()
    {
        // WireMock's malformed chunk: the body's first half, then random bytes.
        _server.Server.Given(Request.Create().WithPath("/v1/models").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                .WithBody("{\"object\":\"list\",\"data\":[{\"id\":\"whisper-1\",\"object\":\"model\"},{\"id\":\"tts-1\",\"object\":\"model\"}]}")
                .WithFault(FaultType.MALFORMED_RESPONSE_CHUNK));
        using var client = _server.Client(Key, retries: 2);

        var error = await FailureAsync(() => client.ListModelsAsync());

        Assert.Equal(AudioErrorCodes.InvalidResponse, Assert.IsType<AudioServiceException>(error).Code);
        Assert.Single(_server.Log);
    }

    [Fact]
    public async Task GarbageAfterHalfAnEventStream_IsInvalidResponse_TheTranscriptNeverLooksComplete()
    {
        var events = string.Concat(Enumerable.Range(0, 8).Select(i => $"data: {{\"type\":\"transcript.text.delta\",\"delta\":\"w{i} \"}}\n\n"))
            + "data: {\"type\":\"transcript.text.done\",\"text\":\"w0 w1 w2 w3 w4 w5 w6 w7\"}\n\n";
        _server.Server.Given(Request.Create().WithPath("/v1/audio/transcriptions").UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "text/event-stream").WithBody(events).WithFault(FaultType.MALFORMED_RESPONSE_CHUNK));
        using var client = _server.Client(Key, retries: 2);
        var updates = new List<TranscriptionUpdate>();

        var error = await FailureAsync(async () =>
        {
            await foreach (var update in client.TranscribeStreamingAsync(Wav(), Whisper))
            {
                updates.Add(update);
            }
        });

        Assert.Equal(AudioErrorCodes.InvalidResponse, Assert.IsType<AudioServiceException>(error).Code);
        Assert.DoesNotContain(updates, u => u.Kind == TranscriptionUpdateKind.Done);
        Assert.True(updates.Count < 8, $"{updates.Count} updates");
        Assert.Single(_server.Log);
    }

    [Fact]
    public async Task ADelayedSpeechStream_EndsAtTheNetworkTimeout_AfterEachAttempt()
    {
        _server.Server.Given(Request.Create().WithPath("/v1/audio/speech").UsingPost())
            .RespondWith(Response.Create().WithDelay(TimeSpan.FromSeconds(3)).WithHeader("Content-Type", "audio/mpeg").WithBody([1, 2, 3]));
        using var client = _server.Client(Key, retries: 1, networkTimeout: TimeSpan.FromSeconds(1));

        var error = await FailureAsync(async () =>
        {
            await foreach (var _ in client.StreamSpeechAsync("Hello.", Speech))
            {
            }
        });

        var timeout = Transport.Failure(error, timeout: true, typeof(TimeoutException));
        Assert.Contains("network timeout", timeout.Message, StringComparison.Ordinal);

        // WireMock logs a request once its delayed answer is written: both attempts show up after the delay.
        var until = DateTime.UtcNow + Bound;
        while (_server.Log.Count < 2 && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }

        Assert.Equal(2, _server.Log.Count);
    }

    [Fact]
    public async Task RandomBytesInsteadOfHttp_ThenClose_IsRetried_ThenATransportFailure()
    {
        var garbage = new Random(26).GetItems("abcdefghijklmnopqrstuvwxyz0123456789 \r\n:/".ToCharArray(), 512);
        await using var raw = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync();
            await x.WriteAsync(new string(garbage));
        });
        using var client = new AudioClient(new AudioClientOptions
        {
            Endpoint = raw.Endpoint,
            ApiKey = Key,
            Retry = new AudioClientRetryOptions { MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50), UseJitter = false },
        });

        var error = await FailureAsync(() => client.TranscribeAsync(Wav(), Whisper));

        Assert.Equal(2, Transport.Failure(error, timeout: false, typeof(HttpRequestException)).Attempts);
        Assert.Equal(2, raw.Attempts);
        Assert.DoesNotContain(Key, error.ToString(), StringComparison.Ordinal);
    }
}
