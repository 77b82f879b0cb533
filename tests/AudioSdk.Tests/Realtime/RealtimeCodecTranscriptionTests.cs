using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AudioSdk.Realtime;
using AudioSdk.Realtime.Protocol;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// The transcription and native dialects' codecs field by field: the exact JSON they write for each command, every field
/// of every event they read, and the problem they report for a field they leave out.
/// </summary>
public sealed class RealtimeCodecTranscriptionTests
{
    private static readonly RealtimeProtocol OpenAI = OpenAITranscriptionProtocol.Instance;
    private static readonly RealtimeProtocol Native = VllmNativeProtocol.Instance;

    private static RealtimeEvent? Parse(RealtimeProtocol codec, string json, out string? problem, string? item = null) =>
        codec.Parse(Encoding.UTF8.GetBytes(json), item, out problem);

    private static RealtimeEvent? Parse(RealtimeProtocol codec, string json, string? item = null) => Parse(codec, json, out _, item);

    private static string Written(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Written(RealtimeProtocol codec, ClientCommand command, RealtimeSessionOptions? options = null, byte[]? audio = null) =>
        Written(w => codec.Write(w, command, options ?? new RealtimeSessionOptions { Model = "m" }, audio, 9));

    // Writing.

    [Fact]
    public void Write_DispatchesEachCommandToItsWireShape()
    {
        Assert.Equal("""{"type":"input_audio_buffer.append","event_id":"evt_9","audio":"AQID"}""", Written(OpenAI, ClientCommand.Append, audio: [1, 2, 3]));
        Assert.Equal("""{"type":"input_audio_buffer.commit","event_id":"evt_9"}""", Written(OpenAI, ClientCommand.Commit));
        Assert.Equal("""{"type":"input_audio_buffer.clear","event_id":"evt_9"}""", Written(OpenAI, ClientCommand.Clear));
        Assert.Equal("""{"type":"input_audio_buffer.commit"}""", Written(Native, ClientCommand.StartTurn));
        Assert.Equal("""{"type":"input_audio_buffer.commit","final":true}""", Written(Native, ClientCommand.Commit));
        Assert.Equal("""{"type":"input_audio_buffer.clear","event_id":"evt_9"}""", Written(Native, ClientCommand.Clear));
        Assert.Equal("""{"type":"session.update","model":"m"}""", Written(Native, ClientCommand.Configure));
        Assert.StartsWith("""{"type":"session.update","event_id":"evt_9","session":{"type":"transcription",""", Written(OpenAI, ClientCommand.Configure));
    }

    [Fact]
    public void Write_RefusesACommandItCannotWrite()
    {
        var options = new RealtimeSessionOptions { Model = "m" };
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer);

        Assert.Equal("command", Assert.Throws<ArgumentOutOfRangeException>(() => OpenAI.Write(writer, ClientCommand.Conversation, options, default, 1)).ParamName);
        Assert.Equal("command", Assert.Throws<ArgumentOutOfRangeException>(() => OpenAI.Write(writer, (ClientCommand)99, options, default, 1)).ParamName);
        var refused = Assert.Throws<InvalidOperationException>(() => OpenAI.Write(writer, ClientCommand.Conversation, options, default, 1, new DeleteItemCommand("i")));
        Assert.Equal("This dialect has no conversation commands.", refused.Message);
        Assert.Equal(0, buffer.WrittenCount);
    }

    [Theory]
    [InlineData(0, "evt_0")]
    [InlineData(12, "evt_12")]
    [InlineData(int.MaxValue, "evt_2147483647")]
    public void EventIds_AreEvtN_BothWays(int number, string id)
    {
        Assert.Equal(id, RealtimeProtocol.EventId(number));
        Assert.Equal("{\"type\":\"input_audio_buffer.clear\",\"event_id\":\"" + id + "\"}", Written(w => OpenAI.WriteClear(w, number)));
    }

