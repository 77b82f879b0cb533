using System.Diagnostics;
using AudioSdk.Extensions.AI;
using AudioSdk.Realtime;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Tests.Realtime;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using MeaiOptions = Microsoft.Extensions.AI.RealtimeSessionOptions;
using RealtimeSessionOptions = AudioSdk.Realtime.RealtimeSessionOptions;

namespace AudioSdk.Tests.Extensions;

/// <summary>
/// Microsoft.Extensions.AI's <see cref="IRealtimeClient"/> over <see cref="AudioClient"/>, against the test server's
/// realtime endpoints (real sockets), with MEAI's own function-invocation, logging and OpenTelemetry middleware on top.
/// </summary>
public sealed class RealtimeClientAdapterTests : RealtimeTestBase
{
    private static RealtimeSessionOptions ConversationTemplate => new()
    {
        Dialect = RealtimeDialect.OpenAIConversation,
        Model = "gpt-realtime",
        InputSampleRate = 24000,
        ResponseTimeout = TimeSpan.FromSeconds(20),
    };

    private static async Task<List<RealtimeServerMessage>> ReadUntilAsync(IRealtimeClientSession session, Func<RealtimeServerMessage, bool> last)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var messages = new List<RealtimeServerMessage>();
        await foreach (var m in session.GetStreamingResponseAsync(cts.Token))
        {
            messages.Add(m);
            if (last(m))
            {
                break;
            }
        }

