using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using AudioSdk.Audio;
using AudioSdk.Realtime;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

public sealed class NativeDialectTests : RealtimeTestBase
{
    private static List<string> Types(ReceivedRealtimeSession connection) =>
        connection.ClientMessages.Select(m => JsonDocument.Parse(m).RootElement).Select(e => e.GetProperty("type").GetString() + (e.TryGetProperty("final", out var f) && f.GetBoolean() ? "(final)" : string.Empty)).ToList();

    [Fact]
    public async Task Utterance_FollowsTheNativeLifecycle_WithSynthesizedEvents()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(Native() with { ChunkDuration = TimeSpan.FromMilliseconds(250) });
        await rt.SendAudioAsync(Tone(1.0, 220));
        var committed = await rt.CommitAsync();
        var events = await ReadUntilAsync(rt, e => e is TranscriptCompleted);

        var request = Server.Requests.Single(r => r.Path == "/v1/realtime");
        Assert.Equal("?model=voxtral-mini-4b-realtime", request.Query);
        Assert.Equal("Bearer " + ApiKey, request.GetHeader("Authorization"));
        Assert.Equal(["session.update", "input_audio_buffer.commit", "input_audio_buffer.append", "input_audio_buffer.append", "input_audio_buffer.append", "input_audio_buffer.append", "input_audio_buffer.commit(final)"], Types(Connection()));
        Assert.Equal("""{"type":"session.update","model":"voxtral-mini-4b-realtime"}""", Connection().ClientMessages.First());