    [Fact]
    public void OpenAI_SessionUpdate_WithEveryOption_IsExact()
    {
        var options = new RealtimeSessionOptions
        {
            Model = "gpt-4o-transcribe",
            Language = "de",
            Prompt = "p",
            Keywords = ["a", "b"],
            TurnDetection = new RealtimeTurnDetection { Semantic = true, Eagerness = "low", Threshold = 0.4, PrefixPaddingMs = 100, SilenceDurationMs = 200, CreateResponse = true, InterruptResponse = false },
            NoiseReduction = RealtimeNoiseReduction.FarField,
            IncludeLogProbabilities = true,
        };

        Assert.Equal(
            """{"type":"session.update","event_id":"evt_3","session":{"type":"transcription","audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"transcription":{"model":"gpt-4o-transcribe","language":"de","prompt":"p","keywords":["a","b"]},"turn_detection":{"type":"server_vad","threshold":0.4,"prefix_padding_ms":100,"silence_duration_ms":200},"noise_reduction":{"type":"far_field"}}},"include":["item.input_audio_transcription.logprobs"]}}""",
            Written(w => OpenAI.WriteSessionUpdate(w, options, 3)));
    }

    [Fact]
    public void OpenAI_SessionUpdate_WithTheLeastOptions_IsExact()
    {
        var options = new RealtimeSessionOptions { Model = "m", SessionSampleRate = 16000, Keywords = [], NoiseReduction = RealtimeNoiseReduction.NearField, TurnDetection = RealtimeTurnDetection.OnClient };

        Assert.Equal(
            """{"type":"session.update","event_id":"evt_1","session":{"type":"transcription","audio":{"input":{"format":{"type":"audio/pcm","rate":16000},"transcription":{"model":"m"},"turn_detection":null,"noise_reduction":{"type":"near_field"}}}}}""",
            Written(w => OpenAI.WriteSessionUpdate(w, options, 1)));
    }

    [Fact]
    public void Native_SessionUpdate_AsksForLogprobsWhenSet()
    {
        Assert.Equal("""{"type":"session.update","model":"voxtral","include":["item.input_audio_transcription.logprobs"]}""",
            Written(w => Native.WriteSessionUpdate(w, new RealtimeSessionOptions { Model = "voxtral", IncludeLogProbabilities = true }, 2)));
        Assert.Equal("model=a%20b%2Fc", Native.Query(new RealtimeSessionOptions { Model = "a b/c" }));
    }

    // Options the transcription dialect refuses before connecting.

    private static List<string> Problems(RealtimeSessionOptions options)
    {
        var problems = new List<string>();
        OpenAITranscriptionProtocol.Validate(options, problems);
        return problems;
    }

    [Theory]
    [InlineData("gpt-live-transcribe")]
    [InlineData("gpt-realtime-whisper")]
    [InlineData("gpt-transcribe")]
    [InlineData("GPT-TRANSCRIBE-2026-01-01")]
    public void Validate_ACommitOnlyModel_RefusesServerTurnDetection(string model)
    {
        Assert.Equal([$"{model} has no server-side turn detection: leave TurnDetection unset and commit each utterance, or use RealtimeTurnDetection.OnClient."],
            Problems(new RealtimeSessionOptions { Model = model, TurnDetection = new RealtimeTurnDetection() }));
        Assert.Empty(Problems(new RealtimeSessionOptions { Model = model, TurnDetection = RealtimeTurnDetection.OnClient }));
        Assert.Empty(Problems(new RealtimeSessionOptions { Model = model }));
    }

    [Theory]
    [InlineData("gpt-4o-transcribe")]
    [InlineData(null)]
    public void Validate_OtherModels_TakeServerTurnDetectionAndAPrompt(string? model)
    {
        Assert.Empty(Problems(new RealtimeSessionOptions { Model = model, TurnDetection = new RealtimeTurnDetection(), Prompt = "p", Keywords = ["a"], NoiseReduction = RealtimeNoiseReduction.FarField }));
    }

    [Fact]
    public void Validate_ListsEveryProblem()
    {
        var options = new RealtimeSessionOptions
        {
            Model = "gpt-realtime-whisper",
            TurnDetection = new RealtimeTurnDetection(),
            Prompt = "p",
            Keywords = ["a", " "],
            NoiseReduction = (RealtimeNoiseReduction)7,
            AdditionalQueryParameters = new Dictionary<string, string> { ["x"] = "1", ["MODEL"] = "y" },
        };

        Assert.Equal(
            [
                "gpt-realtime-whisper has no server-side turn detection: leave TurnDetection unset and commit each utterance, or use RealtimeTurnDetection.OnClient.",
                "gpt-realtime-whisper takes no Prompt; use Keywords or leave Prompt unset.",
                "Keywords must be non-empty words or phrases (leave it unset for none).",
                "NoiseReduction must be NearField or FarField.",
                "AdditionalQueryParameters must not carry 'model' in the transcription dialect: a model in the URL opens a conversation session instead; set Model.",
            ],
            Problems(options));
        Assert.Equal(["Keywords must be non-empty words or phrases (leave it unset for none)."], Problems(new RealtimeSessionOptions { Model = "m", Keywords = [] }));
        Assert.Empty(Problems(new RealtimeSessionOptions { Model = "gpt-realtime-whisper", Keywords = ["a", "b c"], AdditionalQueryParameters = new Dictionary<string, string> { ["models"] = "1" } }));
    }

