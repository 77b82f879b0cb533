using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using AudioSdk.Audio;
using AudioSdk.Realtime;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace AudioSdk.Tests.Realtime;

/// <summary>What must hold whatever the server or the caller sends, over real sockets in both dialects.</summary>
public sealed class RealtimeRobustnessTests : RealtimeTestBase
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(RealtimeDialect.OpenAITranscription)]
    [InlineData(RealtimeDialect.VllmNative)]
    public async Task OddTrailingByte_NeverCrossesAnUtterance(RealtimeDialect dialect)
    {
        var logs = new CapturingLoggerFactory();
        using var client = CreateClient(o => o.LoggerFactory = logs);
        var rate = dialect == RealtimeDialect.VllmNative ? 16000 : 24000;
        await using var rt = await client.StartRealtimeSessionAsync(dialect == RealtimeDialect.VllmNative ? Native() : OpenAI(inputRate: rate));

        var first = await rt.TranscribeUtteranceAsync(Tone(1.0, 440, rate).Append((byte)0x5A).ToArray());
        var second = await rt.TranscribeUtteranceAsync(Tone(1.0, 660, rate));

        Assert.Equal("Heard 1.00 seconds at 440 Hz.", first.Transcript.Trim());
        Assert.Equal("Heard 1.00 seconds at 660 Hz.", second.Transcript.Trim());
        var utterances = Server.RealtimeSessions.SelectMany(s => s.Utterances).ToList();
        Assert.Equal([rate * 2, rate * 2], utterances.Select(u => u.Bytes.Length));
        Assert.Equal(Tone(1.0, 660, rate), utterances[1].Bytes);
        Assert.Contains(logs.Entries, e => e.EventId.Id == 32 && e.Level == LogLevel.Debug);
    }

    [Fact]
    public async Task OddByte_CarriesWithinAnUtterance()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(Native());
        var tone = Tone(0.5, 440);
        await rt.SendAudioAsync(tone.AsMemory(0, 1001));
        await rt.SendAudioAsync(tone.AsMemory(1001));
        await rt.WaitForTranscriptAsync((await rt.CommitAsync()).ItemId);

        Assert.Equal(tone, Connection().Utterances.Single().Bytes);
    }

    [Fact]
    public async Task MalformedServerMessages_BecomeEventsWithFieldsMissingOrUnknown_AndTheSessionGoesOn()
    {
        var logs = new CapturingLoggerFactory();
        using var client = CreateClient(o => o.LoggerFactory = logs);
        string[] texts =
        [
            """{"type":"conversation.item.input_audio_transcription.delta","item_id":"item_000","delta":" x","logprobs":[{"token":"a","logprob":null,"bytes":null}]}""",
            """{"type":"conversation.item.input_audio_transcription.delta","item_id":null,"delta":["not","a","string"],"content_index":"zero"}""",
            """{"type":"input_audio_buffer.speech_started","item_id":{"a":1},"audio_start_ms":1e400}""",
            """{"type":"error","error":{"type":null,"message":"broken \ud800 text","code":123456789012345678901234567890,"event_id":"evt_999"}}""",
            """{"type":"conversation.item.input_audio_transcription.completed","item_id":"item_x","transcript":null,"usage":{"type":"duration","seconds":1e308}}""",
            """{"type":"conversation.item.input_audio_transcription.completed","usage":""" + new string('[', 500) + new string(']', 500) + "}",
            """{"type":"input_audio_buffer.speech_stopped","item_id":"\udc00","audio_end_ms":-99999999999}""",
            """{"type":null}""",
            """[1,2,3]""",
            """{"type":"session.updated","session":""",
        ];
        foreach (var text in texts)
        {
            Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", Send = text });
        }

        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", SendRaw = [0x7B, 0xFF, 0xFE, 0xC3, 0x28, 0x7D], RawMessageType = WebSocketMessageType.Binary });
        await using var rt = await client.StartRealtimeSessionAsync(OpenAI(inputRate: 24000) with { ChunkDuration = TimeSpan.FromMilliseconds(20) });
        var t = await rt.TranscribeUtteranceAsync(Tone(0.5, 440, 24000));
        var t2 = await rt.TranscribeUtteranceAsync(Tone(0.3, 440, 24000));
        var events = await ReadUntilAsync(rt, e => e is TranscriptCompleted c && c.ItemId == t2.ItemId);

        Assert.Equal("Heard 0.50 seconds at 440 Hz.", t.Transcript);
        Assert.DoesNotContain(events, e => e is Closed);
        Assert.Contains(events, e => e is TranscriptDelta { ItemId: "item_000", Delta: " x" });
        Assert.Contains(events, e => e is TranscriptDelta { ItemId: null, Delta: "", ContentIndex: null });
        Assert.Contains(events, e => e is SpeechStarted { ItemId: null, AudioStartMs: 0 });
        Assert.Contains(events, e => e is ServerError { Message: "(no message)", Code: "123456789012345678901234567890" });
        Assert.Contains(events, e => e is TranscriptCompleted { ItemId: "item_x", Transcript: "", Usage: not null });
        Assert.Contains(events, e => e is SpeechStopped { ItemId: null, AudioEndMs: 0 });
        Assert.Equal(5, events.OfType<UnknownMessage>().Count());
        Assert.Contains(events, e => e is UnknownMessage { EventType: "(not json)" } u && u.RawText.Contains(new string('[', 500), StringComparison.Ordinal));
        var debug = logs.Entries.Where(e => e.EventId.Id == 31 && e.Level == LogLevel.Debug).Select(e => e.Message).ToList();
        Assert.Equal(5, debug.Count(m => !m.Contains("field '", StringComparison.Ordinal)));
        Assert.Contains(debug, m => m.Contains("field 'delta' left out (Array)", StringComparison.Ordinal));
        Assert.Contains(debug, m => m.Contains("field 'item_id' left out (Object)", StringComparison.Ordinal));
        Assert.Contains(debug, m => m.Contains("left out (not valid UTF-16)", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("Heard", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(RealtimeDialect.OpenAITranscription)]
    [InlineData(RealtimeDialect.VllmNative)]
    public async Task ResetWhileSending_IsARealtimeException_NeverAnUnrequestedCancellation(RealtimeDialect dialect)
    {
        var chunk = Tone(0.1, 440, 24000);
        for (var attempt = 0; attempt < 8; attempt++)
        {
            Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", ResetDuringClientSend = true });
            await using var rt = await Client.StartRealtimeSessionAsync(dialect == RealtimeDialect.VllmNative ? Native(24000) : OpenAI(inputRate: 24000));
            var ex = await Record.ExceptionAsync(async () =>
            {
                for (var i = 0; i < 10_000; i++)
                {
                    await rt.SendAudioAsync(chunk);
                }
            }).WaitAsync(Guard);

            Assert.IsType<RealtimeException>(ex);
            await Assert.ThrowsAsync<RealtimeException>(() => rt.CommitAsync());
        }
    }

    [Theory]
    [InlineData(RealtimeDialect.OpenAITranscription)]
    [InlineData(RealtimeDialect.VllmNative)]
    public async Task SessionCreated_IsAlwaysTheFirstEvent_EvenWhenTheServerSaysSomethingElseFirst(RealtimeDialect dialect)
    {
        await using var server = RawWebSocketServer.Start(async c =>
        {
            await c.AcceptAsync();
            await c.SendTextAsync(dialect == RealtimeDialect.VllmNative
                ? """{"type":"error","error":"warming up","code":"processing_error"}"""
                : """{"type":"error","event_id":"e0","error":{"type":"server_error","message":"warming up"}}""");
            await c.SendTextAsync("""{"type":"session.created","id":"sess-raw","session":{"id":"sess-raw"}}""");
            await c.ReadUntilAsync("session.update");
            if (dialect == RealtimeDialect.OpenAITranscription)
            {
                await c.SendTextAsync("""{"type":"session.updated","session":{}}""");
            }

            await c.ReadFrameAsync();
        });
        using var client = RealtimeFaultMatrixTests.Client(server);
        await using var rt = await client.StartRealtimeSessionAsync(RealtimeFaultMatrixTests.Options(dialect));
        var events = await ReadUntilAsync(rt, e => e is SessionUpdated);

        Assert.IsType<SessionCreated>(events[0]);
        Assert.Contains(events, e => e is ServerError { Message: "warming up" });
    }

    [Fact]
    public async Task Native_WrongModel_FailsWithModelNotFound_NotTheFollowOnError()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(Native() with { Model = "no-such-model" });

        var ex = await Assert.ThrowsAsync<RealtimeException>(() => rt.TranscribeUtteranceAsync(Tone(0.2)));
        var again = await Assert.ThrowsAsync<RealtimeException>(() => rt.SendAudioAsync(Tone(0.2)));

        Assert.Equal("model_not_found", ex.Code);
        Assert.Equal("The model `no-such-model` does not exist.", ex.Error!.Message);
        Assert.Equal("model_not_found", again.Code);
    }

    [Fact]
    public async Task TheKey_NeverAppears_InErrorEventsCloseReasonsExceptionsOrLogs_EvenJsonEscaped()
    {
        const string key = "sk-escaped-secret-42";
        var escaped = string.Concat(key.Select(ch => $"\\u{(int)ch:x4}"));
        var logs = new CapturingLoggerFactory();
        var release = new TaskCompletionSource();
        await using var server = RawWebSocketServer.Start(async c =>
        {
            await RealtimeFaultMatrixTests.HandshakeAsync(c, RealtimeDialect.OpenAITranscription);
            await c.SendTextAsync("{\"type\":\"error\",\"event_id\":\"e9\",\"error\":{\"type\":\"invalid_request_error\",\"code\":\"bad_key\",\"message\":\"Incorrect API key provided: " + escaped + "\",\"param\":\"" + escaped + "\"}}");
            await c.SendTextAsync("{\"type\":\"conversation.item.input_audio_transcription.failed\",\"item_id\":\"item_001\",\"error\":{\"message\":\"key " + escaped + "\"}}");
            await c.SendTextAsync("{\"type\":\"mystery." + escaped + "\",\"k\":\"" + escaped + "\"}");
            await release.Task.WaitAsync(Guard);
            await c.SendCloseAsync(1008, "bad key " + key);
            await c.ReadFrameAsync();
        });
        using var client = new AudioClient(new AudioClientOptions { Endpoint = server.Endpoint, ApiKey = key, Retry = AudioClientRetryOptions.None, LoggerFactory = logs });
        await using var rt = await client.StartRealtimeSessionAsync(RealtimeFaultMatrixTests.Options());
        var failed = rt.WaitForTranscriptAsync("item_001");
        var before = await ReadUntilAsync(rt, e => e is UnknownMessage);
        var pending = rt.WaitForTranscriptAsync("item_002");
        release.SetResult();
        var after = await ReadUntilAsync(rt, e => e is Closed);
        var exceptions = new List<Exception>
        {
            await Assert.ThrowsAsync<RealtimeException>(() => failed),
            await Assert.ThrowsAsync<RealtimeException>(() => pending),
            await Assert.ThrowsAsync<RealtimeException>(() => rt.CommitAsync()),
        };

        var error = before.OfType<ServerError>().Single();
        Assert.Equal("Incorrect API key provided: ***", error.Message);
        Assert.Equal("***", error.Param);
        var texts = before.Concat(after).SelectMany(e => new[] { e.ToString(), e.Raw.ValueKind == JsonValueKind.Undefined ? string.Empty : e.Raw.GetRawText(), (e as UnknownMessage)?.RawText, e.EventType, (e as Closed)?.CloseDescription, (e as TranscriptFailed)?.Message, (e as ServerError)?.Message })
            .Concat(exceptions.Select(e => e.ToString()))
            .Concat(logs.Entries.Select(e => e.Message + string.Join(' ', e.Values.Values)));
        Assert.All(texts, t => Assert.DoesNotContain(key, t ?? string.Empty));
        Assert.All(texts, t => Assert.DoesNotContain(escaped, t ?? string.Empty));
        Assert.Equal("bad key ***", after.OfType<Closed>().Single().CloseDescription);
    }

    [Theory]
    [InlineData(2_112_000_000, 1)]
    [InlineData(16000, 16_383)]
    public async Task HostileWavHeader_IsAWavFormatException_BeforeAnyAudioIsSent(int rate, int channels)
    {
        var header = new byte[44];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), 236);
        "WAVEfmt "u8.CopyTo(header.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(22), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(28), unchecked((uint)(rate * channels * 2)));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(32), (ushort)(channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(34), 16);
        "data"u8.CopyTo(header.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), 200);
        var file = header.Concat(new byte[200]).ToArray();
        await using var rt = await Client.StartRealtimeSessionAsync(Native());

        await Assert.ThrowsAsync<WavFormatException>(() => rt.SendWavAsync(new MemoryStream(file)));

        Assert.DoesNotContain(Connection().ClientMessages, m => m.Contains("append", StringComparison.Ordinal));
        Assert.Equal("Heard 0.20 seconds at 440 Hz.", (await rt.TranscribeUtteranceAsync(Tone(0.2))).Transcript.Trim());
    }
}
