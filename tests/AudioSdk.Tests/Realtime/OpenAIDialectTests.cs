using System.Net.WebSockets;
using System.Text.Json;
using AudioSdk.Audio;
using AudioSdk.Realtime;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

public sealed class OpenAIDialectTests : RealtimeTestBase
{
    [Fact]
    public async Task Handshake_UsesIntentBearerAndNoSubprotocol_AndTheGAUpdate()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI() with
        {
            Language = "en",
            AdditionalHeaders = new Dictionary<string, string> { ["X-Tenant"] = "blue" },
            AdditionalQueryParameters = new Dictionary<string, string> { ["trace"] = "1" },
        });

        var request = Server.Requests.Single(r => r.Path == "/v1/realtime");
        Assert.Equal("?intent=transcription&trace=1", request.Query);
        Assert.Equal("Bearer " + ApiKey, request.GetHeader("Authorization"));
        Assert.Equal("blue", request.GetHeader("X-Tenant"));
        Assert.Null(Connection().OfferedSubprotocols);
        using var update = JsonDocument.Parse(Connection().ClientMessages.First());
        Assert.Equal("session.update", update.RootElement.GetProperty("type").GetString());
        var input = update.RootElement.GetProperty("session").GetProperty("audio").GetProperty("input");
        Assert.Equal(24000, input.GetProperty("format").GetProperty("rate").GetInt32());
        Assert.Equal("gpt-4o-transcribe", input.GetProperty("transcription").GetProperty("model").GetString());
        Assert.Equal(24000, rt.SampleRate);
        Assert.StartsWith("sess_", rt.SessionId);
    }

    [Fact]
    public async Task Events_InOpenAIsOrder_WithUsageAndContentIndex()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI());
        await rt.SendAudioAsync(Tone(0.5));
        var committed = await rt.CommitAsync();
        var events = await ReadUntilAsync(rt, e => e is TranscriptCompleted);

        Assert.IsType<SessionCreated>(events[0]);
        Assert.IsType<SessionUpdated>(events[1]);
        Assert.IsType<Committed>(events[2]);
        var deltas = events.OfType<TranscriptDelta>().ToList();
        Assert.Equal(6, deltas.Count);
        Assert.All(deltas, d => Assert.Equal((committed.ItemId, 0), (d.ItemId, d.ContentIndex)));
        var completed = Assert.IsType<TranscriptCompleted>(events[^1]);
        Assert.Equal("Heard 0.50 seconds at 440 Hz.", completed.Transcript);
        Assert.Equal(string.Concat(deltas.Select(d => d.Delta)).Trim(), completed.Transcript);
        Assert.Equal(5, completed.Usage!.InputTokens);
        Assert.Equal(completed.Usage.InputTokens + completed.Usage.OutputTokens, completed.Usage.TotalTokens);
        Assert.Equal("tokens", completed.Usage.Raw.GetProperty("type").GetString());
    }

    [Fact]
    public async Task SeveralUtterances_OnOneSocket_AreKeyedByItem()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI());
        var a = await rt.TranscribeUtteranceAsync(Tone(0.5, 300));
        var b = await rt.TranscribeUtteranceAsync(Tone(1.0, 600));
        var events = await ReadUntilAsync(rt, e => e is TranscriptCompleted c && c.ItemId == b.ItemId);

        Assert.Equal(("item_000", "item_001"), (a.ItemId, b.ItemId));
        Assert.Equal("Heard 0.50 seconds at 300 Hz.", a.Transcript);
        Assert.Equal("Heard 1.00 seconds at 600 Hz.", b.Transcript);
        Assert.Equal("item_000", events.OfType<Committed>().Last().PreviousItemId);
        Assert.Single(Server.RealtimeSessions);
    }

    [Fact]
    public async Task EmptyCommit_IsAnErrorEvent_FailsTheCommit_AndTheSessionStaysOpen()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI());

        var ex = await Assert.ThrowsAsync<RealtimeException>(() => rt.CommitAsync());
        Assert.Equal("input_audio_buffer_commit_empty", ex.Code);
        Assert.Equal("evt_2", ex.Error!.ClientEventId);

        var after = await rt.TranscribeUtteranceAsync(Tone(0.3));
        Assert.Equal("Heard 0.30 seconds at 440 Hz.", after.Transcript);
        var events = await ReadUntilAsync(rt, e => e is TranscriptCompleted);
        Assert.Contains(events, e => e is ServerError { Code: "input_audio_buffer_commit_empty" });
    }

    [Fact]
    public async Task RefusedConfiguration_FailsTheStart()
    {
        var ex = await Assert.ThrowsAsync<RealtimeException>(() => Client.StartRealtimeSessionAsync(OpenAI(sessionRate: 16000)));
        Assert.Equal("invalid_value", ex.Code);
        Assert.Equal("session.audio.input.format.rate", ex.Error!.Param);
    }

    [Fact]
    public async Task ServerVad_SpeechStartedStoppedAndAutomaticCommit()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI() with { TurnDetection = new RealtimeTurnDetection { SilenceDurationMs = 400, PrefixPaddingMs = 100 } });
        byte[] audio = [.. new byte[16000], .. Tone(1.0, 500), .. new byte[32000]];
        await rt.SendAudioAsync(audio);
        var events = await ReadUntilAsync(rt, e => e is TranscriptCompleted);

        var started = Assert.Single(events.OfType<SpeechStarted>());
        var stopped = Assert.Single(events.OfType<SpeechStopped>());
        Assert.InRange(started.AudioStartMs, 380, 420);
        Assert.InRange(stopped.AudioEndMs, 1480, 1520);
        Assert.Equal(started.ItemId, Assert.Single(events.OfType<Committed>()).ItemId);
        Assert.Contains("at 500 Hz", Assert.IsType<TranscriptCompleted>(events[^1]).Transcript);
    }

    [Fact]
    public async Task Clear_IsAcknowledged_AndDropsTheAudio()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI());
        await rt.SendAudioAsync(Tone(2.0));
        await rt.ClearAsync();
        var t = await rt.TranscribeUtteranceAsync(Tone(0.2));
        Assert.Equal("Heard 0.20 seconds at 440 Hz.", t.Transcript);
    }

    [Fact]
    public async Task UnknownAndNonJsonServerMessages_AreEventsNotCrashes()
    {
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.commit", Send = """{"type":"rate_limits.updated","event_id":"x","rate_limits":[]}""" });
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", Send = "this is not json" });
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI());

        var t = await rt.TranscribeUtteranceAsync(Tone(0.3));
        var events = await ReadUntilAsync(rt, e => e is TranscriptCompleted);

        Assert.Contains(events, e => e is UnknownMessage { EventType: "rate_limits.updated" });
        Assert.Contains(events, e => e is UnknownMessage { EventType: "(not json)", RawText: "this is not json" });
        Assert.Equal("Heard 0.30 seconds at 440 Hz.", t.Transcript);
    }

    [Fact]
    public async Task ServerCloseMidUtterance_EndsTheStreamWithClosed_AndFailsThePendingCall()
    {
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.commit", CloseStatus = WebSocketCloseStatus.InternalServerError, CloseReason = "backend died" });
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI());
        await rt.SendAudioAsync(Tone(0.5));

        var ex = await Assert.ThrowsAsync<RealtimeException>(() => rt.CommitAsync());
        Assert.Contains("backend died", ex.Message);
        var events = await ReadUntilAsync(rt, _ => false);
        var closed = Assert.IsType<Closed>(events[^1]);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, closed.CloseStatus);
        Assert.Equal("backend died", closed.CloseDescription);
        Assert.False(closed.ByClient);
        await Assert.ThrowsAsync<RealtimeException>(() => rt.SendAudioAsync(Tone(0.1)));
    }

    [Fact]
    public async Task DroppedConnection_EndsTheStreamWithClosed()
    {
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.commit", DropConnection = true });
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI());
        await rt.SendAudioAsync(Tone(0.5));

        await Assert.ThrowsAsync<RealtimeException>(() => rt.CommitAsync());
        var closed = Assert.IsType<Closed>((await ReadUntilAsync(rt, _ => false))[^1]);
        Assert.Null(closed.CloseStatus);
    }

    [Fact]
    public async Task Dispose_ClosesWithAHandshake_AndTheStreamEndsWithClosed()
    {
        var rt = await Client.StartRealtimeSessionAsync(OpenAI());
        await rt.DisposeAsync();

        var events = await ReadUntilAsync(rt, _ => false);
        var closed = Assert.IsType<Closed>(events[^1]);
        Assert.True(closed.ByClient);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, closed.CloseStatus);
        await Poll.UntilAsync(() => Connection().Ended);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => rt.SendAudioAsync(Tone(0.1)));
    }

    [Fact]
    public async Task StereoWavAt44100_ArrivesAt24kMonoWithTheRightDurationAndPitch()
    {
        var mono = Enumerable.Range(0, 44100 * 2).Select(i => (float)(0.4 * Math.Sin(2 * Math.PI * 700 * i / 44100))).ToArray();
        var wav = WavFile.Write(mono.SelectMany(v => new[] { v, v }).ToArray(), new WavFormat(WavEncoding.Pcm, 44100, 2, 16));
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI(inputRate: 44100));

        await rt.SendWavAsync(new MemoryStream(wav));
        var committed = await rt.CommitAsync();
        var t = await rt.WaitForTranscriptAsync(committed.ItemId);

        Assert.Equal("Heard 2.00 seconds at 700 Hz.", t.Transcript);
        Assert.Equal(24000 * 2 * 2, Connection().Utterances.Single().Bytes.Length);
    }

    [Fact]
    public async Task ConfigurationNotConfirmed_TimesOut()
    {
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "session.update", SkipNormalHandling = true });
        var ex = await Assert.ThrowsAsync<AudioTransportException>(() => Client.StartRealtimeSessionAsync(OpenAI() with { ConnectTimeout = TimeSpan.FromSeconds(1.5) }));
        Assert.True(ex.IsTimeout);
        Assert.IsType<TimeoutException>(ex.InnerException);
        Assert.Contains("session.updated", ex.Message);
    }

    [Fact]
    public void InvalidOptions_ListEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => { _ = Client.StartRealtimeSessionAsync(new RealtimeSessionOptions { InputSampleRate = 0, ChunkDuration = TimeSpan.Zero }); });
        Assert.Contains("Model", ex.Message);
        Assert.Contains("InputSampleRate", ex.Message);
        Assert.Contains("ChunkDuration", ex.Message);
        Assert.Empty(Server.RealtimeSessions);
    }
}