    // Reading: the SDK's own events and the base reader.

    [Fact]
    public void SynthesizedEvents_CarryTheirNamesAndNoJson()
    {
        var created = RealtimeProtocol.SynthesizedSessionCreated();
        Assert.Equal(("session.created", (string?)null, true), (created.EventType, created.SessionId, created.IsSynthesized));
        var updated = RealtimeProtocol.SynthesizedSessionUpdated();
        Assert.Equal(("session.updated", true), (updated.EventType, updated.IsSynthesized));
        var empty = RealtimeProtocol.EmptyCommitError();
        Assert.Equal(("invalid_request_error", "input_audio_buffer_commit_empty", "There is no audio to commit in this utterance.", (string?)null, (string?)null, true),
            (empty.ErrorType, empty.Code, empty.Message, empty.Param, empty.ClientEventId, empty.IsSynthesized));
    }

    [Fact]
    public void Unknown_NotJsonAndTypeless_SayWhy()
    {
        var unknown = Assert.IsType<UnknownMessage>(Parse(OpenAI, """{"type":"x.y","a":1}""", out var problem));
        Assert.Equal(("x.y", "an event type the SDK does not model", """{"type":"x.y","a":1}"""), (unknown.EventType, problem, unknown.RawText));

        var text = Assert.IsType<UnknownMessage>(Parse(OpenAI, "{oops", out problem));
        Assert.Equal(("(not json)", "{oops"), (text.EventType, text.RawText));
        Assert.StartsWith("not JSON: ", problem);
        Assert.True(problem!.Length > "not JSON: ".Length);

        var typeless = Assert.IsType<UnknownMessage>(Parse(Native, """{"type":null,"x":[1]}""", out problem));
        Assert.Equal(("(no type)", "no string 'type'", """{"type":null,"x":[1]}"""), (typeless.EventType, problem, typeless.RawText));

        Assert.IsType<SessionUpdated>(Parse(OpenAI, """{"type":"session.updated"}""", out problem));
        Assert.Null(problem);
    }

    [Fact]
    public void AnUnknownMessageWithInvalidUtf8_KeepsItsTextWithReplacementCharacters()
    {
        byte[] bytes = [.. "{\"type\":\"x.y\",\"a\":\""u8, 0xFF, .. "\"}"u8];
        var unknown = Assert.IsType<UnknownMessage>(OpenAI.Parse(bytes, null));
        Assert.Equal("{\"type\":\"x.y\",\"a\":\"\uFFFD\"}", unknown.RawText);
    }

    /// <summary>A dialect whose reader fails the way a reader can fail on a field it did not expect.</summary>
    private sealed class FailingProtocol(Exception failure) : OpenAITranscriptionProtocol
    {
        protected override RealtimeEvent? Read(string type, JsonElement root, string? currentItemId) => throw failure;
    }

    public static TheoryData<Exception> ReaderFailures() =>
        [new InvalidOperationException(), new FormatException(), new OverflowException(), new ArgumentException(), new JsonException(), new NotSupportedException()];

    [Theory]
    [MemberData(nameof(ReaderFailures))]
    public void AReaderThatFails_MakesAnUnknownMessage_NamingTheFailure(Exception failure)
    {
        var unknown = Assert.IsType<UnknownMessage>(Parse(new FailingProtocol(failure), """{"type":"x.y","a":1}""", out var problem));
        Assert.Equal(("x.y", """{"type":"x.y","a":1}"""), (unknown.EventType, unknown.RawText));
        Assert.Equal("unreadable x.y: " + failure.GetType().Name, problem);
    }

