using System.Buffers;
using System.Text;
using System.Text.Json;
using AudioSdk.Realtime;
using AudioSdk.Realtime.Continuity;
using AudioSdk.Realtime.Protocol;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// The conversation dialect's codec field by field: the exact JSON of each command and of the session configuration,
/// every field of every event it reads, and its output-audio fast path (which messages take it, shown by the ids it
/// shares between consecutive deltas).
/// </summary>
public sealed class RealtimeCodecConversationTests
{
    private static readonly OpenAIConversationProtocol Codec = OpenAIConversationProtocol.Instance;
    private static readonly RealtimeSessionOptions Options = new() { Dialect = RealtimeDialect.OpenAIConversation, Model = "gpt-realtime" };

    private static RealtimeEvent? Parse(string json, out string? problem, OpenAIConversationProtocol? codec = null) =>
        (codec ?? Codec).Parse(Encoding.UTF8.GetBytes(json), null, out problem);

    private static RealtimeEvent? Parse(string json, OpenAIConversationProtocol? codec = null) => Parse(json, out _, codec);

    private static string Written(ConversationCommand command)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Codec.Write(writer, ClientCommand.Conversation, Options, default, 4, command);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Configured(RealtimeSessionOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Codec.Write(writer, ClientCommand.Configure, options, default, 2);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // Commands.

    [Fact]
    public void Commands_AreExact()
    {
        Assert.Equal("""{"type":"conversation.item.create","event_id":"evt_4","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"hi there"}]}}""",
            Written(new UserTextCommand("hi there")));
        Assert.Equal("""{"type":"conversation.item.create","event_id":"evt_4","item":{"type":"function_call_output","call_id":"call_1","output":"4 C"}}""",
            Written(new FunctionOutputCommand("call_1", "4 C")));
        Assert.Equal("""{"type":"response.create","event_id":"evt_4"}""", Written(new CreateResponseCommand(null)));
        Assert.Equal("""{"type":"response.create","event_id":"evt_4","response":{}}""", Written(new CreateResponseCommand(new RealtimeResponseOptions { Metadata = new Dictionary<string, string>() })));
        Assert.Equal("""{"type":"response.cancel","event_id":"evt_4","response_id":"resp_1"}""", Written(new CancelResponseCommand("resp_1")));
        Assert.Equal("""{"type":"response.cancel","event_id":"evt_4"}""", Written(new CancelResponseCommand(null)));
        Assert.Equal("""{"type":"conversation.item.truncate","event_id":"evt_4","item_id":"item_2","content_index":1,"audio_end_ms":1500}""",
            Written(new TruncateCommand("item_2", 1, 1500)));
        Assert.Equal("""{"type":"conversation.item.delete","event_id":"evt_4","item_id":"item_3"}""", Written(new DeleteItemCommand("item_3")));
    }

    private sealed record OtherCommand : ConversationCommand;

    [Fact]
    public void AnUnknownCommand_IsRefused()
    {
        Assert.Equal("command", Assert.Throws<ArgumentOutOfRangeException>(() => Written(new OtherCommand())).ParamName);
    }

    [Fact]
    public void ResponseCreate_WithEveryOverride_IsExact()
    {
        var options = new RealtimeResponseOptions
        {
            OutOfBand = true,
            Instructions = "Go.",
            OutputModality = RealtimeOutputModality.Text,
            Voice = "cedar",
            Tools = [new RealtimeFunctionTool("c")],
            ToolChoice = "required",
            MaxOutputTokens = 50,
            Metadata = new Dictionary<string, string> { ["k"] = "v" },
        };

        Assert.Equal(
            """{"type":"response.create","event_id":"evt_4","response":{"conversation":"none","instructions":"Go.","output_modalities":["text"],"audio":{"output":{"voice":"cedar"}},"tools":[{"type":"function","name":"c","parameters":{"type":"object","properties":{}}}],"tool_choice":"required","max_output_tokens":50,"metadata":{"k":"v"}}}""",
            Written(new CreateResponseCommand(options)));
        Assert.Equal("""{"type":"response.create","event_id":"evt_4","response":{"output_modalities":["audio"],"tools":[],"tool_choice":{"type":"function","name":"lookup"}}}""",
            Written(new CreateResponseCommand(new RealtimeResponseOptions { OutputModality = RealtimeOutputModality.Audio, Tools = [], ToolChoice = "lookup" })));
    }

    [Fact]
    public void SeedItems_AreWrittenAsTheyWere_UnderTheirIds()
    {
        Assert.Equal("""{"type":"conversation.item.create","event_id":"evt_4","item":{"id":"item_1","type":"message","role":"user","content":[{"type":"input_text","text":"hello"}]}}""",
            Written(new SeedItemCommand(new SeedItem("item_1", "message", "user", "hello", null, null, null))));
        Assert.Equal("""{"type":"conversation.item.create","event_id":"evt_4","item":{"id":"item_2","type":"message","role":"assistant","content":[{"type":"output_text","text":"hi"}]}}""",
            Written(new SeedItemCommand(new SeedItem("item_2", "message", "assistant", "hi", null, null, null))));
        Assert.Equal("""{"type":"conversation.item.create","event_id":"evt_4","item":{"type":"message","role":"system","content":[{"type":"input_text","text":"rules"}]}}""",
            Written(new SeedItemCommand(new SeedItem(null, "message", "system", "rules", null, null, null))));
        Assert.Equal("""{"type":"conversation.item.create","event_id":"evt_4","item":{"id":"fc_1","type":"function_call","call_id":"call_1","name":"lookup","arguments":"{}"}}""",
            Written(new SeedItemCommand(new SeedItem("fc_1", "function_call", null, null, "call_1", "lookup", "{}"))));
        Assert.Equal("""{"type":"conversation.item.create","event_id":"evt_4","item":{"id":"fo_1","type":"function_call_output","call_id":"call_1","output":"sunny"}}""",
            Written(new SeedItemCommand(new SeedItem("fo_1", "function_call_output", null, "sunny", "call_1", null, null))));
    }

    // The session configuration.

    [Fact]
    public void SessionUpdate_WithEveryOption_IsExact()
    {
        var options = Options with
        {
            Language = "en",
            TurnDetection = new RealtimeTurnDetection { Threshold = 0.5, PrefixPaddingMs = 300, SilenceDurationMs = 500, CreateResponse = true, InterruptResponse = false, Eagerness = "high" },
            Conversation = new RealtimeConversationOptions
            {
                Instructions = "Be brief.",
                Voice = "marin",
                InputTranscriptionModel = "gpt-4o-transcribe",
                InputAudioFormat = RealtimeAudioEncoding.G711MuLaw,
                OutputAudioFormat = RealtimeAudioEncoding.G711ALaw,
                Tools = [new RealtimeFunctionTool("a", "desc", """{"type":"object"}"""), new RealtimeFunctionTool("b")],
                ToolChoice = "auto",
                MaxOutputTokens = 100,
            },
        };

        Assert.Equal(
            """{"type":"session.update","event_id":"evt_2","session":{"type":"realtime","instructions":"Be brief.","output_modalities":["audio"],"audio":{"input":{"format":{"type":"audio/pcmu"},"transcription":{"model":"gpt-4o-transcribe","language":"en"},"turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,"silence_duration_ms":500,"create_response":true,"interrupt_response":false}},"output":{"format":{"type":"audio/pcma"},"voice":"marin"}},"tools":[{"type":"function","name":"a","description":"desc","parameters":{"type":"object"}},{"type":"function","name":"b","parameters":{"type":"object","properties":{}}}],"tool_choice":"auto","max_output_tokens":100}}""",
            Configured(options));
    }

    [Fact]
    public void SessionUpdate_WithTheDefaults_IsExact()
    {
        Assert.Equal(
            """{"type":"session.update","event_id":"evt_2","session":{"type":"realtime","output_modalities":["audio"],"audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"turn_detection":null},"output":{"format":{"type":"audio/pcm","rate":24000}}}}}""",
            Configured(Options with { Language = "en" }));
    }

    [Theory]
    [InlineData("none", "\"none\"")]
    [InlineData("required", "\"required\"")]
    [InlineData("auto", "\"auto\"")]
    [InlineData("get_weather", """{"type":"function","name":"get_weather"}""")]
    public void ToolChoice_IsAModeOrAFunction(string choice, string json)
    {
        var written = Configured(Options with { Conversation = new RealtimeConversationOptions { ToolChoice = choice } });
        Assert.EndsWith(",\"tool_choice\":" + json + "}}", written);
    }

    [Fact]
    public void AToolSchemaThatIsNotJson_IsRefused()
    {
        var options = Options with { Conversation = new RealtimeConversationOptions { Tools = [new RealtimeFunctionTool("a", null, "{not json")] } };
        Assert.ThrowsAny<JsonException>(() => Configured(options));
    }

    [Theory]
    [InlineData(null, "model=")]
    [InlineData("gpt realtime", "model=gpt%20realtime")]
    public void Query_NamesTheModel(string? model, string query) => Assert.Equal(query, Codec.Query(Options with { Model = model }));

    // Reading: every field.

    [Fact]
    public void OutputAudio_ReadByTheGeneralReader_EveryField()
    {
        var delta = Assert.IsType<OutputAudioDelta>(Parse("""{"delta":"AAEC","type":"response.output_audio.delta","response_id":"r","item_id":"i","output_index":2,"content_index":3}"""));
        Assert.Equal(("r", "i", 2, 3), (delta.ResponseId, delta.ItemId, delta.OutputIndex, delta.ContentIndex));
        Assert.Equal(new byte[] { 0, 1, 2 }, delta.Audio.ToArray());

        var done = Assert.IsType<OutputAudioDone>(Parse("""{"type":"response.audio.done","response_id":"r","item_id":"i"}"""));
        Assert.Equal(("r", "i"), (done.ResponseId, done.ItemId));
    }

    [Fact]
    public void TextTranscriptAndFunctionEvents_EveryField_MissingTextIsEmpty()
    {
        var transcript = Assert.IsType<OutputAudioTranscriptDelta>(Parse("""{"type":"response.output_audio_transcript.delta","response_id":"r1","item_id":"i1","delta":"a"}"""));
        Assert.Equal(("r1", "i1", "a"), (transcript.ResponseId, transcript.ItemId, transcript.Delta));
        Assert.Equal("", Assert.IsType<OutputAudioTranscriptDelta>(Parse("""{"type":"response.audio_transcript.delta"}""")).Delta);

        var transcriptDone = Assert.IsType<OutputAudioTranscriptDone>(Parse("""{"type":"response.audio_transcript.done","response_id":"r2","item_id":"i2","transcript":"b"}"""));
        Assert.Equal(("r2", "i2", "b"), (transcriptDone.ResponseId, transcriptDone.ItemId, transcriptDone.Transcript));
        Assert.Equal("", Assert.IsType<OutputAudioTranscriptDone>(Parse("""{"type":"response.output_audio_transcript.done"}""")).Transcript);

        var text = Assert.IsType<OutputTextDelta>(Parse("""{"type":"response.text.delta","response_id":"r3","item_id":"i3","delta":"c"}"""));
        Assert.Equal(("r3", "i3", "c"), (text.ResponseId, text.ItemId, text.Delta));
        Assert.Equal("", Assert.IsType<OutputTextDelta>(Parse("""{"type":"response.output_text.delta"}""")).Delta);

        var textDone = Assert.IsType<OutputTextDone>(Parse("""{"type":"response.text.done","response_id":"r4","item_id":"i4","text":"d"}"""));
        Assert.Equal(("r4", "i4", "d"), (textDone.ResponseId, textDone.ItemId, textDone.Text));
        Assert.Equal("", Assert.IsType<OutputTextDone>(Parse("""{"type":"response.output_text.done"}""")).Text);

        var args = Assert.IsType<FunctionCallArgumentsDelta>(Parse("""{"type":"response.function_call_arguments.delta","response_id":"r5","item_id":"i5","call_id":"c5","delta":"{"}"""));
        Assert.Equal(("r5", "i5", "c5", "{"), (args.ResponseId, args.ItemId, args.CallId, args.Delta));
        Assert.Equal("", Assert.IsType<FunctionCallArgumentsDelta>(Parse("""{"type":"response.function_call_arguments.delta"}""")).Delta);

        var call = Assert.IsType<FunctionCallArgumentsDone>(Parse("""{"type":"response.function_call_arguments.done","call_id":"c6","name":"f"}"""));
        Assert.Equal(((string?)null, "c6", "f", ""), (call.ResponseId, call.CallId, call.Name, call.Arguments));
    }

    [Fact]
    public void OutputItemsAndParts_EveryField()
    {
        var added = Assert.IsType<OutputItemAdded>(Parse("""{"type":"response.output_item.added","response_id":"r1","output_index":2,"item":{"id":"item_1","type":"function_call","call_id":"call_1","name":"f","status":"in_progress"}}"""));
        Assert.Equal(("r1", 2, "item_1", "function_call", "call_1", "f", "in_progress"), (added.ResponseId, added.OutputIndex, added.Item.Id, added.Item.Type, added.Item.CallId, added.Item.Name, added.Item.Status));
        var done = Assert.IsType<OutputItemDone>(Parse("""{"type":"response.output_item.done","response_id":"r2","output_index":3,"item":{"id":"item_2"}}"""));
        Assert.Equal(("r2", 3, "item_2"), (done.ResponseId, done.OutputIndex, done.Item.Id));

        var partAdded = Assert.IsType<ContentPartAdded>(Parse("""{"type":"response.content_part.added","response_id":"r3","item_id":"i3","output_index":4,"content_index":5,"part":{"type":"output_text"}}"""));
        Assert.Equal(("r3", "i3", 4, 5, "output_text", ""), (partAdded.ResponseId, partAdded.ItemId, partAdded.OutputIndex, partAdded.ContentIndex, partAdded.PartType, partAdded.Text));
        Assert.Equal("response.content_part.added", partAdded.EventType);
        var partDone = Assert.IsType<ContentPartDone>(Parse("""{"type":"response.content_part.done","response_id":"r4","item_id":"i4","output_index":6,"content_index":7,"part":{"type":"text","text":"t","transcript":"u"}}"""));
        Assert.Equal(("r4", "i4", 6, 7, "text", "t"), (partDone.ResponseId, partDone.ItemId, partDone.OutputIndex, partDone.ContentIndex, partDone.PartType, partDone.Text));
    }

    [Fact]
    public void ConversationItems_EveryField()
    {
        var added = Assert.IsType<ConversationItemAdded>(Parse("""{"type":"conversation.item.added","previous_item_id":"item_0","item":{"id":"item_1"}}"""));
        Assert.Equal(("item_0", "item_1"), (added.PreviousItemId, added.Item.Id));
        var done = Assert.IsType<ConversationItemDone>(Parse("""{"type":"conversation.item.done","previous_item_id":"item_1","item":{"id":"item_2"}}"""));
        Assert.Equal(("item_1", "item_2"), (done.PreviousItemId, done.Item.Id));
        var truncated = Assert.IsType<ConversationItemTruncated>(Parse("""{"type":"conversation.item.truncated","item_id":"item_2","content_index":1,"audio_end_ms":20}"""));
        Assert.Equal(("item_2", 1, 20), (truncated.ItemId, truncated.ContentIndex, truncated.AudioEndMs));
        var bare = Assert.IsType<ConversationItemTruncated>(Parse("""{"type":"conversation.item.truncated"}"""));
        Assert.Equal(((string?)null, 0, 0), (bare.ItemId, bare.ContentIndex, bare.AudioEndMs));
    }

    [Theory]
    [InlineData("""[{"type":"input_audio"},{"type":"input_text","text":"second"}]""", "second")]
    [InlineData("""[{"type":"input_text","text":"first"},{"type":"input_audio"}]""", "first")]
    [InlineData("""[{"type":"output_text","text":"first"},{"type":"output_text","text":"second"}]""", "first")]
    [InlineData("""[{"type":"output_audio","text":"text","transcript":"transcript"}]""", "text")]
    [InlineData("""[{"type":"output_audio","transcript":"transcript"}]""", "transcript")]
    [InlineData("""[{"type":"input_audio"}]""", null)]
    [InlineData("""{"type":"input_text","text":"not a list"}""", null)]
    public void AnItemsText_IsItsFirstPartWithText(string content, string? text)
    {
        var added = Assert.IsType<ConversationItemAdded>(Parse("{\"type\":\"conversation.item.added\",\"item\":{\"id\":\"i\",\"content\":" + content + "}}"));
        Assert.Equal(text, added.Item.Text);
    }

    [Fact]
    public void RateLimits_ThatAreNotAList_AreLeftOut()
    {
        var limits = Assert.IsType<RateLimitsUpdated>(Parse("""{"type":"rate_limits.updated","rate_limits":"x"}""", out var problem));
        Assert.Empty(limits.Limits);
        Assert.Equal("field 'rate_limits' left out (String)", problem);

        limits = Assert.IsType<RateLimitsUpdated>(Parse("""{"type":"rate_limits.updated"}""", out problem));
        Assert.Empty(limits.Limits);
        Assert.Null(problem);

        limits = Assert.IsType<RateLimitsUpdated>(Parse("""{"type":"rate_limits.updated","rate_limits":[{"name":"n","limit":1.5,"remaining":"2","reset_seconds":1e400}]}""", out problem));
        Assert.Equal(new RealtimeRateLimit("n", null, null, null), Assert.Single(limits.Limits));
    }

    [Theory]
    [InlineData(""","delta":"not base64!" """, "field 'delta' left out (not base64)")]
    [InlineData(""","delta":42""", "field 'delta' left out (Number)")]
    [InlineData(""","delta":null""", "field 'delta' left out (Null)")]
    [InlineData(""","delta":["AAEC"]""", "field 'delta' left out (Array)")]
    [InlineData("", null)]
    public void AnAudioDeltaWithoutAudio_SaysWhy(string field, string? expected)
    {
        var delta = Assert.IsType<OutputAudioDelta>(Parse("{\"type\":\"response.output_audio.delta\",\"item_id\":\"i\"" + field + "}", out var problem));
        Assert.True(delta.Audio.IsEmpty);
        Assert.Equal("i", delta.ItemId);
        Assert.Equal(expected, problem);
    }

    // The output audio fast path.

    private static (OutputAudioDelta First, OutputAudioDelta Second) Twice(string json)
    {
        var codec = new OpenAIConversationProtocol();
        return (Assert.IsType<OutputAudioDelta>(Parse(json, codec)), Assert.IsType<OutputAudioDelta>(Parse(json, codec)));
    }

    [Fact]
    public void AWellFormedAudioDelta_TakesTheFastPath_SharingIds_WithEveryField()
    {
        var (first, second) = Twice("""{"type":"response.output_audio.delta","response_id":"resp_1","item_id":"item_2","output_index":1,"content_index":2,"delta":"AAEC","event_id":"e","extra":{"a":[1]}}""");

        Assert.Equal(("resp_1", "item_2", 1, 2), (first.ResponseId, first.ItemId, first.OutputIndex, first.ContentIndex));
        Assert.Equal(new byte[] { 0, 1, 2 }, first.Audio.ToArray());
        Assert.Same(first.ItemId, second.ItemId);
        Assert.Same(first.ResponseId, second.ResponseId);
        Assert.Equal(2, second.ContentIndex);
    }

    [Fact]
    public void ANullId_StaysOnTheFastPath()
    {
        var (first, second) = Twice("""{"type":"response.audio.delta","response_id":"resp_1","item_id":null,"delta":"AAEC"}""");
        Assert.Null(first.ItemId);
        Assert.Same(first.ResponseId, second.ResponseId);
    }

    [Fact]
    public void ADeltaWithoutAudio_IsLeftToTheGeneralReader()
    {
        var (first, second) = Twice("""{"type":"response.output_audio.delta","response_id":"resp_1","item_id":"item_2"}""");
        Assert.Equal(("resp_1", "item_2"), (second.ResponseId, second.ItemId));
        Assert.NotSame(first.ItemId, second.ItemId);
        Assert.True(second.Audio.IsEmpty);
    }

    [Theory]
    [InlineData("""{"type":"response.output_audio.delta","response_id":5,"item_id":"i","delta":"AAEC"}""", "5", "i", 0, null)]
    [InlineData("""{"type":"response.output_audio.delta","response_id":"r","item_id":7,"delta":"AAEC"}""", "r", "7", 0, null)]
    [InlineData("""{"type":"response.output_audio.delta","response_id":"r","item_id":"i","output_index":1.5,"delta":"AAEC"}""", "r", "i", 0, "field 'output_index' left out (out of range)")]
    [InlineData("""{"type":"response.output_audio.delta","response_id":"r","item_id":"i","content_index":"1","delta":"AAEC"}""", "r", "i", 0, "field 'content_index' left out (String)")]
    public void UnusualFields_AreReadByTheGeneralReader(string json, string response, string item, int outputIndex, string? expected)
    {
        var delta = Assert.IsType<OutputAudioDelta>(Parse(json, out var problem, new OpenAIConversationProtocol()));
        Assert.Equal((response, item, outputIndex, 0), (delta.ResponseId, delta.ItemId, delta.OutputIndex, delta.ContentIndex));
        Assert.Equal(new byte[] { 0, 1, 2 }, delta.Audio.ToArray());
        Assert.Equal(expected, problem);
    }

    [Theory]
    [InlineData("""{"delta":"AAEC","item_id":"i"}""", "(no type)")]
    [InlineData("""[1,2]""", "(no type)")]
    [InlineData("""{"type":"response.output_audio.delta","delta":"AAEC"} x""", "(not json)")]
    [InlineData("""not json""", "(not json)")]
    [InlineData("""{"type":"response.output_audio.deltas","delta":"AAEC"}""", "response.output_audio.deltas")]
    public void MessagesThatAreNotAudioDeltas_AreUnknown(string json, string type)
    {
        var unknown = Assert.IsType<UnknownMessage>(Parse(json, new OpenAIConversationProtocol()));
        Assert.Equal(type, unknown.EventType);
    }
}
