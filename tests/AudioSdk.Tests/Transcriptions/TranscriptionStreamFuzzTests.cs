using System.Net;
using AudioSdk.Internal.Json;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using Microsoft.Extensions.Logging.Abstractions;

namespace AudioSdk.Tests.Transcriptions;

/// <summary>Hostile streaming-transcription events: only <see cref="AudioServiceException"/> (an error event or <c>invalid_response</c>), bounded.</summary>
public sealed class TranscriptionStreamFuzzTests
{
    public const int CasesPerEvent = 20_000;

    public static TheoryData<string> Events =>
    [
        """{"type":"transcript.text.delta","delta":"Hel","segment_id":"seg_1","logprobs":[{"token":"Hel","logprob":-0.1,"bytes":[72,101,108]}]}""",
        """{"type":"transcript.text.segment","id":"seg_1","start":0.5,"end":2.25,"text":"Hello.","speaker":"A"}""",
        """{"type":"transcript.text.done","text":"Hello.","logprobs":[],"usage":{"type":"tokens","input_tokens":12,"output_tokens":3,"total_tokens":15}}""",
        """{"id":"x","object":"transcription.chunk","choices":[{"index":0,"delta":{"content":"Hello"}}]}""",
        """{"type":"error","error":{"message":"upstream failed","type":"server_error","code":"upstream_error","param":null}}""",
    ];

    [Theory]
    [MemberData(nameof(Events))]
    public void MutatedEvents_ThrowOnlyAudioServiceException(string valid)
    {
        var metadata = new ResponseMetadata(HttpStatusCode.OK);
        var mutator = new Mutator(valid.Length);
        var parsedOrSkipped = 0;

        var threw = HostileInput.Run(
            Enumerable.Range(0, CasesPerEvent).Select(_ => mutator.Mutate(valid)),
            data =>
            {
                TranscriptionEventReader.Read(data, metadata, NullLogger.Instance, "sk-key");
                parsedOrSkipped++;
            },
            ex => ex is AudioServiceException,
            HostileInput.Quote);

        Assert.Equal(CasesPerEvent, threw + parsedOrSkipped);
        Assert.True(parsedOrSkipped > 0);
    }

    [Theory]
    [InlineData("""{"type":"transcript.text.segment","id":"s","start":"soon","end":1,"text":"x"}""")]
    [InlineData("""{"type":"transcript.text.segment","id":"s","start":1e300,"end":1,"text":"x"}""")]
    [InlineData("""{"type":"transcript.text.segment","id":"s","start":0,"end":1,"text":{"no":1}}""")]
    [InlineData("""{"type":"transcript.text.done","text":"x","usage":{"input_tokens":"many"}}""")]
    [InlineData("""{"type":"transcript.text.delta","delta":"x","logprobs":[{"token":"x","logprob":"low"}]}""")]
    public async Task AMalformedKnownEvent_OverTheWire_IsInvalidResponse_LikeTheNonStreamingPath(string malformed)
    {
        await using var server = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync();
            await x.WriteAsync($"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nx-request-id: req-7\r\nConnection: close\r\n\r\ndata: {malformed}\n\n");
        });
        using var client = new AudioClient(new AudioClientOptions { Endpoint = server.Endpoint, ApiKey = "k", Retry = AudioClientRetryOptions.None });

        var ex = await Assert.ThrowsAsync<AudioServiceException>(async () =>
        {
            await foreach (var _ in client.TranscribeStreamingAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2)), new TranscriptionOptions { Model = "whisper-1" }))
            {
            }
        });

        Assert.Equal("invalid_response", ex.Code);
        Assert.Equal("req-7", ex.RequestId);
        Assert.Equal(1, server.Attempts);
    }
}
