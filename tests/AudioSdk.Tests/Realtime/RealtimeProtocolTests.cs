using System.Buffers;
using System.Text;
using System.Text.Json;
using AudioSdk.Realtime;
using AudioSdk.Realtime.Protocol;

namespace AudioSdk.Tests.Realtime;

/// <summary>The dialects' wire formats, without a socket, against the reference's JSON examples.</summary>
public sealed class RealtimeProtocolTests
{
    private static readonly RealtimeProtocol OpenAI = OpenAITranscriptionProtocol.Instance;
    private static readonly RealtimeProtocol Native = VllmNativeProtocol.Instance;

    private static RealtimeEvent? Parse(RealtimeProtocol protocol, string json, string? item = null) => protocol.Parse(Encoding.UTF8.GetBytes(json), item);

    private static JsonElement Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }

    [Fact]
    public void OpenAI_SessionUpdate_IsTheGAShape()
    {
        var options = new RealtimeSessionOptions { Model = "gpt-live-transcribe", Language = "en", Prompt = "names: Ada", IncludeLogProbabilities = true };
        var json = Write(w => OpenAI.WriteSessionUpdate(w, options, 7));

        Assert.Equal("session.update", json.GetProperty("type").GetString());
        Assert.Equal("evt_7", json.GetProperty("event_id").GetString());
        var session = json.GetProperty("session");
        Assert.Equal("transcription", session.GetProperty("type").GetString());
        var input = session.GetProperty("audio").GetProperty("input");
        Assert.Equal("audio/pcm", input.GetProperty("format").GetProperty("type").GetString());
        Assert.Equal(24000, input.GetProperty("format").GetProperty("rate").GetInt32());
        Assert.Equal("gpt-live-transcribe", input.GetProperty("transcription").GetProperty("model").GetString());
        Assert.Equal("en", input.GetProperty("transcription").GetProperty("language").GetString());
        Assert.Equal("names: Ada", input.GetProperty("transcription").GetProperty("prompt").GetString());
        Assert.Equal(JsonValueKind.Null, input.GetProperty("turn_detection").ValueKind);
        Assert.Equal("item.input_audio_transcription.logprobs", session.GetProperty("include")[0].GetString());
    }

    [Fact]
    public void OpenAI_SessionUpdate_WithServerVadAndTinfoilRate()
    {
        var options = new RealtimeSessionOptions { Model = "m", SessionSampleRate = 16000, TurnDetection = new RealtimeTurnDetection { Threshold = 0.6, PrefixPaddingMs = 200, SilenceDurationMs = 700 } };
        var input = Write(w => OpenAI.WriteSessionUpdate(w, options, 1)).GetProperty("session").GetProperty("audio").GetProperty("input");

        Assert.Equal(16000, input.GetProperty("format").GetProperty("rate").GetInt32());
        var vad = input.GetProperty("turn_detection");
        Assert.Equal("server_vad", vad.GetProperty("type").GetString());
        Assert.Equal(0.6, vad.GetProperty("threshold").GetDouble());
        Assert.Equal(200, vad.GetProperty("prefix_padding_ms").GetInt32());
        Assert.Equal(700, vad.GetProperty("silence_duration_ms").GetInt32());
    }

    [Fact]
    public void Append_Commit_Clear_AreTheWireShapes()
    {
        var append = Write(w => OpenAI.WriteAppend(w, [0, 0, 1, 0, 2, 0], 3));
        Assert.Equal("input_audio_buffer.append", append.GetProperty("type").GetString());
        Assert.Equal("AAABAAIA", append.GetProperty("audio").GetString());
        Assert.Equal("evt_3", append.GetProperty("event_id").GetString());

        Assert.Equal("""{"type":"input_audio_buffer.commit","event_id":"evt_4"}""", Write(w => OpenAI.WriteCommit(w, true, 4)).GetRawText());
        Assert.Equal("""{"type":"input_audio_buffer.clear","event_id":"evt_5"}""", Write(w => OpenAI.WriteClear(w, 5)).GetRawText());
        Assert.Equal("""{"type":"input_audio_buffer.commit"}""", Write(w => Native.WriteCommit(w, false, 6)).GetRawText());
        Assert.Equal("""{"type":"input_audio_buffer.commit","final":true}""", Write(w => Native.WriteCommit(w, true, 7)).GetRawText());
        Assert.Equal("""{"type":"session.update","model":"voxtral-mini-4b-realtime"}""", Write(w => Native.WriteSessionUpdate(w, new RealtimeSessionOptions { Model = "voxtral-mini-4b-realtime", Dialect = RealtimeDialect.VllmNative }, 8)).GetRawText());
    }

    [Fact]
    public void Queries_SelectTheDialect()
    {
        Assert.Equal("intent=transcription", OpenAI.Query(new RealtimeSessionOptions { Model = "gpt-4o-transcribe" }));
        Assert.Equal("model=voxtral-mini-4b-realtime", Native.Query(new RealtimeSessionOptions { Model = "voxtral-mini-4b-realtime" }));
    }

    [Theory]
    [InlineData("""{"type":"session.created","event_id":"event_A1","session":{"type":"transcription","id":"sess_123","object":"realtime.transcription_session","audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"transcription":null,"turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,"silence_duration_ms":500},"noise_reduction":null}},"include":null}}""", "sess_123")]
    [InlineData("""{"type":"session.created","event_id":"event_0001","session":{"type":"transcription","audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"transcription":{"model":"voxtral-mini-4b-realtime"}}}}}""", null)]
    [InlineData("""{"type":"transcription_session.created","event_id":"e","session":{"id":"sess_beta"}}""", "sess_beta")]
    public void OpenAI_SessionCreated_GABetaAndTinfoil(string json, string? id)
    {
        var created = Assert.IsType<SessionCreated>(Parse(OpenAI, json));
        Assert.Equal(id, created.SessionId);
        Assert.False(created.IsSynthesized);
    }

    [Theory]
    [InlineData("session.updated")]
    [InlineData("transcription_session.updated")]
    public void OpenAI_SessionUpdated_GAAndBeta(string type) =>
        Assert.IsType<SessionUpdated>(Parse(OpenAI, "{\"type\":\"" + type + "\",\"event_id\":\"e\",\"session\":{}}"));

    [Fact]
    public void OpenAI_BufferAndVadEvents()
    {
        var committed = Assert.IsType<Committed>(Parse(OpenAI, """{"type":"input_audio_buffer.committed","event_id":"event_B1","item_id":"item_001","previous_item_id":null}"""));
        Assert.Equal("item_001", committed.ItemId);
        Assert.Null(committed.PreviousItemId);
        Assert.IsType<Cleared>(Parse(OpenAI, """{"type":"input_audio_buffer.cleared","event_id":"event_B2"}"""));
        var started = Assert.IsType<SpeechStarted>(Parse(OpenAI, """{"type":"input_audio_buffer.speech_started","event_id":"event_C1","item_id":"item_002","audio_start_ms":1340}"""));
        Assert.Equal(("item_002", 1340), (started.ItemId, started.AudioStartMs));
        var stopped = Assert.IsType<SpeechStopped>(Parse(OpenAI, """{"type":"input_audio_buffer.speech_stopped","event_id":"event_C2","item_id":"item_002","audio_end_ms":3120}"""));
        Assert.Equal(3120, stopped.AudioEndMs);
    }

    [Fact]
    public void OpenAI_TranscriptEvents_WithUsageAndLogprobs()
    {
        var delta = Assert.IsType<TranscriptDelta>(Parse(OpenAI, """{"type":"conversation.item.input_audio_transcription.delta","event_id":"event_D1","item_id":"item_001","content_index":0,"delta":"Hello","logprobs":[{"token":"Hello","logprob":-0.1,"bytes":[72,101,108,108,111]}]}"""));
        Assert.Equal(("item_001", "Hello", 0), (delta.ItemId, delta.Delta, delta.ContentIndex));
        Assert.Equal(-0.1, delta.LogProbabilities[0].LogProbability);

        var tinfoilDelta = Assert.IsType<TranscriptDelta>(Parse(OpenAI, """{"type":"conversation.item.input_audio_transcription.delta","event_id":"event_0003","item_id":"item_000","delta":" Hello"}"""));
        Assert.Null(tinfoilDelta.ContentIndex);

        var completed = Assert.IsType<TranscriptCompleted>(Parse(OpenAI, """{"type":"conversation.item.input_audio_transcription.completed","event_id":"event_D2","item_id":"item_001","content_index":0,"transcript":"Hello world.","usage":{"type":"tokens","input_tokens":14,"output_tokens":4,"total_tokens":18,"input_token_details":{"audio_tokens":14,"text_tokens":0}}}"""));
        Assert.Equal("Hello world.", completed.Transcript);
        Assert.Equal((14, 4, 18), (completed.Usage!.InputTokens, completed.Usage.OutputTokens, completed.Usage.TotalTokens));
        Assert.Equal(14, completed.Usage.Raw.GetProperty("input_token_details").GetProperty("audio_tokens").GetInt32());

        var duration = Assert.IsType<TranscriptCompleted>(Parse(OpenAI, """{"type":"conversation.item.input_audio_transcription.completed","item_id":"i","content_index":0,"transcript":"x","usage":{"type":"duration","seconds":2.5}}"""));
        Assert.Equal(TimeSpan.FromSeconds(2.5), duration.Usage!.AudioDuration);

        var tinfoil = Assert.IsType<TranscriptCompleted>(Parse(OpenAI, """{"type":"conversation.item.input_audio_transcription.completed","event_id":"event_0005","item_id":"item_000","transcript":"Hello world."}"""));
        Assert.Null(tinfoil.Usage);
    }

    [Fact]
    public void OpenAI_FailedAndErrorEvents()
    {
        var failed = Assert.IsType<TranscriptFailed>(Parse(OpenAI, """{"type":"conversation.item.input_audio_transcription.failed","event_id":"event_D3","item_id":"item_001","content_index":0,"error":{"type":"transcription_error","code":"audio_unintelligible","message":"...","param":null}}"""));
        Assert.Equal(("item_001", "transcription_error", "audio_unintelligible"), (failed.ItemId, failed.ErrorType, failed.Code));

        var error = Assert.IsType<ServerError>(Parse(OpenAI, """{"type":"error","event_id":"event_E1","error":{"type":"invalid_request_error","code":"input_audio_buffer_commit_empty","message":"Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has 0.00ms of audio.","param":null,"event_id":"client_evt_7"}}"""));
        Assert.Equal(("invalid_request_error", "input_audio_buffer_commit_empty", "client_evt_7"), (error.ErrorType, error.Code, error.ClientEventId));
        Assert.StartsWith("Error committing", error.Message);

        var tinfoil = Assert.IsType<ServerError>(Parse(OpenAI, """{"type":"error","event_id":"event_0007","error":{"type":"invalid_request_error","code":"input_audio_buffer_commit_empty","message":"buffer too small: no audio to commit"}}"""));
        Assert.Null(tinfoil.Param);
        Assert.Null(tinfoil.ClientEventId);
    }

    [Fact]
    public void Native_Events_WithSdkItemIds()
    {
        var created = Assert.IsType<SessionCreated>(Parse(Native, """{"type":"session.created","id":"sess-5f0c3a9e2b6d4c7f8e1a2b3c4d5e6f70","created":1760000000}"""));
        Assert.Equal("sess-5f0c3a9e2b6d4c7f8e1a2b3c4d5e6f70", created.SessionId);

        var delta = Assert.IsType<TranscriptDelta>(Parse(Native, """{"type":"transcription.delta","delta":" Hello"}""", "item_001"));
        Assert.Equal(("item_001", " Hello"), (delta.ItemId, delta.Delta));
        Assert.Null(Parse(Native, """{"type":"transcription.delta","delta":""}""", "item_001"));

        var done = Assert.IsType<TranscriptCompleted>(Parse(Native, """{"type":"transcription.done","text":" Hello world.","usage":{"prompt_tokens":39,"total_tokens":152,"completion_tokens":113,"prompt_tokens_details":null}}""", "item_001"));
        Assert.Equal((" Hello world.", "item_001"), (done.Transcript, done.ItemId));
        Assert.Equal((39, 113, 152), (done.Usage!.InputTokens, done.Usage.OutputTokens, done.Usage.TotalTokens));
        Assert.Null(Assert.IsType<TranscriptCompleted>(Parse(Native, """{"type":"transcription.done","text":"","usage":null}""")).Usage);
    }

    [Theory]
    [InlineData("Model not validated. Make sure to validate the model by sending a session.update event.", "model_not_validated")]
    [InlineData("Invalid audio data", "invalid_audio")]
    [InlineData("Unknown event type: input_audio_buffer.clear", "unknown_event")]
    [InlineData("Invalid JSON", "invalid_json")]
    public void Native_FlatStringErrors(string message, string code)
    {
        var error = Assert.IsType<ServerError>(Parse(Native, $$"""{"type":"error","error":"{{message}}","code":"{{code}}"}"""));
        Assert.Equal((message, code), (error.Message, error.Code));
        Assert.Null(error.ErrorType);
    }

    [Fact]
    public void UnknownAndMalformed_AreKeptNotFatal()
    {
        var unknown = Assert.IsType<UnknownMessage>(Parse(OpenAI, """{"type":"rate_limits.updated","event_id":"x","rate_limits":[]}"""));
        Assert.Equal("rate_limits.updated", unknown.EventType);
        Assert.Equal(JsonValueKind.Array, unknown.Raw.GetProperty("rate_limits").ValueKind);
        Assert.IsType<UnknownMessage>(Parse(Native, """{"type":"session.heartbeat"}"""));
        var text = Assert.IsType<UnknownMessage>(Parse(OpenAI, "not json at all"));
        Assert.Equal("(not json)", text.EventType);
        Assert.Equal("not json at all", text.RawText);
        Assert.Equal("(no type)", Assert.IsType<UnknownMessage>(Parse(OpenAI, "[1,2]")).EventType);
    }
}