        return messages;
    }

    private static bool IsCompletedResponse(RealtimeServerMessage m) =>
        m is ResponseCreatedRealtimeServerMessage { Status: "completed" } r && r.Type == RealtimeServerMessageType.ResponseDone;

    [Theory]
    [InlineData(RealtimeDialect.OpenAITranscription)]
    [InlineData(RealtimeDialect.VllmNative)]
    [InlineData(RealtimeDialect.OpenAIConversation)]
    public async Task ATranscriptionSession_YieldsTheTranscript_InEveryDialect(RealtimeDialect dialect)
    {
        var template = dialect == RealtimeDialect.VllmNative ? Native() : OpenAI() with { Dialect = dialect };
        using var client = Client.AsRealtimeClient(template);
        await using var session = await client.CreateSessionAsync(new MeaiOptions { SessionKind = RealtimeSessionKind.Transcription, InputAudioFormat = new RealtimeAudioFormat("audio/pcm", 16000) });
        await session.SendAsync(new InputAudioBufferAppendRealtimeClientMessage(new DataContent(Tone(0.5), "audio/pcm")));
        await session.SendAsync(new InputAudioBufferCommitRealtimeClientMessage());
        var messages = await ReadUntilAsync(session, m => m.Type == RealtimeServerMessageType.InputAudioTranscriptionCompleted);

        var completed = Assert.IsType<InputAudioTranscriptionRealtimeServerMessage>(messages[^1]);
        Assert.Equal("Heard 0.50 seconds at 440 Hz.", completed.Transcription!.Trim());
        var wrapped = session.GetService<AudioSdk.Realtime.RealtimeSession>()!;
        Assert.Equal(dialect == RealtimeDialect.OpenAIConversation ? RealtimeDialect.OpenAITranscription : dialect, wrapped.Dialect);
        Assert.Equal(((TranscriptCompleted)completed.RawRepresentation!).ItemId, completed.ItemId);
        Assert.Contains(messages, m => m.Type == RealtimeServerMessageType.InputAudioTranscriptionDelta);
        var text = await Assert.ThrowsAsync<NotSupportedException>(() => session.SendAsync(new CreateResponseRealtimeClientMessage()));
        Assert.Contains("transcribes only", text.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATranscriptionSession_Reconnects_AsTheWrappedSessionDoes()
    {
        var fast = new RealtimeReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(40), MaxAttempts = 3 };
        using var client = Client.AsRealtimeClient(OpenAI() with { Reconnect = fast });
        await using var session = await client.CreateSessionAsync(new MeaiOptions { SessionKind = RealtimeSessionKind.Transcription });
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", DropConnection = true });
        await session.SendAsync(new InputAudioBufferAppendRealtimeClientMessage(new DataContent(Tone(0.6), "audio/pcm")));
        await session.SendAsync(new InputAudioBufferCommitRealtimeClientMessage());
        var messages = await ReadUntilAsync(session, m => m.Type == RealtimeServerMessageType.InputAudioTranscriptionCompleted);

        Assert.Contains(messages, m => m.RawRepresentation is Reconnecting && m.Type == new RealtimeServerMessageType("reconnecting"));
        Assert.Contains(messages, m => m.RawRepresentation is Reconnected);
        Assert.Equal("Heard 0.60 seconds at 440 Hz.", ((InputAudioTranscriptionRealtimeServerMessage)messages[^1]).Transcription);
        Assert.True(Server.RealtimeSessions.Count >= 2);
    }

    [Fact]
    public async Task AConversationSession_OverATranscriptionTemplate_IsRefusedBeforeConnecting()
    {
        using var client = Client.AsRealtimeClient(Native());
        var refused = await Assert.ThrowsAsync<NotSupportedException>(() => client.CreateSessionAsync(new MeaiOptions { SessionKind = RealtimeSessionKind.Conversation }));
        Assert.Contains("VllmNative", refused.Message, StringComparison.Ordinal);
        var format = await Assert.ThrowsAsync<NotSupportedException>(() => Client.AsRealtimeClient(ConversationTemplate).CreateSessionAsync(new MeaiOptions { InputAudioFormat = new RealtimeAudioFormat("audio/pcmu", 8000) }));
        Assert.Contains("audio/pcmu", format.Message, StringComparison.Ordinal);
        Assert.Empty(Server.RealtimeSessions);
    }

    [Fact]
    public async Task AConversationSession_Answers_WithTheSessionOptionsApplied()
    {
        using var client = Client.AsRealtimeClient(ConversationTemplate);
        await using var session = await client.CreateSessionAsync(new MeaiOptions { Instructions = "Be brief.", Voice = "marin", OutputModalities = ["text"] });
        await session.SendAsync(new CreateConversationItemRealtimeClientMessage(new RealtimeConversationItem([new TextContent("Hello there")], role: ChatRole.User)));
        await session.SendAsync(new CreateResponseRealtimeClientMessage());
        var messages = await ReadUntilAsync(session, IsCompletedResponse);

        var text = string.Concat(messages.OfType<OutputTextAudioRealtimeServerMessage>().Where(m => m.Type == RealtimeServerMessageType.OutputTextDelta).Select(m => m.Text));
        Assert.Equal("You said: Hello there. How can I help?", text);
        Assert.Contains(messages, m => m.Type == RealtimeServerMessageType.ResponseCreated);
        Assert.Contains(messages, m => m is ResponseOutputItemRealtimeServerMessage { Item.Role: { } role } i && i.Type == RealtimeServerMessageType.ConversationItemAdded && role == ChatRole.User);
        Assert.Contains(messages, m => m.Type == new RealtimeServerMessageType("session.created") && m.RawRepresentation is SessionCreated);
        var update = System.Text.Json.JsonDocument.Parse(Connection().ClientMessages.First(m => m.Contains("session.update", StringComparison.Ordinal))).RootElement.GetProperty("session");
        Assert.Equal("Be brief.", update.GetProperty("instructions").GetString());
        Assert.Equal("marin", update.GetProperty("audio").GetProperty("output").GetProperty("voice").GetString());
        var update2 = await Assert.ThrowsAsync<NotSupportedException>(() => session.SendAsync(new SessionUpdateRealtimeClientMessage(new MeaiOptions())));
        Assert.Contains("SessionUpdate", update2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FunctionInvocationMiddleware_AnswersAToolCall_EndToEnd()
    {
        Server.EnqueueConversationReply(new ConversationReply { ToolCalls = [new ConversationToolCall("get_weather", "{\"city\":\"Oslo\"}")] });
        var asked = new List<string>();
        var weather = AIFunctionFactory.Create((string city) => { asked.Add(city); return "{\"temp_c\":4}"; }, "get_weather", "Weather for a city.");
        using var client = Client.AsRealtimeClient(ConversationTemplate).AsBuilder().UseFunctionInvocation().Build();
        await using var session = await client.CreateSessionAsync(new MeaiOptions { Tools = [weather], ToolMode = ChatToolMode.Auto });
        await session.SendAsync(new CreateConversationItemRealtimeClientMessage(new RealtimeConversationItem([new TextContent("What is the weather in Oslo?")], role: ChatRole.User)));
        await session.SendAsync(new CreateResponseRealtimeClientMessage());
        var responses = 0;
        var messages = await ReadUntilAsync(session, m => IsCompletedResponse(m) && ++responses == 2);

        Assert.Equal(["Oslo"], asked);
        var call = messages.OfType<ResponseOutputItemRealtimeServerMessage>().Where(m => m.Type == RealtimeServerMessageType.ResponseOutputItemDone).SelectMany(m => m.Item!.Contents).OfType<FunctionCallContent>().Single();
        Assert.Equal([new ReceivedFunctionOutput(call.CallId, "{\"temp_c\":4}")], Connection().FunctionOutputs);
        var answer = messages.OfType<OutputTextAudioRealtimeServerMessage>().Last(m => m.Type == RealtimeServerMessageType.OutputAudioTranscriptionDone);
        Assert.Equal("The tool returned {\"temp_c\":4}. Anything else?", answer.Text);
        Assert.DoesNotContain(messages, m => m is ErrorRealtimeServerMessage);
        var tool = System.Text.Json.JsonDocument.Parse(Connection().ClientMessages.First(m => m.Contains("session.update", StringComparison.Ordinal))).RootElement.GetProperty("session").GetProperty("tools")[0];
        Assert.Equal("get_weather", tool.GetProperty("name").GetString());
    }

    [Fact]
    public async Task LoggingAndOpenTelemetryMiddleware_RecordASession_WithoutTheKeyOrTheTranscript()
    {
        const string sourceName = "AudioSdk.Tests.Realtime";
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (activities) { activities.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        var records = new RecordingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(records).SetMinimumLevel(LogLevel.Debug));

        using var client = Client.AsRealtimeClient(ConversationTemplate).AsBuilder()
            .UseLogging(factory)
            .UseOpenTelemetry(factory, sourceName)
            .Build();
        await using (var session = await client.CreateSessionAsync(new MeaiOptions { Instructions = "Be brief." }))
        {
            await session.SendAsync(new InputAudioBufferAppendRealtimeClientMessage(new DataContent(Tone(0.8, 440, 24000), "audio/pcm")));
            await session.SendAsync(new InputAudioBufferCommitRealtimeClientMessage());
            await session.SendAsync(new CreateResponseRealtimeClientMessage());
            var messages = await ReadUntilAsync(session, IsCompletedResponse);
            Assert.Contains(messages, m => m is OutputTextAudioRealtimeServerMessage { Text: "I heard 0.80 seconds at 440 Hz. How can I help?" });
        }

        Assert.Contains(records.Records, r => r.Category.Contains("Realtime", StringComparison.Ordinal));
        Assert.NotEmpty(activities);
        var texts = records.Records.SelectMany(RecordingLoggerProvider.Texts)
            .Concat(activities.SelectMany(a => a.TagObjects.Select(t => t.Key + "=" + t.Value)))
            .Concat(activities.SelectMany(a => a.Events.SelectMany(e => e.Tags.Select(t => t.Key + "=" + t.Value))))
            .ToList();
        Assert.NotEmpty(texts);
        Assert.DoesNotContain(texts, t => t.Contains(ApiKey, StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains("I heard", StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains("Be brief", StringComparison.Ordinal));
    }
}
