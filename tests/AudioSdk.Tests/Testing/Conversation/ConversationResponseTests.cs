using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Testing.Conversation;

/// <summary>The conversation dialect's responses on the wire: push-to-talk lifecycle, function calls, text-only turns, cancellation and scripted failures (reference §5.1, §5.4, §5.5).</summary>
public sealed class ConversationResponseTests : ConversationServerTest
{
    /// <summary>Reference §5.1.</summary>
    [Fact]
    public async Task PushToTalk_CommitThenResponseCreate_GivesTheFullLifecycle_WithATonePerSentence()
    {
        await using var wire = await WireAsync();
        await wire.NextAsync();
        await wire.SendAsync("""{"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":null,"transcription":{"model":"gpt-4o-mini-transcribe"}}}}}""");
        Assert.Null((await wire.NextAsync())["session"]!["audio"]!["input"]!["turn_detection"]);
        var tone = Tone(0.8, 440);
        await wire.AppendAsync(tone[..(tone.Length / 2)]);
        await wire.AppendAsync(tone[(tone.Length / 2)..]);
        await wire.SendAsync("""{"type":"input_audio_buffer.commit"}""");
        var commit = await wire.UntilAsync("conversation.item.input_audio_transcription.completed");
        Assert.Equal(["input_audio_buffer.committed", "conversation.item.added", "conversation.item.done", "conversation.item.input_audio_transcription.delta", "conversation.item.input_audio_transcription.completed"], commit.Select(Type));
        var userItem = (string)commit[0]["item_id"]!;
        Assert.Equal(userItem, (string?)commit[1]["item"]!["id"]);
        Assert.Equal(("user", "input_audio"), ((string?)commit[1]["item"]!["role"], (string?)commit[1]["item"]!["content"]![0]!["type"]));
        Assert.Equal("Heard 0.80 seconds at 440 Hz.", (string?)commit[^1]["transcript"]);

        await wire.SendAsync("""{"type":"response.create"}""");
        var events = await wire.UntilAsync("response.done");

        var types = events.Select(Type).ToList();
        Assert.Equal(ResponseOpening, types.Take(5));
        Assert.Equal(AudioClosing, types.TakeLast(6));
        Assert.All(types.Skip(5).SkipLast(6), t => Assert.True(t is "response.output_audio.delta" or "response.output_audio_transcript.delta", t));
        var transcript = string.Concat(events.Where(e => Type(e) == "response.output_audio_transcript.delta").Select(e => (string)e["delta"]!));
        Assert.Equal("I heard 0.80 seconds at 440 Hz. How can I help?", transcript);
        Assert.Equal(transcript, (string?)events[^5]["transcript"]);
        Assert.Equal(userItem, (string?)events[3]["previous_item_id"]);
        Assert.Equal(("assistant", "in_progress"), ((string?)events[3]["item"]!["role"], (string?)events[3]["item"]!["status"]));

        // 7 words at 300 Hz, then 4 words at 400 Hz; 60 ms a word, in deltas of at most 100 ms.
        var deltas = events.Where(e => Type(e) == "response.output_audio.delta").Select(e => Convert.FromBase64String((string)e["delta"]!)).ToList();
        Assert.Equal(8, deltas.Count);
        Assert.All(deltas, d => Assert.InRange(d.Length, 2, Rate / 10 * 2));
        var audio = deltas.SelectMany(d => d).ToArray();
        Assert.Equal((7 + 4) * 60 * 48, audio.Length);
        Assert.Equal(300, Frequency(audio.AsSpan(0, 7 * 60 * 48)), 5.0);
        Assert.Equal(400, Frequency(audio.AsSpan(7 * 60 * 48)), 5.0);

        var done = events[^1]["response"]!;
        Assert.Equal(("completed", "realtime.response"), ((string?)done["status"], (string?)done["object"]));
        Assert.Equal((string?)events[0]["response"]!["id"], (string?)done["id"]);
        Assert.Equal(transcript, (string?)done["output"]![0]!["content"]![0]!["transcript"]);
        Assert.True((int)done["usage"]!["total_tokens"]! > 0);
        Assert.Equal((int)done["usage"]!["total_tokens"]!, (int)done["usage"]!["input_tokens"]! + (int)done["usage"]!["output_tokens"]!);
        var recorded = Assert.Single(Connection().Responses);
        Assert.Equal(("completed", transcript, 660, "audio"), (recorded.Status, recorded.Text, recorded.AudioMs, recorded.OutputModality));
    }

