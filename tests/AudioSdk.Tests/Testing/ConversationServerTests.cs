using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Testing;

/// <summary>
/// The test server's conversation dialect on the wire, driven by a bare <see cref="ClientWebSocket"/> (no SDK code):
/// the reference's flows (push-to-talk, server-VAD turn, barge-in, function call round trip, text-only turn), the
/// configuration it checks, cancellation, truncation and scripted failures.
/// </summary>
public sealed class ConversationServerTests : ServerTest
{
    private const int Rate = 24000;

    private static readonly string[] ResponseOpening = ["response.created", "rate_limits.updated", "response.output_item.added", "conversation.item.added", "response.content_part.added"];

    private static readonly string[] AudioClosing = ["response.output_audio.done", "response.output_audio_transcript.done", "response.content_part.done", "response.output_item.done", "conversation.item.done", "response.done"];

    [Fact]
    public async Task Routing_ConversationModelsOpenTheConversationDialect_OthersKeepTheirs()
    {
        await using (var conversation = await WireAsync("model=gpt-4o-mini-realtime-preview"))
        {
            var created = await conversation.NextAsync();
            Assert.Equal(("session.created", "realtime", "realtime.session"), (Type(created), (string?)created["session"]!["type"], (string?)created["session"]!["object"]));
            Assert.Equal("gpt-4o-mini-realtime-preview", (string?)created["session"]!["model"]);
        }

        await using (var transcription = await WireAsync("intent=transcription"))
        {
            Assert.Equal("transcription", (string?)(await transcription.NextAsync())["session"]!["type"]);
        }

        await using (var native = await WireAsync("model=voxtral-mini-4b-realtime"))
        {
            Assert.Equal("session.created", Type(await native.NextAsync()));
        }

        Assert.Equal(["conversation", "openai", "native"], Server.RealtimeSessions.Select(s => s.Dialect));
    }

