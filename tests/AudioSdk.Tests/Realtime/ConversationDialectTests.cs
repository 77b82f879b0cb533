using AudioSdk.Realtime;
using AudioSdk.Testing;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// Voice agents over the conversation dialect against the test server's conversation endpoint (real sockets): a
/// push-to-talk turn, a server-VAD turn answered automatically, barge-in with truncation, a function call round trip,
/// a text-only turn, an error in the middle of a response, and an ephemeral key.
/// </summary>
public sealed class ConversationDialectTests : RealtimeTestBase
{
    private static RealtimeSessionOptions Conversation(RealtimeTurnDetection? turns = null, RealtimeConversationOptions? conversation = null) => new()
    {
        Dialect = RealtimeDialect.OpenAIConversation,
        Model = "gpt-realtime",
        InputSampleRate = 24000,
        TurnDetection = turns,
        ResponseTimeout = TimeSpan.FromSeconds(20),
        Conversation = conversation ?? new RealtimeConversationOptions { Instructions = "Be brief.", Voice = "marin" },
    };

    private static async Task<List<RealtimeEvent>> UntilDoneAsync(RealtimeSession rt, int responses = 1)
    {
        var seen = 0;
        return await ReadUntilAsync(rt, e => e is ResponseDone && ++seen == responses);
    }

    [Fact]
    public async Task PushToTalk_TheAnswerIsSpokenAudioWithItsTranscript()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(Conversation());
        await rt.SendAudioAsync(Tone(0.8, 440, 24000));
        var committed = await rt.CommitAsync();
        var created = await rt.CreateResponseAsync();
        var events = await UntilDoneAsync(rt);
        var done = (ResponseDone)events[^1];