    /// <summary>Reference §5.4.</summary>
    [Fact]
    public async Task FunctionCall_RoundTrip_StreamsTheArguments_ThenAnswersWithTheToolsOutput()
    {
        Server.EnqueueConversationReply(new ConversationReply { ToolCalls = [new ConversationToolCall("get_weather", "{\"city\":\"Oslo\"}")] });
        await using var wire = await WireAsync();
        await wire.NextAsync();
        await wire.SendAsync(new JsonObject { ["type"] = "session.update", ["session"] = new JsonObject { ["type"] = "realtime", ["tools"] = new JsonArray(Tool()), ["audio"] = new JsonObject { ["input"] = new JsonObject { ["turn_detection"] = null } } } });
        await wire.UntilAsync("session.updated");
        await wire.SendAsync("""{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"Weather in Oslo?"}]}}""");
        await wire.UntilAsync("conversation.item.done");
        await wire.SendAsync("""{"type":"response.create"}""");
        var call = await wire.UntilAsync("response.done");

        Assert.Equal(
            ["response.created", "rate_limits.updated", "response.output_item.added", "conversation.item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta", "response.function_call_arguments.delta", "response.function_call_arguments.done", "response.output_item.done", "conversation.item.done", "response.done"],
            call.Select(Type));
        var added = call[2]["item"]!;
        var callId = (string)added["call_id"]!;
        Assert.Equal(("function_call", "get_weather"), ((string?)added["type"], (string?)added["name"]));
        Assert.Equal("{\"city\":\"Oslo\"}", string.Concat(call.Where(e => Type(e) == "response.function_call_arguments.delta").Select(e => (string)e["delta"]!)));
        Assert.Equal((callId, "get_weather", "{\"city\":\"Oslo\"}"), ((string?)call[7]["call_id"], (string?)call[7]["name"], (string?)call[7]["arguments"]));
        var output = call[^1]["response"]!["output"]![0]!;
        Assert.Equal(("function_call", "completed", callId), ((string?)output["type"], (string?)output["status"], (string?)output["call_id"]));

        await wire.SendAsync("""{"type":"conversation.item.create","event_id":"out_0","item":{"type":"function_call_output","call_id":"call_nope","output":"?"}}""");
        Assert.Equal(("invalid_value", "out_0"), ErrorOf(await wire.NextAsync()));
        await wire.SendAsync(new JsonObject { ["type"] = "conversation.item.create", ["item"] = new JsonObject { ["type"] = "function_call_output", ["call_id"] = callId, ["output"] = "{\"temp_c\":4}" } });
        var stored = await wire.UntilAsync("conversation.item.done");
        Assert.Equal(["conversation.item.added", "conversation.item.done"], stored.Select(Type));
        Assert.Equal((string?)output["id"], (string?)stored[0]["previous_item_id"]);
        await wire.SendAsync("""{"type":"response.create"}""");
        var answer = await wire.UntilAsync("response.done");

        Assert.Equal("The tool returned {\"temp_c\":4}. Anything else?", (string?)answer.Single(e => Type(e) == "response.output_audio_transcript.done")["transcript"]);
        Assert.Equal([new ReceivedFunctionOutput(callId, "{\"temp_c\":4}")], Connection().FunctionOutputs);
        Assert.Equal(["get_weather"], Connection().Responses.First().FunctionCalls);
    }

    /// <summary>Reference §5.5.</summary>
    [Fact]
    public async Task TextOnlyTurn_HasTheLiveCounts_AndNoAudio()
    {
        await using var wire = await WireAsync();
        await wire.NextAsync();
        await wire.SendAsync("""{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"Hello there"}]}}""");
        await wire.SendAsync("""{"type":"response.create","response":{"output_modalities":["text"],"instructions":"Answer in text.","metadata":{"purpose":"test"}}}""");
        var events = await wire.UntilAsync("response.done");

        int Count(string type) => events.Count(e => Type(e) == type);
        Assert.Equal((2, 2), (Count("conversation.item.added"), Count("conversation.item.done")));
        foreach (var once in new[] { "response.created", "response.output_item.added", "response.output_item.done", "response.content_part.added", "response.content_part.done", "response.output_text.done", "response.done" })
        {
            Assert.Equal(1, Count(once));
        }

        Assert.True(Count("response.output_text.delta") >= 2);
        Assert.DoesNotContain(events, e => Type(e).Contains("audio", StringComparison.Ordinal));
        Assert.Equal("text", (string?)events.Single(e => Type(e) == "response.content_part.added")["part"]!["type"]);
        Assert.Equal("You said: Hello there. How can I help?", string.Concat(events.Where(e => Type(e) == "response.output_text.delta").Select(e => (string)e["delta"]!)));
        var done = events[^1]["response"]!;
        Assert.Equal(("[\"text\"]", "test"), (done["output_modalities"]!.ToJsonString(), (string?)done["metadata"]!["purpose"]));
        Assert.Equal(("output_text", "You said: Hello there. How can I help?"), ((string?)done["output"]![0]!["content"]![0]!["type"], (string?)done["output"]![0]!["content"]![0]!["text"]));
        Assert.Equal("Answer in text.", Connection().Responses.Single().Instructions);
    }

