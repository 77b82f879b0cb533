using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.Fidelity;

public sealed class StreamingFallbackTests : ServerTest
{
    private static readonly TranscriptionOptions Streamed = new() { Model = "whisper-1" };

    [Fact]
    public async Task StreamRequest_AnsweredWithJson_YieldsTheWholeTranscriptAsOneDone()
    {
        Server.Enqueue(new ScriptedResponse
        {
            Status = 200,
            ContentType = "application/json; charset=utf-8",
            Body = """{"text":"Whisper ignored stream.","language":"english","duration":1.5,"segments":[{"id":0,"start":0.0,"end":1.5,"text":"Whisper ignored stream."}],"usage":{"type":"duration","seconds":2}}""",
        });

        var updates = new List<TranscriptionUpdate>();
        await foreach (var update in Client.TranscribeStreamingAsync(AudioInput.FromBytes(TestAudio.SineWav(0.5)), Streamed))
        {
            updates.Add(update);
        }

        var done = Assert.Single(updates);
        Assert.Equal(TranscriptionUpdateKind.Done, done.Kind);
        Assert.Equal("Whisper ignored stream.", done.Text);
        Assert.NotNull(done.Transcription);
        Assert.Equal(TimeSpan.FromSeconds(1.5), done.Transcription!.Duration);
        Assert.Single(done.Transcription.Segments);
        Assert.Equal("english", done.RawEvent.GetProperty("language").GetString());
        Assert.StartsWith("req_", done.Metadata.RequestId);
        Assert.Equal("text/event-stream", Server.Requests[0].GetHeader("Accept"));
        Assert.Equal("true", Server.Requests[0].GetField("stream"));
    }

    [Theory]
    [InlineData("text/plain", "Hello there")]
    [InlineData("text/html", "<html><title>Gateway</title></html>")]
    public async Task StreamRequest_AnsweredWithNeitherEventsNorJson_IsAnInvalidResponse(string contentType, string body)
    {
        Server.Enqueue(new ScriptedResponse { Status = 200, ContentType = contentType, Body = body });

        var ex = await Assert.ThrowsAsync<AudioServiceException>(async () =>
        {
            await foreach (var _ in Client.TranscribeStreamingAsync(AudioInput.FromBytes(TestAudio.SineWav(0.5)), Streamed))
            {
            }
        });

        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
        Assert.Contains(contentType, ex.Message);
        Assert.StartsWith("req_", ex.RequestId);
    }

    [Fact]
    public async Task StreamRequest_AnsweredWithBrokenJson_IsAnInvalidResponse()
    {
        Server.Enqueue(new ScriptedResponse { Status = 200, ContentType = "application/json", Body = "{\"text\": \"cut" });

        var ex = await Assert.ThrowsAsync<AudioServiceException>(async () =>
        {
            await foreach (var _ in Client.TranscribeStreamingAsync(AudioInput.FromBytes(TestAudio.SineWav(0.5)), Streamed))
            {
            }
        });

        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
    }
}