    [Fact]
    public void AReaderBug_IsNotHidden()
    {
        var bug = new NullReferenceException();
        Assert.Same(bug, Assert.Throws<NullReferenceException>(() => Parse(new FailingProtocol(bug), """{"type":"x.y"}""")));
    }

    [Fact]
    public void ConfigurationErrors_AreTheNativeDialectsOnly()
    {
        static ServerError Error(string? code) => new(null, code, "m", null, null, default);

        Assert.True(Native.IsConfigurationError(Error("model_not_found")));
        Assert.True(Native.IsConfigurationError(Error("invalid_event")));
        Assert.False(Native.IsConfigurationError(Error("invalid_audio")));
        Assert.False(Native.IsConfigurationError(Error(null)));
        Assert.False(OpenAI.IsConfigurationError(Error("model_not_found")));
        Assert.False(OpenAIConversationProtocol.Instance.IsConfigurationError(Error("invalid_event")));
    }

    [Theory]
    [InlineData(0, "item_000")]
    [InlineData(7, "item_007")]
    [InlineData(1234, "item_1234")]
    public void Native_ItemIds_AreNumberedFromTheUtterance(int utterance, string id) => Assert.Equal(id, VllmNativeProtocol.ItemId(utterance));

    // Reading: the transcription dialect's events, every field.

    [Fact]
    public void OpenAI_Committed_SpeechAndFailed_EveryField()
    {
        var committed = Assert.IsType<Committed>(Parse(OpenAI, """{"type":"input_audio_buffer.committed","item_id":"item_2","previous_item_id":"item_1"}"""));
        Assert.Equal(("item_2", "item_1"), (committed.ItemId, committed.PreviousItemId));
        Assert.Equal("", Assert.IsType<Committed>(Parse(OpenAI, """{"type":"input_audio_buffer.committed"}""")).ItemId);

        var stopped = Assert.IsType<SpeechStopped>(Parse(OpenAI, """{"type":"input_audio_buffer.speech_stopped","item_id":"item_5","audio_end_ms":42}"""));
        Assert.Equal(("item_5", 42), (stopped.ItemId, stopped.AudioEndMs));
        var started = Assert.IsType<SpeechStarted>(Parse(OpenAI, """{"type":"input_audio_buffer.speech_started"}"""));
        Assert.Equal(((string?)null, 0), (started.ItemId, started.AudioStartMs));

        var failed = Assert.IsType<TranscriptFailed>(Parse(OpenAI, """{"type":"conversation.item.input_audio_transcription.failed","item_id":"item_3","error":{"type":"t","code":"c","message":"could not"}}"""));
        Assert.Equal(("item_3", "t", "c", "could not"), (failed.ItemId, failed.ErrorType, failed.Code, failed.Message));
    }

    [Fact]
    public void OpenAI_DeltaAndCompleted_MissingFieldsBecomeEmpty()
    {
        var delta = Assert.IsType<TranscriptDelta>(Parse(OpenAI, """{"type":"conversation.item.input_audio_transcription.delta","item_id":"i","content_index":2,"logprobs":[]}""", out var problem));
        Assert.Equal(("i", "", 2, "conversation.item.input_audio_transcription.delta"), (delta.ItemId, delta.Delta, delta.ContentIndex, delta.EventType));
        Assert.Null(problem);

        var completed = Assert.IsType<TranscriptCompleted>(Parse(OpenAI, """{"type":"conversation.item.input_audio_transcription.completed"}""", out problem));
        Assert.Equal(((string?)null, "", (RealtimeUsage?)null), (completed.ItemId, completed.Transcript, completed.Usage));
        Assert.Empty(completed.LogProbabilities);
        Assert.Null(problem);

        var withItem = Assert.IsType<TranscriptCompleted>(Parse(OpenAI, """{"type":"conversation.item.input_audio_transcription.completed","item_id":"item_9","transcript":"t","logprobs":[{"token":"t","logprob":-0.25,"bytes":[116]}]}"""));
        Assert.Equal(("item_9", "t"), (withItem.ItemId, withItem.Transcript));
        Assert.Equal(-0.25, Assert.Single(withItem.LogProbabilities).LogProbability);
    }

