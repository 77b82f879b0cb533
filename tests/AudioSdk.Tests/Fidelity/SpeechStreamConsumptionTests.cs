using AudioSdk.Speech;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Fidelity;

public sealed class SpeechStreamConsumptionTests : ServerTest
{
    private static readonly SpeechOptions Pcm = new() { Model = "tts-1", Voice = SpeechVoice.Nova, ResponseFormat = SpeechFormat.Pcm };

    [Fact]
    public async Task CopyToAsync_WritesTheSameBytesAsTheWholeResponse()
    {
        var whole = await Client.GenerateSpeechAsync("Copy me somewhere, please.", Pcm);
        var stream = Client.StreamSpeechAsync("Copy me somewhere, please.", Pcm);
        using var destination = new MemoryStream();

        var written = await stream.CopyToAsync(destination);

        Assert.Equal(whole.Audio.Length, written);
        Assert.Equal(whole.Audio.ToArray(), destination.ToArray());
        Assert.Equal("audio/pcm", stream.ContentType);
        Assert.StartsWith("req_", stream.Metadata!.RequestId);
        Assert.Equal("audio/pcm, */*", Server.Requests[^1].GetHeader("Accept"));
    }

    [Fact]
    public async Task OpenReadAsync_IsTheBodyAsAStream_AndDisposingItEndsTheResponse()
    {
        var release = new TaskCompletionSource();
        Server.Enqueue(new ScriptedResponse { PauseAfterFirstChunk = release.Task });
        var stream = Client.StreamSpeechAsync(new string('x', 200), Pcm);

        var body = await stream.OpenReadAsync();
        var first = new byte[4096];
        var read = await body.ReadAsync(first);
        Assert.True(read > 0);
        Assert.False(body.CanSeek);
        Assert.Equal(1, Server.ActiveResponses);

        await body.DisposeAsync();
        release.SetResult();
        await Poll.UntilAsync(() => Server.ActiveResponses == 0);
    }

    [Fact]
    public async Task CopyToAsync_OfAnSseStream_DecodesTheDeltas_AndKeepsTheUsage()
    {
        var options = Pcm with { Model = "gpt-4o-mini-tts", StreamFormat = SpeechStreamFormat.Sse };
        var whole = await Client.GenerateSpeechAsync("Hello world", options);
        var stream = Client.StreamSpeechAsync("Hello world", options);
        using var destination = new MemoryStream();

        await stream.CopyToAsync(destination);

        Assert.Equal(whole.Audio.ToArray(), destination.ToArray());
        Assert.NotNull(stream.Usage);
        Assert.Equal("text/event-stream", Server.Requests[^1].GetHeader("Accept"));
    }

    [Fact]
    public async Task AnSseStream_CopiedOrOpened_LeavesNoTimerRunning_OnceDone()
    {
        var clock = new ManualTimeProvider();
        using var client = CreateClient(o => o.TimeProvider = clock);
        var options = Pcm with { Model = "gpt-4o-mini-tts", StreamFormat = SpeechStreamFormat.Sse };

        await client.StreamSpeechAsync("Hello world", options).CopyToAsync(Stream.Null);
        Assert.Empty(clock.PendingDelays);

        var body = await client.StreamSpeechAsync("Hello world", options).OpenReadAsync();
        await body.CopyToAsync(Stream.Null);
        Assert.NotEmpty(clock.PendingDelays);
        await body.DisposeAsync();
        Assert.Empty(clock.PendingDelays);
    }

    [Fact]
    public async Task ASpeechStream_IsConsumedOnce_WhicheverWay()
    {
        var stream = Client.StreamSpeechAsync("Once.", Pcm);
        await stream.CopyToAsync(Stream.Null);

        await Assert.ThrowsAsync<InvalidOperationException>(() => stream.CopyToAsync(Stream.Null));
        await Assert.ThrowsAsync<InvalidOperationException>(() => stream.OpenReadAsync());
        Assert.Throws<InvalidOperationException>(() => stream.GetAsyncEnumerator());
    }

    [Fact]
    public async Task CopyToAsync_OfAnError_IsTheServiceError()
    {
        Server.Enqueue(ScriptedResponse.Error(400, "invalid_value", "Unknown voice."));

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => Client.StreamSpeechAsync("Hi", Pcm).CopyToAsync(Stream.Null));

        Assert.Equal("invalid_value", ex.Code);
    }

    [Fact]
    public async Task CopyToAsync_OfAStalledBody_TimesOut()
    {
        var never = new TaskCompletionSource();
        Server.Enqueue(new ScriptedResponse { PauseAfterFirstChunk = never.Task });
        using var client = CreateClient(o => o.NetworkTimeout = TimeSpan.FromMilliseconds(600));

        var error = await Record.ExceptionAsync(() => client.StreamSpeechAsync(new string('y', 200), Pcm).CopyToAsync(Stream.Null));
        Assert.Contains("network timeout", Transport.Failure(error, timeout: true, typeof(TimeoutException)).Message, StringComparison.Ordinal);
        never.SetResult();
    }

    [Fact]
    public async Task AMock_FromChunks_CanBeReadAsAStream()
    {
        var stream = SpeechStream.FromChunks([new byte[] { 1, 2, 3 }, new byte[] { 4 }, Array.Empty<byte>(), new byte[] { 5, 6 }], "audio/wav");
        using var destination = new MemoryStream();

        Assert.Equal(6, await stream.CopyToAsync(destination));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, destination.ToArray());
        Assert.Equal("audio/wav", stream.ContentType);
    }
}

