using System.Net.WebSockets;
using AudioSdk.Realtime;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// Reconnects over real sockets: the test server drops or closes the connection at a chosen point, and every
/// utterance's final transcript must still arrive once, for the item id the caller holds, covering all of its audio
/// (the server's transcripts state the duration and pitch it heard).
/// </summary>
public sealed class ReconnectTests : RealtimeTestBase
{
    public enum DropPoint
    {
        FirstAudio,
        MidUtterance,
        BetweenCommitAndTranscript,
    }

    private static readonly RealtimeReconnectOptions Fast = new() { InitialDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(40), MaxAttempts = 3 };

    public static TheoryData<RealtimeDialect, RealtimeServerFlavor, DropPoint> Matrix()
    {
        var data = new TheoryData<RealtimeDialect, RealtimeServerFlavor, DropPoint>();
        foreach (var point in Enum.GetValues<DropPoint>())
        {
            data.Add(RealtimeDialect.OpenAITranscription, RealtimeServerFlavor.OpenAI, point);
            data.Add(RealtimeDialect.OpenAITranscription, RealtimeServerFlavor.Tinfoil, point);
            data.Add(RealtimeDialect.VllmNative, RealtimeServerFlavor.OpenAI, point);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task ADroppedConnection_LosesNoAudio_AndNoTranscriptComesTwice(RealtimeDialect dialect, RealtimeServerFlavor flavor, DropPoint point)
    {
        Server.Options.RealtimeFlavor = flavor;
        var options = (dialect == RealtimeDialect.VllmNative ? Native() : OpenAI()) with { Reconnect = Fast };
        await using var rt = await Client.StartRealtimeSessionAsync(options);
        var reading = ReadUntilAsync(rt, e => e is Closed, TimeSpan.FromSeconds(30));

        var first = Tone(0.6, 440);
        var half = first.Length / 2;
        if (point == DropPoint.FirstAudio)
        {
            Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", DropConnection = true });
            await rt.SendAudioAsync(first);
        }
        else
        {
            await rt.SendAudioAsync(first.AsMemory(0, half));
            await Poll.UntilAsync(() => Appends(Connection()) >= 3);
            if (point == DropPoint.MidUtterance)
            {
                Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", DropConnection = true });
            }

            await rt.SendAudioAsync(first.AsMemory(half));
            if (point == DropPoint.BetweenCommitAndTranscript)
            {
                Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.commit", DropConnection = true, SkipNormalHandling = true });
            }
        }

        var committed = await rt.CommitAsync();
        var a = await rt.WaitForTranscriptAsync(committed.ItemId);
        var b = await rt.TranscribeUtteranceAsync(Tone(0.4, 660));
        await rt.DisposeAsync();
        var events = await reading;

        Assert.Equal(" Heard 0.60 seconds at 440 Hz.", a.Transcript.StartsWith(' ') ? a.Transcript : " " + a.Transcript);
        Assert.Equal(committed.ItemId, a.ItemId);
        Assert.EndsWith("Heard 0.40 seconds at 660 Hz.", b.Transcript);
        var finals = events.OfType<TranscriptCompleted>().ToList();
        Assert.Equal(2, finals.Count);
        Assert.Equal([committed.ItemId, b.ItemId], finals.Select(f => f.ItemId));
        Assert.NotEqual(committed.ItemId, b.ItemId);
        Assert.Single(events.OfType<Committed>(), c => c.ItemId == committed.ItemId);
        Assert.Single(events.OfType<Reconnecting>());
        var reconnected = Assert.Single(events.OfType<Reconnected>());
        Assert.True(reconnected.AudioReplayed > TimeSpan.Zero, "the utterance's audio was sent again");
        Assert.True(reconnected.AudioReplayed <= TimeSpan.FromSeconds(0.6) + TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimeSpan.Zero, reconnected.AudioDropped);
        Assert.True(events.IndexOf(reconnected) > events.IndexOf(events.OfType<Reconnecting>().Single()));
        Assert.IsType<Closed>(events[^1]);
        Assert.True(((Closed)events[^1]).ByClient);

        // The dropped connection's server heard only part of utterance A (or none of its transcript was sent).
        Assert.True(Server.RealtimeSessions.Count >= 2);
        var heardWhole = Server.RealtimeSessions.SelectMany(s => s.Utterances).Where(u => u.Transcript.EndsWith("Heard 0.60 seconds at 440 Hz.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(heardWhole);
    }

    [Theory]
    [InlineData(RealtimeDialect.OpenAITranscription, 1011)]
    [InlineData(RealtimeDialect.OpenAITranscription, 1012)]
    [InlineData(RealtimeDialect.VllmNative, 1001)]
    [InlineData(RealtimeDialect.VllmNative, 1013)]
    public async Task ARecoverableClose_Reconnects(RealtimeDialect dialect, int status)
    {
        var options = (dialect == RealtimeDialect.VllmNative ? Native() : OpenAI()) with { Reconnect = Fast };
        await using var rt = await Client.StartRealtimeSessionAsync(options);
        await rt.SendAudioAsync(Tone(0.3, 440));
        await Poll.UntilAsync(() => Appends(Connection()) >= 1);
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", CloseStatus = (WebSocketCloseStatus)status, CloseReason = "restart" });
        await rt.SendAudioAsync(Tone(0.2, 440));

        var t = await rt.TranscribeUtteranceAsync(ReadOnlyMemory<byte>.Empty);
        Assert.EndsWith("Heard 0.50 seconds at 440 Hz.", t.Transcript);
        var events = await ReadUntilAsync(rt, e => e is Reconnected);
        var reconnecting = Assert.Single(events.OfType<Reconnecting>());
        Assert.Equal((WebSocketCloseStatus)status, reconnecting.CloseStatus);
    }

    [Theory]
    [InlineData(RealtimeDialect.OpenAITranscription, 1000)]
    [InlineData(RealtimeDialect.OpenAITranscription, 1008)]
    [InlineData(RealtimeDialect.OpenAITranscription, 4001)]
    [InlineData(RealtimeDialect.VllmNative, 1000)]
    [InlineData(RealtimeDialect.VllmNative, 4000)]
    public async Task ANonRecoverableClose_DoesNotReconnect(RealtimeDialect dialect, int status)
    {
        var options = (dialect == RealtimeDialect.VllmNative ? Native() : OpenAI()) with { Reconnect = Fast };
        await using var rt = await Client.StartRealtimeSessionAsync(options);
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", CloseStatus = (WebSocketCloseStatus)status, CloseReason = "go away" });

        // The close may come while the later chunks are still going out: those sends then fail as the session is over.
        var sending = await Record.ExceptionAsync(() => rt.SendAudioAsync(Tone(0.3, 440)));
        Assert.True(sending is null or RealtimeException, sending?.ToString());

        var events = await ReadUntilAsync(rt, e => e is Closed);
        Assert.Equal((WebSocketCloseStatus)status, ((Closed)events[^1]).CloseStatus);
        Assert.DoesNotContain(events, e => e is Reconnecting or Reconnected);
        await Assert.ThrowsAsync<RealtimeException>(() => rt.CommitAsync());
        Assert.Single(Server.RealtimeSessions);
    }

    [Fact]
    public async Task WithoutReconnect_ADropEndsTheSessionAsBefore()
    {
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.commit", DropConnection = true });
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI());
        await rt.SendAudioAsync(Tone(0.3));
        await Assert.ThrowsAsync<RealtimeException>(() => rt.CommitAsync());
        var events = await ReadUntilAsync(rt, e => e is Closed);
        Assert.DoesNotContain(events, e => e is Reconnecting);
        Assert.Single(Server.RealtimeSessions);
    }

    [Fact]
    public async Task AnUpgradeRefusedWith401_StopsReconnecting_AndPendingCallsFail()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI() with { Reconnect = Fast });
        await rt.SendAudioAsync(Tone(0.3));
        await Poll.UntilAsync(() => Appends(Connection()) >= 1);
        Server.Options.ApiKey = "sk-another-key-entirely";
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.commit", DropConnection = true, SkipNormalHandling = true });

        var commit = rt.CommitAsync();
        var events = await ReadUntilAsync(rt, e => e is Closed);
        Assert.Single(events.OfType<Reconnecting>());
        var closed = (Closed)events[^1];
        Assert.Contains("401", closed.CloseDescription);
        Assert.False(closed.ByClient);
        await Assert.ThrowsAsync<RealtimeException>(() => commit);
        await Assert.ThrowsAsync<RealtimeException>(() => rt.SendAudioAsync(Tone(0.1)));
        Assert.Single(Server.RealtimeSessions);
    }

    [Fact]
    public async Task WhenAttemptsRunOut_TheStreamEndsWithClosed_AndWaitsFail()
    {
        var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = ApiKey });
        using var client = new AudioClient(new AudioClientOptions { Endpoint = server.Endpoint, ApiKey = ApiKey, Retry = AudioClientRetryOptions.None });
        await using var rt = await client.StartRealtimeSessionAsync(OpenAI() with { Reconnect = Fast, ConnectTimeout = TimeSpan.FromSeconds(2) });
        await rt.SendAudioAsync(Tone(0.3));
        await server.DisposeAsync();