    [Fact]
    public void OpenAI_Errors_ObjectFlatAndMissing()
    {
        var full = Assert.IsType<ServerError>(Parse(OpenAI, """{"type":"error","error":{"type":"invalid_request_error","code":"c","message":"m","param":"session.audio","event_id":"evt_3"}}"""));
        Assert.Equal(("invalid_request_error", "c", "m", "session.audio", "evt_3"), (full.ErrorType, full.Code, full.Message, full.Param, full.ClientEventId));

        var flat = Assert.IsType<ServerError>(Parse(OpenAI, """{"type":"error","error":"boom","code":"bad_thing"}"""));
        Assert.Equal(((string?)null, "bad_thing", "boom", (string?)null, (string?)null), (flat.ErrorType, flat.Code, flat.Message, flat.Param, flat.ClientEventId));

        Assert.Equal("(no message)", Assert.IsType<ServerError>(Parse(OpenAI, """{"type":"error","error":{"code":"c"}}""")).Message);
        var bare = Assert.IsType<ServerError>(Parse(OpenAI, """{"type":"error","code":"c"}"""));
        Assert.Equal(("(no message)", (string?)null), (bare.Message, bare.Code));
    }

    [Fact]
    public void Native_Errors_ObjectAndFlat()
    {
        var full = Assert.IsType<ServerError>(Parse(Native, """{"type":"error","error":{"type":"t","code":"c","message":"m","param":"p","event_id":"evt_1"},"code":"outer"}"""));
        Assert.Equal(("t", "c", "m", "p", (string?)null), (full.ErrorType, full.Code, full.Message, full.Param, full.ClientEventId));

        var outerCode = Assert.IsType<ServerError>(Parse(Native, """{"type":"error","error":{"type":"t"},"code":"outer"}"""));
        Assert.Equal(("outer", "(no message)"), (outerCode.Code, outerCode.Message));

        var flat = Assert.IsType<ServerError>(Parse(Native, """{"type":"error","code":"c"}"""));
        Assert.Equal(((string?)null, "c", "(no message)", (string?)null), (flat.ErrorType, flat.Code, flat.Message, flat.Param));
    }

    [Fact]
    public void Native_Done_WithoutText_IsEmpty_UnderTheSdkItemId()
    {
        var done = Assert.IsType<TranscriptCompleted>(Parse(Native, """{"type":"transcription.done"}""", "item_003"));
        Assert.Equal(("item_003", "", "transcription.done"), (done.ItemId, done.Transcript, done.EventType));
        Assert.Equal("s1", Assert.IsType<SessionCreated>(Parse(Native, """{"type":"session.created","id":"s1"}""")).SessionId);
        Assert.Equal("session.updated", Assert.IsType<SessionUpdated>(Parse(Native, """{"type":"session.updated"}""")).EventType);
    }

    // Fields left out, and the problem reported.

    [Theory]
    [InlineData("""{"type":"input_audio_buffer.speech_started","item_id":"i","audio_start_ms":10000000000}""", "field 'audio_start_ms' left out (out of range)")]
    [InlineData("""{"type":"input_audio_buffer.speech_started","item_id":"i","audio_start_ms":1.5}""", "field 'audio_start_ms' left out (out of range)")]
    [InlineData("""{"type":"input_audio_buffer.speech_started","item_id":"i","audio_start_ms":"7"}""", "field 'audio_start_ms' left out (String)")]
    [InlineData("""{"type":"input_audio_buffer.speech_started","item_id":{},"audio_start_ms":"7"}""", "field 'item_id' left out (Object)")]
    [InlineData("""{"type":"input_audio_buffer.speech_started","item_id":[1],"audio_start_ms":"7"}""", "field 'item_id' left out (Array)")]
    [InlineData("""{"type":"input_audio_buffer.speech_started","item_id":true}""", "field 'item_id' left out (True)")]
    [InlineData("""{"type":"input_audio_buffer.speech_started","item_id":"\ud800","audio_start_ms":"7"}""", "field 'item_id' left out (not valid UTF-16)")]
    public void ALeftOutField_IsTheFirstProblemReported(string json, string expected)
    {
        var started = Assert.IsType<SpeechStarted>(Parse(OpenAI, json, out var problem));
        Assert.Equal(expected, problem);
        Assert.Equal(0, started.AudioStartMs);
        Assert.Equal(expected.Contains("item_id", StringComparison.Ordinal) ? null : "i", started.ItemId);
    }