        Assert.Equal(created.ResponseId, done.ResponseId);
        Assert.Equal("completed", done.Status);
        Assert.True(done.Usage!.TotalTokens > 0);
        var transcript = string.Concat(events.OfType<OutputAudioTranscriptDelta>().Select(d => d.Delta));
        Assert.Equal("I heard 0.80 seconds at 440 Hz. How can I help?", transcript);
        Assert.Equal(transcript, events.OfType<OutputAudioTranscriptDone>().Single().Transcript);
        var audio = events.OfType<OutputAudioDelta>().ToList();
        Assert.NotEmpty(audio);
        var itemId = audio[0].ItemId!;
        Assert.All(audio, a => Assert.Equal(itemId, a.ItemId));
        Assert.Equal(TimeSpan.FromTicks(audio.Sum(a => a.Duration.Ticks)), rt.OutputAudioReceived(itemId));
        Assert.Contains(events, e => e is ConversationItemAdded { Item.Role: "user" } added && added.Item.Id == committed.ItemId);
        Assert.Contains(events, e => e is ConversationItemDone { Item.Role: "assistant", Item.Text: { } t } && t == transcript);
        Assert.Single(events.OfType<RateLimitsUpdated>()).Limits.Select(l => l.Name).SequenceEqual(["requests", "tokens"]);
        var update = System.Text.Json.JsonDocument.Parse(Connection().ClientMessages.First(m => m.Contains("session.update", StringComparison.Ordinal))).RootElement.GetProperty("session");
        Assert.Equal("marin", update.GetProperty("audio").GetProperty("output").GetProperty("voice").GetString());
        Assert.Equal("conversation", Connection().Dialect);
    }

    [Fact]
    public async Task ServerVad_AnswersTheTurnByItself()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(Conversation(new RealtimeTurnDetection { SilenceDurationMs = 300 }));
        await rt.SendAudioAsync(new byte[24000 / 5 * 2]);
        await rt.SendAudioAsync(Tone(0.6, 500, 24000));
        await rt.SendAudioAsync(new byte[24000 * 2]);
        var events = await UntilDoneAsync(rt);

        var started = events.OfType<SpeechStarted>().First();
        var committed = events.OfType<Committed>().First();
        Assert.False(started.IsSynthesized);
        Assert.InRange(started.AudioStartMs, 0, 200);
        Assert.True(events.IndexOf(started) < events.IndexOf(events.OfType<SpeechStopped>().First()));
        Assert.True(events.IndexOf(committed) < events.IndexOf(events.OfType<ResponseCreated>().First()));
        Assert.Equal("completed", ((ResponseDone)events[^1]).Status);
        Assert.DoesNotContain(Connection().ClientMessages, m => m.Contains("response.create", StringComparison.Ordinal));
        Assert.Contains("at 500 Hz.", string.Concat(events.OfType<OutputAudioTranscriptDelta>().Select(d => d.Delta)));
    }

    [Fact]
    public async Task BargeIn_CancelsTheAnswer_AndTruncatesItWhereItStoppedPlaying()
    {
        Server.Options.ConversationDeltaInterval = TimeSpan.FromMilliseconds(40);
        Server.EnqueueConversationReply(new ConversationReply { Text = "This is a long answer that keeps going. It has a second sentence too. And a third one after that." });
        await using var rt = await Client.StartRealtimeSessionAsync(Conversation(new RealtimeTurnDetection { SilenceDurationMs = 300 }));
        await rt.SendAudioAsync(Tone(0.5, 300, 24000));
        await rt.SendAudioAsync(new byte[24000 * 2]);

        // Wait for some of the answer's audio, then the user speaks again.
        var played = await ReadUntilAsync(rt, e => e is OutputAudioDelta);
        var item = ((OutputAudioDelta)played[^1]).ItemId!;
        await rt.SendAudioAsync(Tone(0.4, 700, 24000));
        var events = await ReadUntilAsync(rt, e => e is ResponseDone);
        var done = (ResponseDone)events[^1];
        Assert.Equal(("cancelled", "turn_detected"), (done.Status, done.StatusReason));
        Assert.Contains(events, e => e is SpeechStarted);

        var received = rt.OutputAudioReceived(item);
        Assert.True(received > TimeSpan.Zero);
        var heard = (int)(received.TotalMilliseconds / 2);
        var truncated = await rt.TruncateAsync(item, TimeSpan.FromMilliseconds(heard));
        Assert.Equal(heard, truncated!.AudioEndMs);
        Assert.Null(await rt.TruncateAsync(item, received + TimeSpan.FromSeconds(3)));
        Assert.Equal([new ReceivedTruncation(item, 0, heard)], Connection().Truncations);
        Assert.Equal("cancelled", Connection().Responses.First().Status);
    }

    [Fact]
    public async Task AFunctionCall_RoundTrip_AnswersWithTheToolsOutput()
    {
        Server.EnqueueConversationReply(new ConversationReply { ToolCalls = [new ConversationToolCall("get_weather", "{\"city\":\"Oslo\"}")] });
        var options = Conversation(conversation: new RealtimeConversationOptions { Tools = [new RealtimeFunctionTool("get_weather", "Weather for a city.", """{"type":"object","properties":{"city":{"type":"string"}}}""")], ToolChoice = "auto" });
        await using var rt = await Client.StartRealtimeSessionAsync(options);
        await rt.SendTextAsync("What is the weather in Oslo?");
        await rt.CreateResponseAsync();
        var events = await ReadUntilAsync(rt, e => e is FunctionCallArgumentsDone);
        var call = (FunctionCallArgumentsDone)events[^1];

        var next = await rt.AnswerFunctionCallAsync(call, (c, _) => ValueTask.FromResult(c.Name == "get_weather" && c.Arguments.Contains("Oslo", StringComparison.Ordinal) ? "{\"temp_c\":4}" : "?"));
        var answer = await rt.WaitForResponseAsync(next.ResponseId!);
        var rest = await ReadUntilAsync(rt, e => e is ResponseDone { Status: "completed" } d && d.ResponseId == next.ResponseId);

        Assert.Equal("{\"city\":\"Oslo\"}", string.Concat(events.OfType<FunctionCallArgumentsDelta>().Select(d => d.Delta)));
        Assert.Equal("completed", answer.Status);
        Assert.Equal([new ReceivedFunctionOutput(call.CallId!, "{\"temp_c\":4}")], Connection().FunctionOutputs);
        Assert.Equal("The tool returned {\"temp_c\":4}. Anything else?", rest.OfType<OutputAudioTranscriptDone>().Last().Transcript);
        Assert.DoesNotContain(rest, e => e is ServerError);
    }

    [Fact]
    public async Task ATextOnlyTurn_HasNoAudio()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(Conversation());
        await rt.SendTextAsync("Hello there");
        await rt.CreateResponseAsync(new RealtimeResponseOptions { OutputModality = RealtimeOutputModality.Text });
        var events = await UntilDoneAsync(rt);

        Assert.Equal("You said: Hello there. How can I help?", string.Concat(events.OfType<OutputTextDelta>().Select(d => d.Delta)));
        Assert.Equal("You said: Hello there. How can I help?", events.OfType<OutputTextDone>().Single().Text);
        Assert.DoesNotContain(events, e => e is OutputAudioDelta or OutputAudioTranscriptDelta);
        Assert.Equal(2, events.OfType<ConversationItemAdded>().Count());
    }

    [Fact]
    public async Task AnErrorInTheMiddleOfAResponse_EndsThatResponse_NotTheSession()
    {
        Server.EnqueueConversationReply(new ConversationReply { Text = "One. Two. Three.", FailAfterDeltas = 2 });
        await using var rt = await Client.StartRealtimeSessionAsync(Conversation());
        await rt.SendTextAsync("Count");
        var first = await rt.CreateResponseAsync();
        var failed = await rt.WaitForResponseAsync(first.ResponseId!);
        Assert.Equal("failed", failed.Status);

        var second = await rt.CreateResponseAsync(new RealtimeResponseOptions { OutputModality = RealtimeOutputModality.Text });
        Assert.Equal("completed", (await rt.WaitForResponseAsync(second.ResponseId!)).Status);
        var events = await ReadUntilAsync(rt, e => e is ResponseDone { Status: "completed" });
        Assert.Contains(events, e => e is ServerError { Code: "internal_error" });
        Assert.DoesNotContain(events, e => e is Closed);
        var busy = rt.CreateResponseAsync();
        var overlapping = await Record.ExceptionAsync(() => rt.CreateResponseAsync());
        await busy;
        Assert.Equal("conversation_already_has_active_response", Assert.IsType<RealtimeException>(overlapping).Code);
    }

    [Fact]
    public async Task CancelAndDelete_AreConfirmed()
    {
        Server.Options.ConversationDeltaInterval = TimeSpan.FromMilliseconds(30);
        await using var rt = await Client.StartRealtimeSessionAsync(Conversation());
        await rt.SendTextAsync("Tell me a story");
        var created = await rt.CreateResponseAsync();
        var before = await ReadUntilAsync(rt, e => e is OutputAudioDelta);
        await rt.CancelResponseAsync();
        var done = await rt.WaitForResponseAsync(created.ResponseId!);
        Assert.Equal(("cancelled", "client_cancelled"), (done.Status, done.StatusReason));

        var user = Assert.Single(before.Concat(await ReadUntilAsync(rt, e => e is ResponseDone)).OfType<ConversationItemAdded>(), a => a.Item.Role == "user");
        Assert.Equal(user.Item.Id, (await rt.DeleteItemAsync(user.Item.Id!)).ItemId);
        var missing = await Assert.ThrowsAsync<RealtimeException>(() => rt.DeleteItemAsync("item_nope"));
        Assert.Equal("item_not_found", missing.Code);
        await rt.CancelResponseAsync();
        var errors = (await ReadUntilAsync(rt, e => e is ServerError { Code: "response_cancel_not_active" })).OfType<ServerError>().ToList();
        Assert.Equal(["item_not_found", "response_cancel_not_active"], errors.Select(e => e.Code));
    }

    [Fact]
    public async Task AnEphemeralKey_OpensAConversation()
    {
        var secret = await Client.CreateRealtimeClientSecretAsync(new RealtimeClientSecretOptions { SessionType = "realtime", Model = "gpt-realtime" });
        using var keyless = CreateClient(o => o.ApiKey = null);
        await using var rt = await keyless.StartRealtimeSessionAsync(Conversation() with { ClientSecret = secret.Value });
        await rt.SendTextAsync("hi");
        var created = await rt.CreateResponseAsync();
        Assert.Equal("completed", (await rt.WaitForResponseAsync(created.ResponseId!)).Status);
        Assert.Equal("Bearer " + secret.Value, Connection().Headers["Authorization"]);
    }
}
