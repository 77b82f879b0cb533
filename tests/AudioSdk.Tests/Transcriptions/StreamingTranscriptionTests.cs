using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.Transcriptions;

public sealed class StreamingTranscriptionTests : ServerTest
{
    [Fact]
    public async Task FirstDelta_ArrivesBeforeTheResponseEnds()
    {
        var release = new TaskCompletionSource();
        Server.Enqueue(new ScriptedResponse { PauseAfterFirstChunk = release.Task });

        await using var updates = Client.TranscribeStreamingAsync(AudioInput.FromBytes(TestAudio.SineWav(5)), new TranscriptionOptions { Model = "gpt-4o-transcribe" }).GetAsyncEnumerator();
        Assert.True(await updates.MoveNextAsync());

        Assert.Equal(TranscriptionUpdateKind.Delta, updates.Current.Kind);
        Assert.Equal("Segment", updates.Current.Delta);
        Assert.Equal(1, Server.ActiveResponses);
        Assert.Equal(0, Server.CompletedResponses);
        Assert.Equal("true", Server.Requests[0].GetField("stream"));

        release.SetResult();
        var rest = new List<TranscriptionUpdate>();
        while (await updates.MoveNextAsync())
        {
            rest.Add(updates.Current);
        }

        var done = rest[^1];
        Assert.Equal(TranscriptionUpdateKind.Done, done.Kind);
        Assert.Equal("Segment 1 spans 0.0 to 5.0 seconds.", done.Text);
        Assert.Equal("Segment" + string.Concat(rest.SkipLast(1).Select(u => u.Delta)), done.Text);
        Assert.Equal("tokens", done.Usage!.Type);
        Assert.Equal(Server.Requests[0].Id, done.Metadata.RequestId);
    }

    [Fact]
    public async Task UnknownEvents_AreSkipped_AndLogProbsParse()
    {
        Server.Enqueue(new ScriptedResponse
        {
            Status = 200,
            ContentType = "text/event-stream",
            Body = "event: ping\ndata: {\"type\":\"transcript.text.heartbeat\"}\n\n" +
                   ": comment\n\n" +
                   "data: not json\n\n" +
                   "data: {\"type\":\"transcript.text.delta\",\"delta\":\"Hi\",\"logprobs\":[{\"token\":\"Hi\",\"logprob\":-0.5,\"bytes\":[72,105]}]}\n\n" +
                   "data: {\"type\":\"transcript.text.done\",\"text\":\"Hi\",\"usage\":{\"type\":\"tokens\",\"input_tokens\":14,\"input_token_details\":{\"text_tokens\":10,\"audio_tokens\":4},\"output_tokens\":31,\"total_tokens\":45}}\n\n",
        });

        var updates = await Collect(Client.TranscribeStreamingAsync(AudioInput.FromBytes(TestAudio.SineWav(1)), new TranscriptionOptions { Model = "gpt-4o-transcribe", IncludeLogProbabilities = true }));

        Assert.Equal([TranscriptionUpdateKind.Delta, TranscriptionUpdateKind.Done], updates.Select(u => u.Kind));
        Assert.Equal(-0.5, updates[0].LogProbabilities[0].LogProbability);
        Assert.Equal(45, updates[1].Usage!.TotalTokens);
        Assert.Equal(4, updates[1].Usage!.InputTokenDetails!.AudioTokens);
    }

    [Fact]
    public async Task DiarizedStream_YieldsSegments()
    {
        var options = new TranscriptionOptions { Model = "gpt-4o-transcribe-diarize", ResponseFormat = TranscriptionFormat.DiarizedJson };
        var updates = await Collect(Client.TranscribeStreamingAsync(AudioInput.FromBytes(TestAudio.SineWav(15)), options));

        Assert.Equal(3, updates.Count);
        Assert.Equal(TranscriptionUpdateKind.Segment, updates[0].Kind);
        Assert.Equal("A", updates[0].Segment!.Speaker);
        Assert.Equal("B", updates[1].Segment!.Speaker);
        Assert.Equal(TimeSpan.FromSeconds(15), updates[1].Segment!.End);
        Assert.Equal(TranscriptionUpdateKind.Done, updates[2].Kind);
    }

    [Fact]
    public async Task VllmChunkForm_IsUnderstood()
    {
        Server.Enqueue(new ScriptedResponse
        {
            Status = 200,
            ContentType = "text/event-stream",
            Body = "data: {\"id\":\"trsc-1\",\"object\":\"transcription.chunk\",\"choices\":[{\"delta\":{\"content\":\"Hello\"}}]}\n\n" +
                   "data: {\"id\":\"trsc-1\",\"object\":\"transcription.chunk\",\"choices\":[{\"delta\":{\"content\":\" world\"}}]}\n\n" +
                   "data: [DONE]\n\n",
        });

        var updates = await Collect(Client.TranscribeStreamingAsync(AudioInput.FromBytes(TestAudio.SineWav(1)), new TranscriptionOptions { Model = "whisper-large-v3" }));

        Assert.Equal(["Hello", " world"], updates.Select(u => u.Delta));
    }

    [Fact]
    public async Task ErrorEventInTheStream_Throws()
    {
        Server.Enqueue(new ScriptedResponse
        {
            Status = 200,
            ContentType = "text/event-stream",
            Body = "data: {\"type\":\"transcript.text.delta\",\"delta\":\"a\"}\n\ndata: {\"type\":\"error\",\"error\":{\"message\":\"upstream died\",\"type\":\"server_error\",\"code\":\"upstream_error\"}}\n\n",
        });

        var seen = new List<TranscriptionUpdate>();
        var ex = await Assert.ThrowsAsync<AudioServiceException>(async () =>
        {
            await foreach (var u in Client.TranscribeStreamingAsync(AudioInput.FromBytes(TestAudio.SineWav(1)), new TranscriptionOptions { Model = "m" }))
            {
                seen.Add(u);
            }
        });

        Assert.Single(seen);
        Assert.Equal(AudioErrorCodes.UpstreamError, ex.Code);
        Assert.Equal(Server.Requests[0].Id, ex.RequestId);
    }

    [Fact]
    public void InvalidOptions_ThrowAtTheCall_BeforeEnumeration()
    {
        Assert.Throws<ArgumentException>(() => Client.TranscribeStreamingAsync(AudioInput.FromBytes(TestAudio.SineWav(1)), new TranscriptionOptions { Model = "" }));
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Cancellation_StopsTheStream()
    {
        var release = new TaskCompletionSource();
        Server.Enqueue(new ScriptedResponse { PauseAfterFirstChunk = release.Task });
        using var cts = new CancellationTokenSource();

        var stream = Client.TranscribeStreamingAsync(AudioInput.FromBytes(TestAudio.SineWav(5)), new TranscriptionOptions { Model = "m" }, cts.Token);
        await using var e = stream.GetAsyncEnumerator();
        Assert.True(await e.MoveNextAsync());
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await e.MoveNextAsync());
        release.SetResult();
    }

    private static async Task<List<TranscriptionUpdate>> Collect(IAsyncEnumerable<TranscriptionUpdate> source)
    {
        var list = new List<TranscriptionUpdate>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