        Assert.IsType<SessionCreated>(events[0]);
        Assert.StartsWith("sess-", rt.SessionId);
        Assert.True(Assert.IsType<SessionUpdated>(events[1]).IsSynthesized);
        Assert.True(committed.IsSynthesized);
        Assert.Equal("item_001", committed.ItemId);
        var deltas = events.OfType<TranscriptDelta>().ToList();
        Assert.Equal(6, deltas.Count);
        Assert.All(deltas, d => Assert.False(string.IsNullOrEmpty(d.Delta)));
        Assert.All(deltas, d => Assert.Equal("item_001", d.ItemId));
        var done = Assert.IsType<TranscriptCompleted>(events[^1]);
        Assert.Equal(" Heard 1.00 seconds at 220 Hz.", done.Transcript);
        Assert.Equal(string.Concat(deltas.Select(d => d.Delta)), done.Transcript);
        Assert.Equal((39, 13, 52), (done.Usage!.InputTokens, done.Usage.OutputTokens, done.Usage.TotalTokens));
        Assert.Equal(JsonValueKind.Null, done.Usage.Raw.GetProperty("prompt_tokens_details").ValueKind);
    }

    [Fact]
    public async Task SeveralUtterances_ReconnectPerUtterance_OneOrderedStream()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(Native());
        var a = await rt.TranscribeUtteranceAsync(Tone(0.4, 300));
        var b = await rt.TranscribeUtteranceAsync(Tone(0.8, 500));
        var c = await rt.TranscribeUtteranceAsync(Tone(0.2, 700));
        var events = await ReadUntilAsync(rt, e => e is TranscriptCompleted t && t.ItemId == c.ItemId);

        Assert.Equal(new string?[] { "item_001", "item_002", "item_003" }, new[] { a.ItemId, b.ItemId, c.ItemId });
        Assert.Equal(" Heard 0.80 seconds at 500 Hz.", b.Transcript);
        Assert.Equal(3, Server.RealtimeSessions.Count);
        Assert.All(Server.RealtimeSessions, s => Assert.Single(s.Utterances));
        Assert.Single(events.OfType<SessionCreated>());
        Assert.Single(events.OfType<SessionUpdated>());
        Assert.Equal(["item_001", "item_002", "item_003"], events.OfType<Committed>().Select(x => x.ItemId));
        var order = events.Where(e => e is Committed or TranscriptCompleted).Select(e => e is Committed x ? "c" + x.ItemId : "t" + ((TranscriptCompleted)e).ItemId);
        Assert.Equal(["citem_001", "titem_001", "citem_002", "titem_002", "citem_003", "titem_003"], order);
        await Poll.UntilAsync(() => Server.RealtimeSessions.Take(2).All(s => s.Ended));
    }

    [Fact]
    public async Task EmptyCommit_IsRefusedLocally_WithTheSameCodeAsOpenAI()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(Native());
        var ex = await Assert.ThrowsAsync<RealtimeException>(() => rt.CommitAsync());
        Assert.Equal("input_audio_buffer_commit_empty", ex.Code);
        Assert.DoesNotContain(Types(Connection()), t => t.StartsWith("input_audio_buffer.commit", StringComparison.Ordinal));
        Assert.Contains(await ReadUntilAsync(rt, e => e is ServerError), e => e is ServerError { Code: "input_audio_buffer_commit_empty" });
    }

    [Fact]
    public async Task OddByteCounts_AreCarried_SoOnlyWholeSamplesAreSent()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(Native());
        var tone = Tone(0.5);
        await rt.SendAudioAsync(tone.AsMemory(0, 3));
        await rt.SendAudioAsync(tone.AsMemory(3, 1001));
        await rt.SendAudioAsync(tone.AsMemory(1004));
        var t = await rt.WaitForTranscriptAsync((await rt.CommitAsync()).ItemId);

        Assert.Equal(tone, Connection().Utterances.Single().Bytes);
        Assert.Equal(" Heard 0.50 seconds at 440 Hz.", t.Transcript);
        Assert.DoesNotContain(await ReadUntilAsync(rt, e => e is TranscriptCompleted), e => e is ServerError);
    }

    [Fact]
    public async Task UnknownModel_IsReported_AndFailsTheUtterance()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(Native() with { Model = "no-such-model" });
        var ex = await Assert.ThrowsAsync<RealtimeException>(() => rt.TranscribeUtteranceAsync(Tone(0.2)));
        var errors = (await ReadUntilAsync(rt, e => e is ServerError)).OfType<ServerError>().ToList();

        Assert.Equal("model_not_found", errors[0].Code);
        Assert.Equal("The model `no-such-model` does not exist.", errors[0].Message);
        Assert.Equal("model_not_found", ex.Code);
    }

    [Fact]
    public async Task StereoWavAt44100_ArrivesAs16kMonoWithTheRightDurationAndPitch()
    {
        var mono = Enumerable.Range(0, 44100 * 3 / 2).Select(i => (float)(0.4 * Math.Sin(2 * Math.PI * 1000 * i / 44100))).ToArray();
        var stereo = mono.SelectMany(v => new[] { v, v * 0.5f }).ToArray();
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".wav");
        await File.WriteAllBytesAsync(path, WavFile.Write(stereo, new WavFormat(WavEncoding.Pcm, 44100, 2, 16)));
        try
        {
            await using var rt = await Client.StartRealtimeSessionAsync(Native(inputRate: 44100));
            await rt.SendWavFileAsync(path);
            var t = await rt.WaitForTranscriptAsync((await rt.CommitAsync()).ItemId);

            var utterance = Connection().Utterances.Single();
            Assert.Equal(16000, utterance.SampleRate);
            Assert.Equal(24000 * 2, utterance.Bytes.Length);
            Assert.Equal(" Heard 1.50 seconds at 1000 Hz.", t.Transcript);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task StreamedWav_WithUnknownSize_FromANonSeekableStream_IsSentWhole()
    {
        var mono = Enumerable.Range(0, 48000 * 2).Select(i => (float)(0.4 * Math.Sin(2 * Math.PI * 600 * i / 48000))).ToArray();
        var wav = WavFile.Write(mono, new WavFormat(WavEncoding.IeeeFloat, 48000, 1, 32));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(40), uint.MaxValue);
        await using var rt = await Client.StartRealtimeSessionAsync(Native(inputRate: 48000));

        await rt.SendWavAsync(new NonSeekable(wav));
        var t = await rt.WaitForTranscriptAsync((await rt.CommitAsync()).ItemId);

        Assert.Equal(16000 * 2 * 2, Connection().Utterances.Single().Bytes.Length);
        Assert.Equal(" Heard 2.00 seconds at 600 Hz.", t.Transcript);
    }

    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public async Task RawPcmAt48k_IsResampledWithTheBandLimitedResampler_NotLinearly()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(Native(inputRate: 48000));
        var tone = Tone(1.0, 3000, 48000);
        for (var offset = 0; offset < tone.Length; offset += 9600)
        {
            await rt.SendAudioAsync(tone.AsMemory(offset, 9600));
        }

        var t = await rt.WaitForTranscriptAsync((await rt.CommitAsync()).ItemId);
        var received = Pcm16.FromBytes(Connection().Utterances.Single().Bytes);
        var expected = AudioResampler.Resample(Pcm16.FromBytes(tone), 48000, 16000);
        Assert.Equal(expected, received);
        Assert.Equal(" Heard 1.00 seconds at 3000 Hz.", t.Transcript);
    }

    [Fact]
    public async Task ServerCloseMidUtterance_EndsTheStream_AndFailsTheWait()
    {
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.commit", Delay = TimeSpan.FromMilliseconds(1), SkipNormalHandling = false });
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", CloseStatus = WebSocketCloseStatus.EndpointUnavailable, CloseReason = "engine restarting" });
        await using var rt = await Client.StartRealtimeSessionAsync(Native());

        await rt.SendAudioAsync(Tone(0.3));
        await Assert.ThrowsAnyAsync<RealtimeException>(async () => await rt.WaitForTranscriptAsync((await rt.CommitAsync()).ItemId));
        var closed = Assert.IsType<Closed>((await ReadUntilAsync(rt, _ => false))[^1]);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, closed.CloseStatus);
    }

    /// <summary>The test server's native quirks, seen with a bare socket: no session.updated, empty deltas, flat errors, a commit before session.update refused, audio after final ignored.</summary>
    [Fact]
    public async Task TestServer_NativeQuirks_AreFaithful()
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + ApiKey);
        await socket.ConnectAsync(new Uri(Server.Endpoint.ToString().Replace("http", "ws") + "/realtime?model=voxtral-mini-4b-realtime"), CancellationToken.None);
        var received = new List<JsonElement>();
        async Task Send(string json) => await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);
        async Task<JsonElement> Next()
        {
            var buffer = new byte[1 << 16];
            var r = await socket.ReceiveAsync(buffer, new CancellationTokenSource(5000).Token);
            var e = JsonDocument.Parse(buffer.AsMemory(0, r.Count)).RootElement.Clone();
            received.Add(e);
            return e;
        }

        Assert.Equal("session.created", (await Next()).GetProperty("type").GetString());
        await Send("""{"type":"input_audio_buffer.commit"}""");
        var refused = await Next();
        Assert.Equal(("error", "model_not_validated"), (refused.GetProperty("type").GetString(), refused.GetProperty("code").GetString()));
        Assert.Equal(JsonValueKind.String, refused.GetProperty("error").ValueKind);
        await Send("""{"type":"session.update","model":"voxtral-mini-4b-realtime"}""");
        await Send("""{"type":"input_audio_buffer.clear"}""");
        Assert.Equal("unknown_event", (await Next()).GetProperty("code").GetString());
        await Send("""{"type":"input_audio_buffer.append","audio":"AAE="}""".Replace("AAE=", Convert.ToBase64String(new byte[3])));
        Assert.Equal("invalid_audio", (await Next()).GetProperty("code").GetString());
        await Send("{not json");
        Assert.Equal("invalid_json", (await Next()).GetProperty("code").GetString());
        await Send("""{"type":"input_audio_buffer.commit"}""");
        await Send("""{"type":"input_audio_buffer.append","audio":"X"}""".Replace("X", Convert.ToBase64String(Tone(0.5))));
        await Send("""{"type":"input_audio_buffer.commit","final":true}""");
        await Send("""{"type":"input_audio_buffer.append","audio":"X"}""".Replace("X", Convert.ToBase64String(Tone(2.0))));
        JsonElement done;
        while ((done = await Next()).GetProperty("type").GetString() != "transcription.done")
        {
        }

        Assert.Equal(" Heard 0.50 seconds at 440 Hz.", done.GetProperty("text").GetString());
        Assert.Contains(received, e => e.GetProperty("type").GetString() == "transcription.delta" && e.GetProperty("delta").GetString() == string.Empty);
        Assert.DoesNotContain(received, e => e.GetProperty("type").GetString() == "session.updated");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }
}