    [Fact]
    public async Task SessionCreated_HasTheLiveDefaults_AndAnUpdateIsEchoedMerged()
    {
        await using var wire = await WireAsync();
        var session = (await wire.NextAsync())["session"]!;
        Assert.Equal("[\"audio\"]", session["output_modalities"]!.ToJsonString());
        Assert.Equal("alloy", (string?)session["audio"]!["output"]!["voice"]);
        Assert.Equal("""{"type":"audio/pcm","rate":24000}""", session["audio"]!["input"]!["format"]!.ToJsonString());
        Assert.Equal("server_vad", (string?)session["audio"]!["input"]!["turn_detection"]!["type"]);
        Assert.Null(session["audio"]!["input"]!["transcription"]);
        Assert.Equal(("auto", "inf"), ((string?)session["tool_choice"], (string?)session["max_output_tokens"]));
        Assert.True((long)session["expires_at"]! > DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        await wire.SendAsync(new JsonObject
        {
            ["type"] = "session.update",
            ["event_id"] = "cfg_1",
            ["session"] = new JsonObject
            {
                ["type"] = "realtime",
                ["instructions"] = "Be brief.",
                ["output_modalities"] = new JsonArray("text"),
                ["audio"] = new JsonObject
                {
                    ["input"] = new JsonObject { ["turn_detection"] = new JsonObject { ["type"] = "semantic_vad", ["eagerness"] = "high", ["create_response"] = false }, ["transcription"] = new JsonObject { ["model"] = "gpt-4o-mini-transcribe" } },
                    ["output"] = new JsonObject { ["voice"] = "marin" },
                },
                ["tools"] = new JsonArray(Tool()),
                ["tool_choice"] = "required",
                ["max_output_tokens"] = 300,
            },
        });
        var updated = await wire.NextAsync();
        Assert.Equal("session.updated", Type(updated));
        var merged = updated["session"]!;
        Assert.Equal(("Be brief.", "[\"text\"]", "marin"), ((string?)merged["instructions"], merged["output_modalities"]!.ToJsonString(), (string?)merged["audio"]!["output"]!["voice"]));
        Assert.Equal("""{"type":"semantic_vad","eagerness":"high","create_response":false,"interrupt_response":true}""", merged["audio"]!["input"]!["turn_detection"]!.ToJsonString());
        Assert.Equal("gpt-4o-mini-transcribe", (string?)merged["audio"]!["input"]!["transcription"]!["model"]);
        Assert.Equal("""{"type":"audio/pcm","rate":24000}""", merged["audio"]!["output"]!["format"]!.ToJsonString());
        Assert.Equal(("get_weather", "required", 300), ((string?)merged["tools"]![0]!["name"], (string?)merged["tool_choice"], (int)merged["max_output_tokens"]!));
        Assert.NotEqual("cfg_1", (string?)updated["event_id"]);
    }

    [Theory]
    [InlineData("""{"instructions":"no type"}""", "missing_required_parameter", "session.type")]
    [InlineData("""{"type":"realtime","audio":{"input":{"format":{"type":"audio/pcm","rate":16000}}}}""", "invalid_value", "session.audio.input.format.rate")]
    [InlineData("""{"type":"realtime","audio":{"output":{"format":{"type":"audio/pcm","rate":44100}}}}""", "invalid_value", "session.audio.output.format.rate")]
    [InlineData("""{"type":"realtime","temperature":0.8}""", "unknown_parameter", "session.temperature")]
    [InlineData("""{"type":"realtime","output_modalities":["audio","text"]}""", "invalid_value", "session.output_modalities")]
    [InlineData("""{"type":"realtime","audio":{"input":{"turn_detection":{"type":"push_to_talk"}}}}""", "invalid_value", "session.audio.input.turn_detection.type")]
    [InlineData("""{"type":"realtime","max_output_tokens":0}""", "integer_below_min_value", "session.max_output_tokens")]
    [InlineData("""{"type":"realtime","max_output_tokens":5000}""", "integer_above_max_value", "session.max_output_tokens")]
    [InlineData("""{"type":"realtime","tool_choice":"sometimes"}""", "invalid_value", "session.tool_choice")]
    public async Task AnInvalidConfig_IsAnErrorWithTheClientsEventId_AndTheSessionGoesOn(string session, string code, string param)
    {
        await using var wire = await WireAsync();
        await wire.NextAsync();
        await wire.SendAsync($$"""{"type":"session.update","event_id":"bad_1","session":{{session}}}""");
        var error = await wire.NextAsync();

        Assert.Equal("error", Type(error));
        Assert.Equal(("invalid_request_error", code, param, "bad_1"), ((string?)error["error"]!["type"], (string?)error["error"]!["code"], (string?)error["error"]!["param"], (string?)error["error"]!["event_id"]));
        Assert.False(string.IsNullOrEmpty((string?)error["error"]!["message"]));
        await wire.SendAsync("""{"type":"session.update","session":{"type":"realtime","instructions":"ok"}}""");
        Assert.Equal("session.updated", Type(await wire.NextAsync()));
    }

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

    /// <summary>Reference §5.2.</summary>
    [Fact]
    public async Task ServerVad_DetectsTheTurn_CommitsIt_AndAnswersWithoutResponseCreate()
    {
        await using var wire = await WireAsync();
        await wire.NextAsync();
        await wire.SendAsync("""{"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","silence_duration_ms":300}}}}}""");
        await wire.UntilAsync("session.updated");
        await wire.AppendChunkedAsync([.. new byte[Rate / 5 * 2], .. Tone(0.6, 500), .. new byte[Rate * 2]]);
        var events = await wire.UntilAsync("response.done");

        var types = events.Select(Type).ToList();
        Assert.Equal(["input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped", "input_audio_buffer.committed", "conversation.item.added", "conversation.item.done"], types.Take(5));
        Assert.Equal(ResponseOpening, types.Skip(5).Take(5));
        Assert.Equal(AudioClosing, types.TakeLast(6));
        var item = (string)events[0]["item_id"]!;
        Assert.All(events.Take(3), e => Assert.Equal(item, (string?)e["item_id"]));
        Assert.InRange((int)events[0]["audio_start_ms"]!, 0, 200);
        Assert.InRange((int)events[1]["audio_end_ms"]!, 780, 820);
        Assert.Equal("completed", (string?)events[^1]["response"]!["status"]);
        Assert.Contains("at 500 Hz.", string.Concat(events.Where(e => Type(e) == "response.output_audio_transcript.delta").Select(e => (string)e["delta"]!)), StringComparison.Ordinal);
        Assert.DoesNotContain(Connection().ClientMessages, m => m.Contains("response.create", StringComparison.Ordinal));
    }

    /// <summary>Reference §5.3.</summary>
    [Fact]
    public async Task BargeIn_SpeechCancelsTheResponse_WithTurnDetected_ThenTruncateAndTheNewTurnIsAnswered()
    {
        Server.Options.ConversationDeltaInterval = TimeSpan.FromMilliseconds(15);
        Server.EnqueueConversationReply(new ConversationReply { Text = "This is a long answer that keeps going. It has a second sentence too. And a third one after that." });
        await using var wire = await WireAsync();
        await wire.NextAsync();
        await wire.SendAsync("""{"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","silence_duration_ms":300}}}}}""");
        await wire.UntilAsync("session.updated");
        await wire.AppendChunkedAsync([.. Tone(0.5, 300), .. new byte[Rate]]);
        var first = await wire.UntilAsync("response.output_audio.delta");
        var assistantItem = (string)first[^1]["item_id"]!;
        var responseId = (string)first[^1]["response_id"]!;

        await wire.AppendChunkedAsync([.. Tone(0.4, 700), .. new byte[Rate]]);
        var cut = await wire.UntilAsync(e => Type(e) == "response.done" && (string?)e["response"]!["id"] == responseId);
        var startedAt = cut.FindIndex(e => Type(e) == "input_audio_buffer.speech_started");
        Assert.True(startedAt >= 0);
        var done = cut[^1]["response"]!;
        Assert.Equal("""{"type":"cancelled","reason":"turn_detected"}""", done["status_details"]!.ToJsonString());
        Assert.Equal("cancelled", (string?)done["status"]);
        Assert.Contains(cut.Skip(startedAt), e => Type(e) == "response.output_item.done");
        Assert.Equal("incomplete", (string?)cut.Last(e => Type(e) == "response.output_item.done")["item"]!["status"]);

        var receivedMs = first.Concat(cut).Where(e => Type(e) == "response.output_audio.delta").Sum(e => Convert.FromBase64String((string)e["delta"]!).Length / 48);
        await wire.SendAsync(new JsonObject { ["type"] = "conversation.item.truncate", ["item_id"] = assistantItem, ["content_index"] = 0, ["audio_end_ms"] = receivedMs / 2 });
        var rest = await wire.UntilAsync(e => Type(e) == "response.done");
        var truncated = rest.Single(e => Type(e) == "conversation.item.truncated");
        Assert.Equal((assistantItem, 0, receivedMs / 2), ((string)truncated["item_id"]!, (int)truncated["content_index"]!, (int)truncated["audio_end_ms"]!));
        Assert.Contains(cut.Concat(rest), e => Type(e) == "input_audio_buffer.committed");
        Assert.Equal("completed", (string?)rest[^1]["response"]!["status"]);
        Assert.Contains("at 700 Hz.", (string?)rest[^1]["response"]!["output"]![0]!["content"]![0]!["transcript"], StringComparison.Ordinal);

        Assert.Equal([new ReceivedTruncation(assistantItem, 0, receivedMs / 2)], Connection().Truncations);
        Assert.Equal([("cancelled", "turn_detected"), ("completed", null)], Connection().Responses.Select(r => (r.Status, r.StatusReason)));
    }

    [Fact]
    public async Task WithoutInterruptResponse_SpeechDoesNotCancel_AndTheAutomaticResponseCollides()
    {
        Server.Options.ConversationDeltaInterval = TimeSpan.FromMilliseconds(15);
        Server.EnqueueConversationReply(new ConversationReply { Text = "This is a long answer that keeps going. It has a second sentence too. And a third one after that." });
        await using var wire = await WireAsync();
        await wire.NextAsync();
        await wire.SendAsync("""{"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","silence_duration_ms":300,"interrupt_response":false}}}}}""");
        await wire.UntilAsync("session.updated");
        await wire.AppendChunkedAsync([.. Tone(0.5, 300), .. new byte[Rate]]);
        await wire.UntilAsync("response.output_audio.delta");
        await wire.AppendChunkedAsync([.. Tone(0.4, 700), .. new byte[Rate]]);
        var events = await wire.UntilAsync("response.done");

        Assert.Equal("completed", (string?)events[^1]["response"]!["status"]);
        var error = events.Single(e => Type(e) == "error")["error"]!;
        Assert.Equal(("conversation_already_has_active_response", null), ((string?)error["code"], (string?)error["event_id"]));
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
    public async Task Truncate_AtMostTheAudioSent_OnlyAssistantItems_NeverNegative()
    {
        Server.EnqueueConversationReply(new ConversationReply { Text = "Five words make this sentence." });
        await using var wire = await WireAsync();
        await wire.NextAsync();
        await wire.SendAsync("""{"type":"conversation.item.create","item":{"id":"user_1","type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]}}""");
        await wire.SendAsync("""{"type":"response.create"}""");
        var events = await wire.UntilAsync("response.done");
        var item = (string)events.First(e => Type(e) == "response.output_item.added")["item"]!["id"]!;

        async Task<JsonNode> TruncateAsync(string id, int ms)
        {
            await wire.SendAsync(new JsonObject { ["type"] = "conversation.item.truncate", ["event_id"] = "t", ["item_id"] = id, ["content_index"] = 0, ["audio_end_ms"] = ms });
            return await wire.NextAsync();
        }

        var past = await TruncateAsync(item, 310);
        Assert.Equal(("invalid_value", "t"), ErrorOf(past));
        Assert.Equal("Audio content of 300ms is already shorter than 310ms", (string?)past["error"]!["message"]);
        Assert.Equal(("integer_below_min_value", "t"), ErrorOf(await TruncateAsync(item, -1)));
        Assert.Equal(("invalid_value", "t"), ErrorOf(await TruncateAsync("user_1", 0)));
        Assert.Equal(("item_not_found", "t"), ErrorOf(await TruncateAsync("item_nope", 0)));
        var ok = await TruncateAsync(item, 300);
        Assert.Equal(("conversation.item.truncated", 300), (Type(ok), (int)ok["audio_end_ms"]!));
        Assert.Equal(("invalid_value", "t"), ErrorOf(await TruncateAsync(item, 301)));
        Assert.Equal([new ReceivedTruncation(item, 0, 300)], Connection().Truncations);

        await wire.SendAsync(new JsonObject { ["type"] = "conversation.item.retrieve", ["item_id"] = item });
        Assert.Equal(string.Empty, (string?)(await wire.NextAsync())["item"]!["content"]![0]!["transcript"]);
        await wire.SendAsync("""{"type":"conversation.item.delete","item_id":"user_1"}""");
        Assert.Equal(("conversation.item.deleted", "user_1"), (Type(await wire.NextAsync()), "user_1"));
        await wire.SendAsync("""{"type":"conversation.item.delete","event_id":"d","item_id":"user_1"}""");
        Assert.Equal(("item_not_found", "d"), ErrorOf(await wire.NextAsync()));
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

    [Fact]
    public async Task ItemsAreOrderedByPreviousItemId_AndAudioItemsAreHeard()
    {
        await using var wire = await WireAsync();
        await wire.NextAsync();
        await wire.SendAsync("""{"type":"conversation.item.create","item":{"id":"a","type":"message","role":"user","content":[{"type":"input_text","text":"first"}]}}""");
        await wire.SendAsync("""{"type":"conversation.item.create","previous_item_id":"root","item":{"id":"b","type":"message","role":"system","content":[{"type":"input_text","text":"Be kind."}]}}""");
        await wire.SendAsync(new JsonObject { ["type"] = "conversation.item.create", ["previous_item_id"] = "a", ["item"] = new JsonObject { ["id"] = "c", ["type"] = "message", ["role"] = "user", ["content"] = new JsonArray(new JsonObject { ["type"] = "input_audio", ["audio"] = Convert.ToBase64String(Tone(0.5, 600)) }) } });
        var added = new List<JsonNode>();
        for (var i = 0; i < 6; i++)
        {
            added.Add(await wire.NextAsync());
        }

        Assert.Equal([null, null, "a"], added.Where(e => Type(e) == "conversation.item.added").Select(e => (string?)e["previous_item_id"]));
        Assert.Null(added[4]["item"]!["content"]![0]!["audio"]);
        await wire.SendAsync("""{"type":"conversation.item.create","event_id":"e1","previous_item_id":"zzz","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"x"}]}}""");
        Assert.Equal(("item_not_found", "e1"), ErrorOf(await wire.NextAsync()));
        await wire.SendAsync("""{"type":"conversation.item.create","event_id":"e2","item":{"type":"message","role":"assistant","content":[{"type":"output_audio","transcript":"hi"}]}}""");
        var replayed = await wire.NextAsync();
        Assert.Equal(("missing_required_parameter", "e2"), ErrorOf(replayed));
        Assert.Equal("item.content[0].text", (string?)replayed["error"]!["param"]);

        // The default reply answers the latest user item: the audio one.
        await wire.SendAsync("""{"type":"response.create","response":{"output_modalities":["text"]}}""");
        var events = await wire.UntilAsync("response.done");
        Assert.Equal("I heard 0.50 seconds at 600 Hz. How can I help?", (string?)events.Single(e => Type(e) == "response.output_text.done")["text"]);
        Assert.Equal("c", (string?)events.Single(e => Type(e) == "conversation.item.added")["previous_item_id"]);
    }

    [Fact]
    public async Task TheVoiceIsFixedOnceAudioWasSent_AndAHugeMessageClosesTheSocket()
    {
        await using var wire = await WireAsync();
        await wire.NextAsync();
        await wire.SendAsync("""{"type":"session.update","session":{"type":"realtime","audio":{"output":{"voice":"cedar"}}}}""");
        Assert.Equal("session.updated", Type(await wire.NextAsync()));
        await wire.SendAsync("""{"type":"response.create"}""");
        await wire.UntilAsync("response.done");
        await wire.SendAsync("""{"type":"session.update","event_id":"v","session":{"type":"realtime","audio":{"output":{"voice":"marin"}}}}""");
        Assert.Equal(("cannot_update_voice", "v"), ErrorOf(await wire.NextAsync()));
        await wire.SendAsync("""{"type":"session.update","session":{"type":"realtime","audio":{"output":{"voice":"cedar"}}}}""");
        Assert.Equal("session.updated", Type(await wire.NextAsync()));

        var chunk = new byte[1024 * 1024];
        for (var i = 0; i < 40 && wire.Socket.State == WebSocketState.Open; i++)
        {
            try
            {
                await wire.Socket.SendAsync(chunk, WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
            }
            catch (WebSocketException)
            {
                break;
            }
        }

        var closed = await wire.NextOrCloseAsync();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, closed);
    }

    private static (string? Code, string? EventId) ErrorOf(JsonNode evt)
    {
        Assert.Equal("error", Type(evt));
        return ((string?)evt["error"]!["code"], (string?)evt["error"]!["event_id"]);
    }

    private static string Type(JsonNode? evt) => (string)evt!["type"]!;

    private static JsonObject Tool() => new()
    {
        ["type"] = "function",
        ["name"] = "get_weather",
        ["description"] = "Weather for a city.",
        ["parameters"] = JsonNode.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""),
    };

    private static byte[] Tone(double seconds, double frequency)
    {
        var samples = (int)Math.Round(seconds * Rate);
        var bytes = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var v = (short)(Math.Sin(2 * Math.PI * frequency * i / Rate) * 12000);
            bytes[2 * i] = (byte)v;
            bytes[(2 * i) + 1] = (byte)(v >> 8);
        }

        return bytes;
    }

    /// <summary>The frequency of a PCM16 tone from its upward zero crossings.</summary>
    private static double Frequency(ReadOnlySpan<byte> pcm)
    {
        var crossings = 0;
        short previous = 0;
        for (var i = 0; i + 1 < pcm.Length; i += 2)
        {
            var s = (short)(pcm[i] | (pcm[i + 1] << 8));
            if (previous < 0 && s >= 0)
            {
                crossings++;
            }

            previous = s;
        }

        return crossings / (pcm.Length / 2.0 / Rate);
    }

    private ReceivedRealtimeSession Connection() => Server.RealtimeSessions[0];

    private async Task<Wire> WireAsync(string query = "model=gpt-realtime")
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + ApiKey);
        var uri = new UriBuilder(new Uri(Server.BaseAddress, "v1/realtime?" + query)) { Scheme = "ws" }.Uri;
        await socket.ConnectAsync(uri, CancellationToken.None);
        return new Wire(socket);
    }

    /// <summary>A bare socket: JSON out, JSON in, one event per text frame.</summary>
    private sealed class Wire(ClientWebSocket socket) : IAsyncDisposable
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

        public ClientWebSocket Socket => socket;

        public Task SendAsync(JsonObject evt) => SendAsync(evt.ToJsonString());

        public Task SendAsync(string json) => socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

        public Task AppendAsync(byte[] pcm) => SendAsync(new JsonObject { ["type"] = "input_audio_buffer.append", ["audio"] = Convert.ToBase64String(pcm) });

        /// <summary>Appends in 100 ms chunks, as a microphone would.</summary>
        public async Task AppendChunkedAsync(byte[] pcm)
        {
            for (var i = 0; i < pcm.Length; i += Rate / 10 * 2)
            {
                await AppendAsync(pcm[i..Math.Min(pcm.Length, i + (Rate / 10 * 2))]);
            }
        }

        public async Task<JsonNode> NextAsync()
        {
            var (node, close) = await ReadAsync();
            return node ?? throw new WebSocketException($"closed: {close}");
        }

        public async Task<WebSocketCloseStatus?> NextOrCloseAsync()
        {
            while (true)
            {
                try
                {
                    var (node, close) = await ReadAsync();
                    if (node is null)
                    {
                        return close;
                    }
                }
                catch (WebSocketException)
                {
                    return socket.CloseStatus;
                }
            }
        }

        public Task<List<JsonNode>> UntilAsync(string type) => UntilAsync(e => Type(e) == type);

        public async Task<List<JsonNode>> UntilAsync(Func<JsonNode, bool> last)
        {
            var events = new List<JsonNode>();
            while (true)
            {
                var evt = await NextAsync();
                events.Add(evt);
                if (last(evt))
                {
                    return events;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (socket.State == WebSocketState.Open)
            {
                try
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", new CancellationTokenSource(Timeout).Token);
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
                {
                }
            }

            socket.Dispose();
        }

        private async Task<(JsonNode? Node, WebSocketCloseStatus? Close)> ReadAsync()
        {
            using var cts = new CancellationTokenSource(Timeout);
            var buffer = new byte[64 * 1024];
            using var message = new MemoryStream();
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, cts.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return (null, result.CloseStatus);
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    return (JsonNode.Parse(message.ToArray()), null);
                }
            }
        }
    }
}