    [Fact]
    public void NullAndNumberFields_AreNoProblem()
    {
        var started = Assert.IsType<SpeechStarted>(Parse(OpenAI, """{"type":"input_audio_buffer.speech_started","item_id":12,"audio_start_ms":null}""", out var problem));
        Assert.Null(problem);
        Assert.Equal(("12", 0), (started.ItemId, started.AudioStartMs));
    }

    [Theory]
    [InlineData(""","logprobs":"x" """, "field 'logprobs' left out (String)")]
    [InlineData(""","logprobs":{"token":"a"}""", "field 'logprobs' left out (Object)")]
    [InlineData(""","logprobs":[{"token":5,"logprob":-1}]""", "field 'logprobs' left out (JsonException)")]
    [InlineData(""","logprobs":null""", null)]
    [InlineData("", null)]
    public void Logprobs_ThatCannotBeRead_AreLeftOut(string field, string? expected)
    {
        var completed = Assert.IsType<TranscriptCompleted>(Parse(OpenAI, "{\"type\":\"conversation.item.input_audio_transcription.completed\",\"item_id\":\"i\",\"transcript\":\"t\"" + field + "}", out var problem));
        Assert.Equal(expected, problem);
        Assert.Empty(completed.LogProbabilities);
        Assert.Equal("t", completed.Transcript);
    }

    private static RealtimeUsage? UsageOf(string usage) =>
        Assert.IsType<TranscriptCompleted>(Parse(OpenAI, "{\"type\":\"conversation.item.input_audio_transcription.completed\",\"item_id\":\"i\",\"transcript\":\"t\",\"usage\":" + usage + "}")).Usage;

    [Fact]
    public void Usage_TokenNamesOfBothDialects_OpenAIsFirst()
    {
        var both = UsageOf("""{"input_tokens":1,"prompt_tokens":2,"output_tokens":3,"completion_tokens":4,"total_tokens":5}""")!;
        Assert.Equal((1, 3, 5), (both.InputTokens, both.OutputTokens, both.TotalTokens));
        var vllm = UsageOf("""{"prompt_tokens":2,"completion_tokens":4}""")!;
        Assert.Equal((2, 4, (int?)null), (vllm.InputTokens, vllm.OutputTokens, vllm.TotalTokens));
        Assert.Null(vllm.AudioDuration);
        Assert.Null(UsageOf("\"tokens\""));
    }

    [Fact]
    public void Usage_Seconds_OnlyWhenAFiniteNonNegativeNumberInRange()
    {
        Assert.Equal(TimeSpan.Zero, UsageOf("""{"type":"duration","seconds":0}""")!.AudioDuration);
        Assert.Equal(TimeSpan.FromSeconds(1.5), UsageOf("""{"type":"duration","seconds":1.5}""")!.AudioDuration);
        Assert.Null(UsageOf("""{"type":"duration","seconds":"2"}""")!.AudioDuration);
        Assert.Null(UsageOf("""{"type":"duration","seconds":-1}""")!.AudioDuration);
        Assert.Null(UsageOf("""{"type":"duration","seconds":1e15}""")!.AudioDuration);
        Assert.Equal(TimeSpan.FromSeconds(1e11), UsageOf("""{"type":"duration","seconds":1e11}""")!.AudioDuration);
        Assert.Null(UsageOf("""{"type":"duration","seconds":1.0000001e11}""")!.AudioDuration);
    }

    [Theory]
    [InlineData("2e11")]
    [InlineData("4.5e11")]
    public void Usage_ADurationTooLongForATimeSpan_IsLeftOut_TheTranscriptIsKept(string seconds)
    {
        var completed = Assert.IsType<TranscriptCompleted>(Parse(OpenAI,
            "{\"type\":\"conversation.item.input_audio_transcription.completed\",\"item_id\":\"i\",\"transcript\":\"t\",\"usage\":{\"type\":\"duration\",\"seconds\":" + seconds + "}}"));
        Assert.Equal(("i", "t"), (completed.ItemId, completed.Transcript));
        Assert.Null(completed.Usage!.AudioDuration);

        var done = Assert.IsType<TranscriptCompleted>(Parse(Native, "{\"type\":\"transcription.done\",\"text\":\"t\",\"usage\":{\"seconds\":" + seconds + ",\"prompt_tokens\":3}}", "item_001"));
        Assert.Equal(("t", 3), (done.Transcript, done.Usage!.InputTokens));
        Assert.Null(done.Usage.AudioDuration);
    }
}
