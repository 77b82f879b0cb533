using System.Text.Json;
using AudioSdk.Realtime;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>Dialect-independent behaviour: concurrency, chunking, pacing, cancellation.</summary>
public sealed class RealtimeSessionTests : RealtimeTestBase
{
    [Theory]
    [InlineData(RealtimeDialect.OpenAITranscription)]
    [InlineData(RealtimeDialect.VllmNative)]
    public async Task TwoTasksSendingAtOnce_NeverCorruptFrames(RealtimeDialect dialect)
    {
        var options = dialect == RealtimeDialect.VllmNative ? Native() : OpenAI(inputRate: 24000);
        await using var rt = await Client.StartRealtimeSessionAsync(options);
        var rate = rt.SampleRate;
        var a = Tone(1.0, 300, rate);
        var b = Tone(1.0, 300, rate);
        await Task.WhenAll(
            Task.Run(async () => { for (var i = 0; i < a.Length; i += 962) { await rt.SendAudioAsync(a.AsMemory(i, Math.Min(962, a.Length - i))); } }),
            Task.Run(async () => { for (var i = 0; i < b.Length; i += 1282) { await rt.SendAudioAsync(b.AsMemory(i, Math.Min(1282, b.Length - i))); } }));
        var t = await rt.WaitForTranscriptAsync((await rt.CommitAsync()).ItemId);

        var appends = Connection().ClientMessages.Select(m => JsonDocument.Parse(m).RootElement).Where(e => e.GetProperty("type").GetString() == "input_audio_buffer.append").ToList();
        Assert.All(appends, e => Assert.Equal(0, e.GetProperty("audio").GetBytesFromBase64().Length % 2));
        Assert.Equal(a.Length + b.Length, appends.Sum(e => e.GetProperty("audio").GetBytesFromBase64().Length));
        Assert.Contains("2.00 seconds", t.Transcript);
    }

    [Fact]
    public async Task Audio_IsSentInChunksOfTheChunkDuration()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI(inputRate: 24000) with { ChunkDuration = TimeSpan.FromMilliseconds(40) });
        await rt.SendAudioAsync(Tone(0.5, rate: 24000));
        await rt.CommitAsync();

        var sizes = Connection().ClientMessages.Select(m => JsonDocument.Parse(m).RootElement).Where(e => e.GetProperty("type").GetString() == "input_audio_buffer.append").Select(e => e.GetProperty("audio").GetBytesFromBase64().Length).ToList();
        Assert.Equal(Enumerable.Repeat(1920, 12).Append(960), sizes);
    }

    [Fact]
    public async Task RealTimePacing_SendsNoFasterThanTheAudio()
    {
        var clock = new ManualTimeProvider();
        using var client = CreateClient(o => o.TimeProvider = clock);
        await using var rt = await client.StartRealtimeSessionAsync(OpenAI(inputRate: 24000) with { RealTimePacing = true, ConnectTimeout = TimeSpan.FromMinutes(5), ResponseTimeout = TimeSpan.FromMinutes(5) });
        int Appends() => Connection().ClientMessages.Count(m => m.Contains("input_audio_buffer.append", StringComparison.Ordinal));

        var send = rt.SendAudioAsync(Tone(0.5, rate: 24000));
        await Poll.UntilAsync(() => Appends() == 1);
        for (var expected = 2; expected <= 5; expected++)
        {
            var delay = await clock.WaitForPendingDelayAsync(TimeSpan.FromSeconds(1));
            Assert.Equal(TimeSpan.FromMilliseconds(100), delay);
            Assert.Equal(expected - 1, Appends());
            clock.Advance(delay);
            await Poll.UntilAsync(() => Appends() == expected);
        }

        await send;
    }

    [Fact]
    public async Task Cancellation_StopsSendsAndReads_WithoutHurtingTheSession()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI());
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rt.SendAudioAsync(Tone(0.2), cancelled.Token));

        using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in rt.ReadEventsAsync(soon.Token))
            {
            }
        });

        var t = await rt.TranscribeUtteranceAsync(Tone(0.2));
        Assert.Equal("Heard 0.20 seconds at 440 Hz.", t.Transcript);
    }

    [Fact]
    public async Task Start_TimesOut_WhenTheServerIsSlowToConfirmTheConfiguration()
    {
        // The upgrade succeeds at once; the server then sits on the configuration longer than ConnectTimeout.
        Server.EnqueueRealtime(new AudioSdk.Testing.RealtimeScriptedAction { Delay = TimeSpan.FromSeconds(30) });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<AudioTransportException>(() => Client.StartRealtimeSessionAsync(OpenAI() with { ConnectTimeout = TimeSpan.FromSeconds(1.5) }));
        Assert.True(ex.IsTimeout);
        Assert.IsType<TimeoutException>(ex.InnerException);
        Assert.Contains("session.updated", ex.Message);
        Assert.Single(Server.RealtimeSessions);

        // The scripted delay is cancelled with the connection the client gave up on: the server finishes well before 30 s.
        while (Server.ActiveResponses > 0 && watch.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, Server.ActiveResponses);
    }

    [Fact]
    public async Task Session_CanBeSubclassedForTests_ThroughItsProtectedConstructor()
    {
        await using RealtimeSession fake = new FakeSession();

        var t = await fake.TranscribeUtteranceAsync(new byte[2]);

        Assert.Equal("from the fake", t.Transcript);
        Assert.Equal(RealtimeDialect.VllmNative, fake.Dialect);
    }

    [Fact]
    public async Task ConnectionRefused_IsARealtimeException()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new AudioClient(new AudioClientOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/v1/"), ApiKey = ApiKey, Retry = AudioClientRetryOptions.None });

        var ex = await Assert.ThrowsAsync<RealtimeException>(() => client.StartRealtimeSessionAsync(OpenAI()));

        Assert.Contains("could not be opened", ex.Message, StringComparison.Ordinal);
    }

    private sealed class FakeSession : RealtimeSession
    {
        public override RealtimeDialect Dialect => RealtimeDialect.VllmNative;

        public override Task<TranscriptCompleted> TranscribeUtteranceAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken = default) =>
            Task.FromResult(new TranscriptCompleted("item_1", "from the fake", null, [], "transcription.done", default));
    }
}
