using AudioSdk.Speech;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.Http;

/// <summary>
/// Event streams from a raw server: a stream cut before its end event is an error after what came, a known event
/// with a field of the wrong kind is <c>invalid_response</c>, and the generic <c>[DONE]</c> ends a stream.
/// </summary>
public sealed class EventStreamEndTests
{
    private const string Delta = "data: {\"type\":\"speech.audio.delta\",\"audio\":\"YWJjZA==\"}\n\n";
    private static readonly SpeechOptions Sse = new() { Model = "gpt-4o-mini-tts", Voice = "alloy", StreamFormat = SpeechStreamFormat.Sse };
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private static RawHttpServer Sending(string events) => new(async x =>
    {
        await x.ReadBodyAsync();
        await x.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" + events);
    });

    private static AudioClient Client(RawHttpServer server) => server.CreateClient("sk-events");

    [Fact]
    public async Task ASpeechStreamCutBeforeItsDoneEvent_IsInvalidResponse_AfterTheAudioThatCame()
    {
        await using var server = Sending(Delta);
        using var client = Client(server);
        using var audio = new MemoryStream();

        var error = await Record.ExceptionAsync(() => client.StreamSpeechAsync("Hello", Sse).CopyToAsync(audio).WaitAsync(Bound));

        var ex = Assert.IsType<AudioServiceException>(error);
        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
        Assert.Contains("ended before speech.audio.done", ex.Message, StringComparison.Ordinal);
        Assert.Equal("abcd"u8.ToArray(), audio.ToArray());
    }

    [Fact]
    public async Task ASpeechStreamEndedByDone_IsComplete()
    {
        await using var server = Sending(Delta + "data: [DONE]\n\n");
        using var client = Client(server);
        var stream = client.StreamSpeechAsync("Hello", Sse);
        using var audio = new MemoryStream();

        Assert.Equal(4, await stream.CopyToAsync(audio).WaitAsync(Bound));
        Assert.Null(stream.Usage);
    }

    [Fact]
    public async Task ASpeechDeltaWhoseAudioIsNotText_IsInvalidResponse()
    {
        await using var server = Sending("data: {\"type\":\"speech.audio.delta\",\"audio\":42}\n\n");
        using var client = Client(server);

        var error = await Record.ExceptionAsync(() => client.StreamSpeechAsync("Hello", Sse).CopyToAsync(Stream.Null).WaitAsync(Bound));

        Assert.Equal(AudioErrorCodes.InvalidResponse, Assert.IsType<AudioServiceException>(error).Code);
    }

    [Fact]
    public async Task ATranscriptDeltaThatIsNotText_IsInvalidResponse()
    {
        await using var server = Sending("data: {\"type\":\"transcript.text.delta\",\"delta\":{\"x\":1}}\n\n");
        using var client = Client(server);
        var updates = 0;

        var error = await Record.ExceptionAsync(async () =>
        {
            await foreach (var _ in client.TranscribeStreamingAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2)), new TranscriptionOptions { Model = "gpt-4o-transcribe" }).WithCancellation(new CancellationTokenSource(Bound).Token))
            {
                updates++;
            }
        });

        var ex = Assert.IsType<AudioServiceException>(error);
        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
        Assert.Contains("'delta' is Object, not a string", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, updates);
    }
}
