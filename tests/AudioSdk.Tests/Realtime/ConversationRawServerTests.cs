using System.Text;
using System.Text.Json;
using AudioSdk.Realtime;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// The conversation dialect against a server written byte by byte from the reference's flows (a raw TCP WebSocket):
/// function calling that waits for the calling response to end, barge-in truncation capped at the audio received,
/// an error in the middle of a response, and a refused response.create.
/// </summary>
public sealed class ConversationRawServerTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    private static RealtimeSessionOptions Options(RealtimeTurnDetection? turns = null) => new()
    {
        Dialect = RealtimeDialect.OpenAIConversation,
        Model = "gpt-realtime",
        TurnDetection = turns,
        ResponseTimeout = TimeSpan.FromSeconds(15),
        Conversation = new RealtimeConversationOptions { Tools = [new RealtimeFunctionTool("get_weather", "Weather for a city.")] },
    };

    private static async Task HandshakeAsync(RawWebSocketConnection c)
    {
        await c.AcceptAsync();
        await c.SendTextAsync("""{"type":"session.created","event_id":"event_1","session":{"type":"realtime","object":"realtime.session","id":"sess_raw"}}""");
        await c.ReadUntilAsync("session.update");
        await c.SendTextAsync("""{"type":"session.updated","event_id":"event_2","session":{"type":"realtime"}}""");
    }

    private static async Task<string?> NextTextAsync(RawWebSocketConnection c) => await c.ReadFrameAsync() is { Opcode: 1 } frame ? Encoding.UTF8.GetString(frame.Payload) : null;

    /// <summary>Reads until the client's close frame and answers it, so a dispose ends at once.</summary>
    private static async Task CloseWhenAskedAsync(RawWebSocketConnection c)
    {
        while (await c.ReadFrameAsync() is { } frame)
        {
            if (frame.Opcode == 8)
            {
                await c.SendCloseAsync(1000, "bye");
                return;
            }
        }
    }

    private static string Audio(int milliseconds) => Convert.ToBase64String(new byte[milliseconds * 48]);

    [Fact]
    public async Task AFunctionCall_IsAnswered_ThenTheNextResponseWaitsForTheCallingOneToEnd()
    {
        var seen = new List<string>();
        var early = false;
        await using var server = RawWebSocketServer.Start(async c =>
        {
            await HandshakeAsync(c);
            seen.Add(JsonDocument.Parse((await c.ReadUntilAsync("response.create"))!).RootElement.GetProperty("type").GetString()!);
            await c.SendTextAsync("""{"type":"response.created","response":{"id":"resp_1","status":"in_progress","output":[]}}""");
            await c.SendTextAsync("""{"type":"response.output_item.added","response_id":"resp_1","output_index":0,"item":{"id":"fc_1","type":"function_call","call_id":"call_1","name":"get_weather"}}""");
            await c.SendTextAsync("""{"type":"response.function_call_arguments.delta","response_id":"resp_1","item_id":"fc_1","output_index":0,"call_id":"call_1","delta":"{\"city\":\"Os"}""");
            await c.SendTextAsync("""{"type":"response.function_call_arguments.delta","response_id":"resp_1","item_id":"fc_1","output_index":0,"call_id":"call_1","delta":"lo\"}"}""");
            await c.SendTextAsync("""{"type":"response.function_call_arguments.done","response_id":"resp_1","item_id":"fc_1","output_index":0,"call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}""");
            var output = await NextTextAsync(c);
            seen.Add(output!);

            // A response.create before the calling response's done would be refused by the real service.
            var pending = NextTextAsync(c);
            early = await Task.WhenAny(pending, Task.Delay(300)) == pending;
            await c.SendTextAsync("""{"type":"response.done","response":{"id":"resp_1","status":"completed","output":[{"id":"fc_1","type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}]}}""");
            var next = await pending;
            seen.Add(next is not null && next.Contains("response.create", StringComparison.Ordinal) ? "response.create" : "(other) " + next);
            await c.SendTextAsync("""{"type":"response.created","response":{"id":"resp_2","status":"in_progress","output":[]}}""");
            await c.SendTextAsync("""{"type":"response.output_text.delta","response_id":"resp_2","item_id":"item_3","output_index":0,"content_index":0,"delta":"It is 4 degrees."}""");
            await c.SendTextAsync("""{"type":"response.done","response":{"id":"resp_2","status":"completed","output":[{"id":"item_3"}],"usage":{"total_tokens":9,"input_tokens":5,"output_tokens":4}}}""");
            await CloseWhenAskedAsync(c);
        });
        using var client = RealtimeFaultMatrixTests.Client(server);
        await using var rt = await client.StartRealtimeSessionAsync(Options());
        var created = await rt.CreateResponseAsync();
        Assert.Equal("resp_1", created.ResponseId);

        FunctionCallArgumentsDone? call = null;
        var pieces = new StringBuilder();
        using var cts = new CancellationTokenSource(Guard);
        await foreach (var e in rt.ReadEventsAsync(cts.Token))
        {
            if (e is FunctionCallArgumentsDelta d)
            {
                pieces.Append(d.Delta);
            }
            else if (e is FunctionCallArgumentsDone done)
            {
                call = done;
                break;
            }
        }

        string? toolSaw = null;
        var next = await rt.AnswerFunctionCallAsync(call!, (c, _) => { toolSaw = c.Name + " " + c.Arguments; return ValueTask.FromResult("{\"temp_c\":4}"); });
        var finished = await rt.WaitForResponseAsync(next.ResponseId!);

        Assert.Equal("{\"city\":\"Oslo\"}", pieces.ToString());
        Assert.Equal("get_weather {\"city\":\"Oslo\"}", toolSaw);
        Assert.Equal("resp_2", next.ResponseId);
        Assert.Equal(("completed", 9), (finished.Status, finished.Usage!.TotalTokens));
        Assert.False(early, "response.create went out before the calling response ended");
        Assert.Equal("response.create", seen[0]);
        var item = JsonDocument.Parse(seen[1]).RootElement;
        Assert.Equal("conversation.item.create", item.GetProperty("type").GetString());
        Assert.Equal(("function_call_output", "call_1", "{\"temp_c\":4}"), (item.GetProperty("item").GetProperty("type").GetString(), item.GetProperty("item").GetProperty("call_id").GetString(), item.GetProperty("item").GetProperty("output").GetString()));
        Assert.Equal("response.create", seen[2]);
    }

    [Fact]
    public async Task BargeIn_TruncatesAtWhatWasPlayed_CappedAtTheAudioReceived()
    {
        var truncations = new List<int>();
        await using var server = RawWebSocketServer.Start(async c =>
        {
            await HandshakeAsync(c);
            await c.ReadUntilAsync("input_audio_buffer.append");
            await c.SendTextAsync("""{"type":"input_audio_buffer.speech_started","item_id":"item_1","audio_start_ms":0}""");
            await c.SendTextAsync("""{"type":"input_audio_buffer.speech_stopped","item_id":"item_1","audio_end_ms":500}""");
            await c.SendTextAsync("""{"type":"input_audio_buffer.committed","item_id":"item_1","previous_item_id":null}""");
            await c.SendTextAsync("""{"type":"response.created","response":{"id":"resp_1","status":"in_progress","output":[]}}""");
            for (var i = 0; i < 3; i++)
            {
                await c.SendTextAsync($$"""{"type":"response.output_audio.delta","response_id":"resp_1","item_id":"item_2","output_index":0,"content_index":0,"delta":"{{Audio(100)}}"}""");
            }

            // The user speaks again: the client truncates what was not heard, and the server cancels (interrupt_response).
            await c.SendTextAsync("""{"type":"input_audio_buffer.speech_started","item_id":"item_3","audio_start_ms":900}""");
            await TruncatedAsync(c, truncations);
            await c.SendTextAsync("""{"type":"response.output_audio.done","response_id":"resp_1","item_id":"item_2","output_index":0,"content_index":0}""");
            await c.SendTextAsync("""{"type":"response.done","response":{"id":"resp_1","status":"cancelled","status_details":{"type":"cancelled","reason":"turn_detected"},"output":[{"id":"item_2"}]}}""");
            await TruncatedAsync(c, truncations);
            await CloseWhenAskedAsync(c);
        });
        using var client = RealtimeFaultMatrixTests.Client(server);
        await using var rt = await client.StartRealtimeSessionAsync(Options(new RealtimeTurnDetection()));
        await rt.SendAudioAsync(new byte[9600]);

        using var cts = new CancellationTokenSource(Guard);
        var audio = 0;
        ConversationItemTruncated? capped = null;
        await foreach (var e in rt.ReadEventsAsync(cts.Token))
        {
            audio += e is OutputAudioDelta d ? d.Audio.Length : 0;
            if (e is SpeechStarted { ItemId: "item_3" })
            {
                // Playback reported past what arrived (a wall-clock estimate): capped at the audio received.
                Assert.Equal(TimeSpan.FromMilliseconds(300), rt.OutputAudioReceived("item_2"));
                capped = await rt.TruncateAsync("item_2", TimeSpan.FromMilliseconds(750));
            }

            if (e is ResponseDone { Status: "cancelled", StatusReason: "turn_detected" })
            {
                break;
            }
        }

        var partial = await rt.TruncateAsync("item_2", TimeSpan.FromMilliseconds(120.9));
        var whole = await rt.TruncateAsync("item_2", TimeSpan.FromMilliseconds(300));
        Assert.Equal(3 * 4800, audio);
        Assert.Equal(300, capped!.AudioEndMs);
        Assert.Equal(120, partial!.AudioEndMs);
        Assert.Null(whole);
        Assert.Equal([300, 120], truncations);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => rt.TruncateAsync("item_2", TimeSpan.FromMilliseconds(-1)));
    }

    private static async Task TruncatedAsync(RawWebSocketConnection c, List<int> truncations)
    {
        var truncate = JsonDocument.Parse((await c.ReadUntilAsync("conversation.item.truncate"))!).RootElement;
        var ms = truncate.GetProperty("audio_end_ms").GetInt32();
        truncations.Add(ms);
        await c.SendTextAsync("""{"type":"conversation.item.truncated","item_id":"ITEM","content_index":0,"audio_end_ms":MS}""".Replace("ITEM", truncate.GetProperty("item_id").GetString(), StringComparison.Ordinal).Replace("MS", ms.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnItemThatPlayedToTheEnd_IsNotTruncated()
    {
        var messages = new List<string>();
        await using var server = RawWebSocketServer.Start(async c =>
        {
            await HandshakeAsync(c);
            await c.ReadUntilAsync("response.create");
            await c.SendTextAsync("""{"type":"response.created","response":{"id":"resp_1","status":"in_progress","output":[]}}""");
            await c.SendTextAsync($$"""{"type":"response.output_audio.delta","response_id":"resp_1","item_id":"item_2","output_index":0,"content_index":0,"delta":"{{Audio(200)}}"}""");
            await c.SendTextAsync("""{"type":"response.output_audio.done","response_id":"resp_1","item_id":"item_2","output_index":0,"content_index":0}""");
            await c.SendTextAsync("""{"type":"response.done","response":{"id":"resp_1","status":"completed","output":[{"id":"item_2"}]}}""");
            while (await NextTextAsync(c) is { } text)
            {
                messages.Add(text);
            }
        });
        using var client = RealtimeFaultMatrixTests.Client(server);
        var rt = await client.StartRealtimeSessionAsync(Options());
        var created = await rt.CreateResponseAsync();
        await rt.WaitForResponseAsync(created.ResponseId!);

        Assert.Null(await rt.TruncateAsync("item_2", TimeSpan.FromMilliseconds(200)));
        Assert.Null(await rt.TruncateAsync("item_2", TimeSpan.FromSeconds(5)));
        await rt.DisposeAsync();
        await Poll.UntilAsync(() => server.Errors.Count > 0 || messages.Count >= 0);
        Assert.DoesNotContain(messages, m => m.Contains("conversation.item.truncate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnErrorInTheMiddleOfAResponse_IsAnEvent_AndTheSessionGoesOn()
    {
        await using var server = RawWebSocketServer.Start(async c =>
        {
            await HandshakeAsync(c);
            await c.ReadUntilAsync("response.create");
            await c.SendTextAsync("""{"type":"response.created","response":{"id":"resp_1","status":"in_progress","output":[]}}""");
            await c.SendTextAsync("""{"type":"response.output_audio_transcript.delta","response_id":"resp_1","item_id":"item_2","output_index":0,"content_index":0,"delta":"Let me"}""");
            await c.SendTextAsync("""{"type":"error","error":{"type":"server_error","code":"internal_error","message":"The model failed.","param":null,"event_id":null}}""");
            await c.SendTextAsync("""{"type":"response.done","response":{"id":"resp_1","status":"failed","status_details":{"type":"failed","error":{"type":"server_error","code":"internal_error"}},"output":[]}}""");
            var text = await c.ReadUntilAsync("conversation.item.create");
            await c.SendTextAsync("""{"type":"conversation.item.added","item":{"id":"item_9","type":"message","role":"user","content":[{"type":"input_text","text":"again?"}]}}""");
            var create = JsonDocument.Parse((await c.ReadUntilAsync("response.create"))!).RootElement;
            var echoed = create.GetProperty("event_id").GetString();
            await c.SendTextAsync("""{"type":"error","error":{"type":"invalid_request_error","code":"conversation_already_has_active_response","message":"Conversation already has an active response in progress: resp_1.","param":null,"event_id":"ID"}}""".Replace("ID", echoed, StringComparison.Ordinal));
            await CloseWhenAskedAsync(c);
        });
        using var client = RealtimeFaultMatrixTests.Client(server);
        await using var rt = await client.StartRealtimeSessionAsync(Options());
        var created = await rt.CreateResponseAsync();
        var done = await rt.WaitForResponseAsync(created.ResponseId!);
        Assert.Equal("failed", done.Status);

        await rt.SendTextAsync("again?");
        var refused = await Assert.ThrowsAsync<RealtimeException>(() => rt.CreateResponseAsync(new RealtimeResponseOptions { OutputModality = RealtimeOutputModality.Text }));
        Assert.Equal("conversation_already_has_active_response", refused.Code);

        var events = new List<RealtimeEvent>();
        using var cts = new CancellationTokenSource(Guard);
        await foreach (var e in rt.ReadEventsAsync(cts.Token))
        {
            events.Add(e);
            if (e is ConversationItemAdded)
            {
                break;
            }
        }

        Assert.Contains(events, e => e is ServerError { Code: "internal_error" });
        Assert.Contains(events, e => e is OutputAudioTranscriptDelta { Delta: "Let me" });
        Assert.DoesNotContain(events, e => e is Closed);
    }

    [Fact]
    public async Task ConversationCalls_AreRefused_InTheTranscriptionDialects()
    {
        await using var server = RawWebSocketServer.Start(async c =>
        {
            await RealtimeFaultMatrixTests.HandshakeAsync(c, RealtimeDialect.OpenAITranscription);
            await CloseWhenAskedAsync(c);
        });
        using var client = RealtimeFaultMatrixTests.Client(server);
        await using var rt = await client.StartRealtimeSessionAsync(RealtimeFaultMatrixTests.Options());
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => rt.CreateResponseAsync());
        Assert.Contains("OpenAIConversation", ex.Message);
        Assert.Throws<ArgumentException>(() => { _ = client.StartRealtimeSessionAsync(RealtimeFaultMatrixTests.Options() with { Conversation = new RealtimeConversationOptions() }); });
        Assert.Throws<ArgumentException>(() => { _ = client.StartRealtimeSessionAsync(Options() with { Reconnect = new RealtimeReconnectOptions(), SessionSampleRate = 16000 }); });
    }
}
