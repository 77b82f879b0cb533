using System.Buffers;
using System.Text;
using System.Text.Json;
using AudioSdk.Realtime;
using AudioSdk.Realtime.Protocol;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// The conversation dialect's codec against the wire examples of OpenAI's reference (GA and beta names), the shapes it
/// writes, and generated malformed input (it never throws).
/// </summary>
public sealed class ConversationProtocolTests
{
    private static readonly OpenAIConversationProtocol Codec = OpenAIConversationProtocol.Instance;

    private static RealtimeEvent? Parse(string json) => Codec.Parse(Encoding.UTF8.GetBytes(json), null);

    private static JsonElement Write(ClientCommand command, RealtimeSessionOptions options, ConversationCommand? payload = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Codec.Write(writer, command, options, default, 7, payload);
        }

        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }

    [Fact]
    public void AudioDeltas_AreDecodedOnce_AndTheirRawJsonIsRebuiltOnDemand()
    {
        var pcm = Enumerable.Range(0, 960).Select(i => (byte)(i * 7)).ToArray();
        var json = $$"""{"type":"response.output_audio.delta","event_id":"event_15","response_id":"resp_1","item_id":"item_2","output_index":0,"content_index":0,"delta":"{{Convert.ToBase64String(pcm)}}"}""";

        var delta = Assert.IsType<OutputAudioDelta>(Parse(json));
        Assert.Equal(pcm, delta.Audio.ToArray());
        Assert.Equal(("resp_1", "item_2", 0, 0), (delta.ResponseId, delta.ItemId, delta.OutputIndex, delta.ContentIndex));
        Assert.Equal(TimeSpan.FromMilliseconds(20), delta.Duration);
        Assert.False(delta.IsSynthesized);
        Assert.Equal(Convert.ToBase64String(pcm), delta.Raw.GetProperty("delta").GetString());
        Assert.Equal("response.output_audio.delta", delta.Raw.GetProperty("type").GetString());

        // The ids of the next delta of the same item are the same strings, not new ones.
        var next = Assert.IsType<OutputAudioDelta>(Parse(json));
        Assert.Same(delta.ItemId, next.ItemId);
        Assert.Same(delta.ResponseId, next.ResponseId);
    }

    [Theory]
    [InlineData("""{"type":"response.audio.delta","response_id":"r","item_id":"i","output_index":1,"content_index":0,"delta":"AAEC"}""")]
    [InlineData("""{"delta":"AAEC","type":"response.output_audio.delta","response_id":"r","item_id":"i","output_index":1,"content_index":0}""")]
    [InlineData("""{"type":"response.output_audio.delta","response_id":"r","item_id":"i","output_index":1,"content_index":0,"delta":"AAEC","extra":{"a":[1,2]}}""")]
    public void AudioDeltas_ReadTheSameOnAndOffTheFastPath(string json)
    {
        var delta = Assert.IsType<OutputAudioDelta>(Parse(json));
        Assert.Equal(new byte[] { 0, 1, 2 }, delta.Audio.ToArray());
        Assert.Equal(("r", "i", 1), (delta.ResponseId, delta.ItemId, delta.OutputIndex));
    }

    [Theory]
    [InlineData("""{"type":"response.output_audio.delta","item_id":"i","delta":"not base64!"}""", "delta")]
    [InlineData("""{"type":"response.output_audio.delta","item_id":"i","delta":42}""", "delta")]
    [InlineData("""{"type":"response.output_audio.delta","item_id":{"a":1},"delta":"AAEC"}""", "item_id")]
    public void AMalformedAudioDelta_IsKeptWithTheBadFieldLeftOut(string json, string field)
    {
        var evt = Codec.Parse(Encoding.UTF8.GetBytes(json), null, out var problem);
        var delta = Assert.IsType<OutputAudioDelta>(evt);
        Assert.Contains(field, problem);
        Assert.True(field == "delta" ? delta.Audio.IsEmpty : delta.ItemId is null && delta.Audio.Length == 3);
    }

    [Fact]
    public void ResponseLifecycle_ReadsStatusReasonUsageAndOutput()
    {
        Assert.Equal("resp_1", Assert.IsType<ResponseCreated>(Parse("""{"type":"response.created","event_id":"event_8","response":{"object":"realtime.response","id":"resp_1","status":"in_progress","status_details":null,"output":[],"conversation_id":"conv_1","output_modalities":["audio"],"max_output_tokens":"inf","usage":null,"metadata":null}}""")).ResponseId);

        var done = Assert.IsType<ResponseDone>(Parse("""
            {"type":"response.done","event_id":"event_9","response":{"object":"realtime.response","id":"resp_1","status":"completed","status_details":null,"conversation_id":"conv_1",
             "output":[{"id":"item_2","type":"message","status":"completed","role":"assistant","content":[{"type":"output_audio","transcript":"Loud and clear!"}]}],
             "usage":{"total_tokens":253,"input_tokens":132,"output_tokens":121,"input_token_details":{"text_tokens":119,"audio_tokens":13,"image_tokens":0,"cached_tokens":64,
             "cached_tokens_details":{"text_tokens":64,"audio_tokens":0,"image_tokens":0}},"output_token_details":{"text_tokens":30,"audio_tokens":91}}}}
            """));
        Assert.Equal(("resp_1", "completed", (string?)null), (done.ResponseId, done.Status, done.StatusReason));
        Assert.Equal(["item_2"], done.OutputItemIds);
        Assert.Equal((132, 121, 253), (done.Usage!.InputTokens, done.Usage.OutputTokens, done.Usage.TotalTokens));
        Assert.Equal(91, done.Usage.Raw.GetProperty("output_token_details").GetProperty("audio_tokens").GetInt32());

        var cancelled = Assert.IsType<ResponseDone>(Parse("""{"type":"response.done","response":{"id":"resp_2","status":"cancelled","status_details":{"type":"cancelled","reason":"turn_detected"},"output":[]}}"""));
        Assert.Equal(("cancelled", "turn_detected"), (cancelled.Status, cancelled.StatusReason));
        Assert.Null(cancelled.Usage);
    }

    [Theory]
    [InlineData("response.output_audio_transcript.delta", typeof(OutputAudioTranscriptDelta))]
    [InlineData("response.audio_transcript.delta", typeof(OutputAudioTranscriptDelta))]
    [InlineData("response.output_text.delta", typeof(OutputTextDelta))]
    [InlineData("response.text.delta", typeof(OutputTextDelta))]
    public void TextAndTranscriptDeltas_InGAAndBetaNames(string type, Type expected)
    {
        var evt = Parse($$"""{"type":"{{type}}","response_id":"resp_1","item_id":"item_2","output_index":0,"content_index":0,"delta":"Hello, how"}""");
        Assert.IsType(expected, evt);
        Assert.Equal("Hello, how", evt is OutputTextDelta t ? t.Delta : ((OutputAudioTranscriptDelta)evt!).Delta);
    }

    [Fact]
    public void DonesFunctionCallsItemsAndLimits_ReadTheReferenceExamples()
    {
        Assert.Equal("Hello, how can I help?", Assert.IsType<OutputAudioTranscriptDone>(Parse("""{"type":"response.output_audio_transcript.done","event_id":"event_18","response_id":"resp_1","item_id":"item_2","output_index":0,"content_index":0,"transcript":"Hello, how can I help?"}""")).Transcript);
        Assert.Equal("Sure, I can help.", Assert.IsType<OutputTextDone>(Parse("""{"type":"response.output_text.done","event_id":"event_20","response_id":"resp_1","item_id":"item_2","output_index":0,"content_index":0,"text":"Sure, I can help."}""")).Text);
        Assert.Equal("item_2", Assert.IsType<OutputAudioDone>(Parse("""{"type":"response.output_audio.done","event_id":"event_16","response_id":"resp_1","item_id":"item_2","output_index":0,"content_index":0}""")).ItemId);

        var args = Assert.IsType<FunctionCallArgumentsDelta>(Parse("""{"type":"response.function_call_arguments.delta","event_id":"event_21","response_id":"resp_2","item_id":"fc_1","output_index":0,"call_id":"call_1","delta":"{\"city\":\"Os"}"""));
        Assert.Equal(("call_1", "{\"city\":\"Os"), (args.CallId, args.Delta));
        var call = Assert.IsType<FunctionCallArgumentsDone>(Parse("""{"type":"response.function_call_arguments.done","event_id":"event_22","response_id":"resp_2","item_id":"fc_1","output_index":0,"call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}"""));
        Assert.Equal(("resp_2", "fc_1", "call_1", "get_weather", "{\"city\":\"Oslo\"}"), (call.ResponseId, call.ItemId, call.CallId, call.Name, call.Arguments));

        var added = Assert.IsType<ConversationItemAdded>(Parse("""{"type":"conversation.item.added","event_id":"event_2","previous_item_id":null,"item":{"id":"item_1","type":"message","status":"completed","role":"user","content":[{"type":"input_text","text":"hi"}]}}"""));
        Assert.Equal(("item_1", "message", "user", "completed", "hi"), (added.Item.Id, added.Item.Type, added.Item.Role, added.Item.Status, added.Item.Text));
        var beta = Assert.IsType<ConversationItemAdded>(Parse("""{"type":"conversation.item.created","item":{"id":"fc_9","type":"function_call","call_id":"call_9","name":"f"}}"""));
        Assert.Equal(("call_9", "f"), (beta.Item.CallId, beta.Item.Name));
        var done = Assert.IsType<ConversationItemDone>(Parse("""{"type":"conversation.item.done","event_id":"event_3","previous_item_id":"item_1","item":{"id":"item_2","type":"message","status":"completed","role":"assistant","content":[{"type":"output_audio","transcript":"Hello!"}]}}"""));
        Assert.Equal(("item_1", "Hello!"), (done.PreviousItemId, done.Item.Text));

        var truncated = Assert.IsType<ConversationItemTruncated>(Parse("""{"type":"conversation.item.truncated","event_id":"event_5","item_id":"item_2","content_index":0,"audio_end_ms":1500}"""));
        Assert.Equal(("item_2", 0, 1500), (truncated.ItemId, truncated.ContentIndex, truncated.AudioEndMs));
        Assert.Equal("item_3", Assert.IsType<ConversationItemDeleted>(Parse("""{"type":"conversation.item.deleted","item_id":"item_3"}""")).ItemId);

        var limits = Assert.IsType<RateLimitsUpdated>(Parse("""{"type":"rate_limits.updated","event_id":"event_23","rate_limits":[{"name":"requests","limit":1000,"remaining":999,"reset_seconds":60},{"name":"tokens","limit":50000,"remaining":49950,"reset_seconds":60}]}"""));
        Assert.Equal([new RealtimeRateLimit("requests", 1000, 999, 60), new RealtimeRateLimit("tokens", 50000, 49950, 60)], limits.Limits);

        var error = Assert.IsType<ServerError>(Parse("""{"type":"error","event_id":"event_24","error":{"type":"invalid_request_error","code":"conversation_already_has_active_response","message":"Conversation already has an active response in progress: resp_1.","param":null,"event_id":"evt_3"}}"""));
        Assert.Equal(("conversation_already_has_active_response", "evt_3"), (error.Code, error.ClientEventId));

        // Output items and content parts, in the reference's shapes (part types "audio"/"text" and "output_*" alike).
        var itemAdded = Assert.IsType<OutputItemAdded>(Parse("""{"type":"response.output_item.added","event_id":"event_11","response_id":"resp_1","output_index":0,"item":{"id":"item_2","object":"realtime.item","type":"message","status":"in_progress","role":"assistant","content":[]}}"""));
        Assert.Equal(("resp_1", 0, "item_2", "message", "assistant", "in_progress"), (itemAdded.ResponseId, itemAdded.OutputIndex, itemAdded.Item.Id, itemAdded.Item.Type, itemAdded.Item.Role, itemAdded.Item.Status));
        var itemDone = Assert.IsType<OutputItemDone>(Parse("""{"type":"response.output_item.done","event_id":"event_12","response_id":"resp_1","output_index":1,"item":{"id":"item_2","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Sure."}]}}"""));
        Assert.Equal((1, "completed", "Sure."), (itemDone.OutputIndex, itemDone.Item.Status, itemDone.Item.Text));
        var partAdded = Assert.IsType<ContentPartAdded>(Parse("""{"type":"response.content_part.added","event_id":"event_13","response_id":"resp_1","item_id":"item_2","output_index":0,"content_index":0,"part":{"type":"audio","transcript":""}}"""));
        Assert.Equal(("resp_1", "item_2", 0, 0, "audio", string.Empty), (partAdded.ResponseId, partAdded.ItemId, partAdded.OutputIndex, partAdded.ContentIndex, partAdded.PartType, partAdded.Text));
        var partDone = Assert.IsType<ContentPartDone>(Parse("""{"type":"response.content_part.done","event_id":"event_14","response_id":"resp_1","item_id":"item_2","output_index":0,"content_index":1,"part":{"type":"text","text":"Sure."}}"""));
        Assert.Equal((1, "text", "Sure."), (partDone.ContentIndex, partDone.PartType, partDone.Text));
        Assert.Equal("Sure.", Assert.IsType<ContentPartDone>(Parse("""{"type":"response.content_part.done","item_id":"item_2","part":{"type":"output_audio","transcript":"Sure."}}""")).Text);
        Assert.Equal("response.content_part.done", partDone.EventType);
    }

    [Fact]
    public void SessionUpdate_CarriesTheWholeConfiguration()
    {
        var options = new RealtimeSessionOptions
        {
            Dialect = RealtimeDialect.OpenAIConversation,
            Model = "gpt-realtime",
            Language = "en",
            TurnDetection = new RealtimeTurnDetection { Semantic = true, Eagerness = "low", CreateResponse = false, InterruptResponse = true },
            Conversation = new RealtimeConversationOptions
            {
                Instructions = "Be concise.",
                Voice = "marin",
                InputTranscriptionModel = "gpt-4o-mini-transcribe",
                Tools = [new RealtimeFunctionTool("get_weather", "Weather for a city.", """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""")],
                ToolChoice = "get_weather",
                MaxOutputTokens = 300,
            },
        };
        var session = Write(ClientCommand.Configure, options).GetProperty("session");

        Assert.Equal("realtime", session.GetProperty("type").GetString());
        Assert.Equal("Be concise.", session.GetProperty("instructions").GetString());
        Assert.Equal("audio", session.GetProperty("output_modalities")[0].GetString());
        var input = session.GetProperty("audio").GetProperty("input");
        Assert.Equal(24000, input.GetProperty("format").GetProperty("rate").GetInt32());
        Assert.Equal("gpt-4o-mini-transcribe", input.GetProperty("transcription").GetProperty("model").GetString());
        var vad = input.GetProperty("turn_detection");
        Assert.Equal(("semantic_vad", "low", false, true), (vad.GetProperty("type").GetString(), vad.GetProperty("eagerness").GetString(), vad.GetProperty("create_response").GetBoolean(), vad.GetProperty("interrupt_response").GetBoolean()));
        Assert.False(vad.TryGetProperty("silence_duration_ms", out _));
        Assert.Equal("marin", session.GetProperty("audio").GetProperty("output").GetProperty("voice").GetString());
        Assert.Equal("string", session.GetProperty("tools")[0].GetProperty("parameters").GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal("get_weather", session.GetProperty("tool_choice").GetProperty("name").GetString());
        Assert.Equal(300, session.GetProperty("max_output_tokens").GetInt32());
        Assert.False(session.TryGetProperty("temperature", out _));

        var pushToTalk = Write(ClientCommand.Configure, options with { TurnDetection = null, Conversation = new RealtimeConversationOptions { OutputModality = RealtimeOutputModality.Text } }).GetProperty("session");
        Assert.Equal(JsonValueKind.Null, pushToTalk.GetProperty("audio").GetProperty("input").GetProperty("turn_detection").ValueKind);
        Assert.Equal("text", pushToTalk.GetProperty("output_modalities")[0].GetString());
        Assert.False(pushToTalk.TryGetProperty("tools", out _));
        Assert.Equal("model=gpt-realtime", Codec.Query(options));
    }

    [Fact]
    public void Commands_AreWrittenAsTheReferenceShowsThem()
    {
        var options = new RealtimeSessionOptions { Dialect = RealtimeDialect.OpenAIConversation, Model = "gpt-realtime" };
        var text = Write(ClientCommand.Conversation, options, new UserTextCommand("Weather in Oslo?"));
        Assert.Equal(("conversation.item.create", "evt_7"), (text.GetProperty("type").GetString(), text.GetProperty("event_id").GetString()));
        Assert.Equal("Weather in Oslo?", text.GetProperty("item").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("input_text", text.GetProperty("item").GetProperty("content")[0].GetProperty("type").GetString());

        var output = Write(ClientCommand.Conversation, options, new FunctionOutputCommand("call_1", "{\"temp_c\":4}")).GetProperty("item");
        Assert.Equal(("function_call_output", "call_1", "{\"temp_c\":4}"), (output.GetProperty("type").GetString(), output.GetProperty("call_id").GetString(), output.GetProperty("output").GetString()));

        Assert.False(Write(ClientCommand.Conversation, options, new CreateResponseCommand(null)).TryGetProperty("response", out _));
        var response = Write(ClientCommand.Conversation, options, new CreateResponseCommand(new RealtimeResponseOptions
        {
            OutOfBand = true, OutputModality = RealtimeOutputModality.Text, Instructions = "Classify intent.", Metadata = new Dictionary<string, string> { ["purpose"] = "classify" }, Voice = "cedar",
        })).GetProperty("response");
        Assert.Equal(("none", "text", "classify", "cedar"), (response.GetProperty("conversation").GetString(), response.GetProperty("output_modalities")[0].GetString(), response.GetProperty("metadata").GetProperty("purpose").GetString(), response.GetProperty("audio").GetProperty("output").GetProperty("voice").GetString()));

        var truncate = Write(ClientCommand.Conversation, options, new TruncateCommand("item_2", 0, 1500));
        Assert.Equal(("conversation.item.truncate", "item_2", 0, 1500), (truncate.GetProperty("type").GetString(), truncate.GetProperty("item_id").GetString(), truncate.GetProperty("content_index").GetInt32(), truncate.GetProperty("audio_end_ms").GetInt32()));
        Assert.Equal("resp_1", Write(ClientCommand.Conversation, options, new CancelResponseCommand("resp_1")).GetProperty("response_id").GetString());
        Assert.False(Write(ClientCommand.Conversation, options, new CancelResponseCommand(null)).TryGetProperty("response_id", out _));
        Assert.Equal("conversation.item.delete", Write(ClientCommand.Conversation, options, new DeleteItemCommand("item_3")).GetProperty("type").GetString());
    }

    [Fact]
    public void GeneratedMalformedMessages_NeverThrow()
    {
        string[] seeds =
        [
            """{"type":"response.output_audio.delta","event_id":"event_15","response_id":"resp_1","item_id":"item_2","output_index":0,"content_index":0,"delta":"AAABAAIAAwA="}""",
            """{"type":"response.done","response":{"id":"resp_1","status":"cancelled","status_details":{"reason":"turn_detected"},"output":[{"id":"item_2"}],"usage":{"total_tokens":3,"input_tokens":1,"output_tokens":2}}}""",
            """{"type":"conversation.item.done","previous_item_id":"item_1","item":{"id":"item_2","type":"message","role":"assistant","content":[{"type":"output_audio","transcript":"Hello!"}]}}""",
            """{"type":"response.function_call_arguments.done","response_id":"resp_2","item_id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}""",
            """{"type":"rate_limits.updated","rate_limits":[{"name":"requests","limit":1000,"remaining":999,"reset_seconds":60}]}""",
            """{"type":"conversation.item.truncated","item_id":"item_2","content_index":0,"audio_end_ms":1500}""",
        ];
        var mutator = new Mutator(41_003);
        var inputs = Enumerable.Range(0, 20_000).Select(i => mutator.Mutate(Encoding.UTF8.GetBytes(seeds[i % seeds.Length])));
        var kinds = new HashSet<Type>();
        var threw = HostileInput.Run(inputs, bytes => kinds.Add(Codec.Parse(bytes, null)?.GetType() ?? typeof(void)), _ => false, HostileInput.Hex);
        Assert.Equal(0, threw);
        Assert.Contains(typeof(UnknownMessage), kinds);
        Assert.Contains(typeof(OutputAudioDelta), kinds);
        Assert.Contains(typeof(ResponseDone), kinds);
    }
}