        var events = await ReadUntilAsync(rt, e => e is Closed);
        Assert.Equal([1, 2, 3], events.OfType<Reconnecting>().Select(r => r.Attempt));
        Assert.DoesNotContain(events, e => e is Reconnected);
        Assert.False(((Closed)events[^1]).ByClient);
        await Assert.ThrowsAsync<RealtimeException>(() => rt.SendAudioAsync(Tone(0.1)));
        await Assert.ThrowsAsync<RealtimeException>(() => rt.WaitForTranscriptAsync("item_000"));
    }

    [Fact]
    public async Task SeveralUtterancesAwaitingTranscripts_AreAllReplayed_UnderTheirOwnIds()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI() with { Reconnect = Fast });
        var reading = ReadUntilAsync(rt, e => e is Closed, TimeSpan.FromSeconds(30));

        // The server confirms A and B but the connection drops before either transcript: both are replayed.
        var script = new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.commit", Send = "{\"type\":\"input_audio_buffer.committed\",\"item_id\":\"srv_a\"}", SkipNormalHandling = true };
        Server.EnqueueRealtime(script);
        await rt.SendAudioAsync(Tone(0.3, 300));
        var a = await rt.CommitAsync();
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.commit", Send = "{\"type\":\"input_audio_buffer.committed\",\"item_id\":\"srv_b\"}", SkipNormalHandling = true });
        await rt.SendAudioAsync(Tone(0.5, 500));
        var b = await rt.CommitAsync();
        Assert.Equal(["srv_a", "srv_b"], new[] { a.ItemId, b.ItemId });
        await rt.SendAudioAsync(Tone(0.2, 700));
        await Poll.UntilAsync(() => Appends(Connection()) >= 8);
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", DropConnection = true });
        await rt.SendAudioAsync(Tone(0.2, 700));

        var ta = await rt.WaitForTranscriptAsync("srv_a");
        var tb = await rt.WaitForTranscriptAsync("srv_b");
        var c = await rt.CommitAsync();
        var tc = await rt.WaitForTranscriptAsync(c.ItemId);
        await rt.DisposeAsync();
        var events = await reading;

        Assert.EndsWith("Heard 0.30 seconds at 300 Hz.", ta.Transcript);
        Assert.EndsWith("Heard 0.50 seconds at 500 Hz.", tb.Transcript);
        Assert.EndsWith("Heard 0.40 seconds at 700 Hz.", tc.Transcript);
        Assert.DoesNotContain(c.ItemId, new[] { "srv_a", "srv_b" });
        Assert.Equal(3, Assert.Single(events.OfType<Reconnected>()).UtterancesReplayed);
        Assert.Equal(["srv_a", "srv_b", c.ItemId], events.OfType<TranscriptCompleted>().Select(t => t.ItemId));
        Assert.Equal(["srv_a", "srv_b", c.ItemId], events.OfType<Committed>().Select(t => t.ItemId));
    }

    [Theory]
    [InlineData(RealtimeDialect.OpenAITranscription)]
    [InlineData(RealtimeDialect.VllmNative)]
    public async Task AResetInTheMiddleOfTheClientsSend_IsReplayed(RealtimeDialect dialect)
    {
        var options = (dialect == RealtimeDialect.VllmNative ? Native() : OpenAI()) with { Reconnect = Fast };
        await using var rt = await Client.StartRealtimeSessionAsync(options);
        await rt.SendAudioAsync(Tone(0.5, 250));
        await Poll.UntilAsync(() => Appends(Connection()) >= 5);
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", ResetDuringClientSend = true });
        await rt.SendAudioAsync(Tone(0.7, 250));

        var t = await rt.TranscribeUtteranceAsync(Tone(0.3, 250));
        Assert.EndsWith("Heard 1.50 seconds at 250 Hz.", t.Transcript);
        var events = await ReadUntilAsync(rt, e => e is TranscriptCompleted);
        Assert.Single(events.OfType<Reconnected>());
        Assert.Single(events.OfType<TranscriptCompleted>());
    }

    [Fact]
    public async Task DisposingDuringAnOutage_EndsAtOnce_AsClosedByTheClient()
    {
        var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = ApiKey });
        using var client = new AudioClient(new AudioClientOptions { Endpoint = server.Endpoint, ApiKey = ApiKey, Retry = AudioClientRetryOptions.None });
        var rt = await client.StartRealtimeSessionAsync(OpenAI() with { Reconnect = new() { InitialDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromSeconds(60) } });
        await rt.SendAudioAsync(Tone(0.2));
        await server.DisposeAsync();
        await ReadUntilAsync(rt, e => e is Reconnecting);
        var send = rt.SendAudioAsync(Tone(0.1));
        Assert.False(send.IsCompleted, "a send during the outage waits for it");

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await rt.DisposeAsync();
        var events = await ReadUntilAsync(rt, e => e is Closed);
        Assert.True(((Closed)events[^1]).ByClient);
        await Assert.ThrowsAnyAsync<Exception>(() => send);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), "dispose does not wait out the backoff");
    }

    [Fact]
    public void Options_AreChecked_BeforeAnyConnection()
    {
        var ex = Assert.Throws<ArgumentException>(() => { _ = Client.StartRealtimeSessionAsync(OpenAI() with
        {
            Reconnect = new RealtimeReconnectOptions
            {
                MaxAttempts = 0,
                MaxReplayDuration = TimeSpan.Zero,
                RecoverableCloseStatuses = new HashSet<WebSocketCloseStatus> { WebSocketCloseStatus.NormalClosure },
            },
        }); });
        Assert.Contains("MaxAttempts", ex.Message);
        Assert.Contains("MaxReplayDuration", ex.Message);
        Assert.Contains("1000", ex.Message);
        Assert.Empty(Server.RealtimeSessions);
    }

    [Fact]
    public void Backoff_DoublesUpToTheCap_WithJitterInTheUpperHalf()
    {
        var options = new RealtimeReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(700) };
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            foreach (var (attempt, nominal) in new[] { (1, 100.0), (2, 200.0), (3, 400.0), (4, 700.0), (9, 700.0) })
            {
                var delay = options.DelayBefore(attempt, random).TotalMilliseconds;
                Assert.InRange(delay, nominal / 2, nominal);
            }
        }
    }

    private static int Appends(ReceivedRealtimeSession session) => session.ClientMessages.Count(m => m.Contains("\"input_audio_buffer.append\"", StringComparison.Ordinal));
}