    [Fact]
    public async Task Cancel_StopsTheStream_AndACancelWithNothingActiveOrACollidingCreateIsAnError()
    {
        Server.Options.ConversationDeltaInterval = TimeSpan.FromMilliseconds(20);
        Server.EnqueueConversationReply(new ConversationReply { Text = "One two three four five six. Seven eight nine ten. Eleven twelve." });
        await using var wire = await WireAsync();
        await wire.NextAsync();
        await wire.SendAsync("""{"type":"response.create"}""");
        await wire.UntilAsync("response.output_audio.delta");
        await wire.SendAsync("""{"type":"response.create","event_id":"again_1"}""");
        await wire.SendAsync("""{"type":"response.cancel"}""");
        var events = await wire.UntilAsync("response.done");

        Assert.Equal(("conversation_already_has_active_response", "again_1"), ErrorOf(events.Single(e => Type(e) == "error")));
        Assert.Single(events, e => Type(e) == "response.done");
        var done = events[^1]["response"]!;
        Assert.Equal("""{"type":"cancelled","reason":"client_cancelled"}""", done["status_details"]!.ToJsonString());
        Assert.Equal(["response.output_audio.done", "response.output_audio_transcript.done", "response.content_part.done", "response.output_item.done", "conversation.item.done"], events.Select(Type).Where(t => t.EndsWith(".done", StringComparison.Ordinal) && t != "response.done"));
        Assert.True(events.Count(e => Type(e) == "response.output_audio.delta") < 9);

        await wire.SendAsync("""{"type":"response.cancel","event_id":"cancel_2"}""");
        var error = await wire.NextAsync();
        Assert.Equal(("response_cancel_not_active", "cancel_2"), ErrorOf(error));
        Assert.Equal("Cancellation failed: no active response found", (string?)error["error"]!["message"]);
        Assert.Equal("cancelled", Connection().Responses.Single().Status);
    }

    [Fact]
    public async Task AScriptedFailure_EndsTheResponseFailed_AndAScriptedDropCutsTheConnection()
    {
        Server.EnqueueConversationReply(new ConversationReply { Text = "One. Two. Three.", FailAfterDeltas = 2, FailureCode = "server_overloaded" });
        await using var wire = await WireAsync();
        await wire.NextAsync();
        await wire.SendAsync("""{"type":"response.create","response":{"output_modalities":["text"]}}""");
        var events = await wire.UntilAsync("response.done");

        Assert.Equal(2, events.Count(e => Type(e) == "response.output_text.delta"));
        var error = events.Single(e => Type(e) == "error")["error"]!;
        Assert.Equal(("server_error", "server_overloaded", null), ((string?)error["type"], (string?)error["code"], (string?)error["event_id"]));
        Assert.Equal("failed", (string?)events[^1]["response"]!["status"]);
        Assert.Equal("server_overloaded", (string?)events[^1]["response"]!["status_details"]!["error"]!["code"]);
        Assert.Contains(events, e => Type(e) == "response.output_item.done");

        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "response.create", Send = """{"type":"error","event_id":"x","error":{"type":"server_error","code":"boom","message":"scripted","param":null,"event_id":null}}""", SkipNormalHandling = true });
        await wire.SendAsync("""{"type":"response.create"}""");
        Assert.Equal("boom", (string?)(await wire.NextAsync())["error"]!["code"]);
        await wire.SendAsync("""{"type":"input_audio_buffer.clear"}""");
        Assert.Equal("input_audio_buffer.cleared", Type(await wire.NextAsync()));

        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "response.create", DropConnection = true });
        await wire.SendAsync("""{"type":"response.create"}""");
        await Assert.ThrowsAnyAsync<Exception>(() => wire.NextAsync());
        Assert.Equal(["failed"], Connection().Responses.Select(r => r.Status));
    }
}
