using System.Text.Json;
using AudioSdk.Realtime;
using AudioSdk.Testing;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// The conversation dialect survives a drop (real sockets, the test server's conversation endpoint dropping the TCP
/// connection): the new connection is seeded with the conversation so far under the ids the caller knows, a cut-off
/// response ends with <c>connection_lost</c>, and the next answer sees the whole conversation, nothing twice, nothing lost.
/// </summary>
public sealed class ConversationResumeTests : RealtimeTestBase
{
    private static RealtimeSessionOptions Conversation(bool restart = false) => new()
    {
        Dialect = RealtimeDialect.OpenAIConversation,
        Model = "gpt-realtime",
        InputSampleRate = 24000,
        ResponseTimeout = TimeSpan.FromSeconds(20),
        Conversation = new RealtimeConversationOptions
        {
            Instructions = "Be brief.",
            OutputModality = RealtimeOutputModality.Text,
            Tools = [new RealtimeFunctionTool("get_weather", "Weather for a city.", """{"type":"object","properties":{"city":{"type":"string"}}}""")],
        },
        Reconnect = new RealtimeReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(40), MaxAttempts = 3, RestartInterruptedResponse = restart },
    };

    /// <summary>Asks for an answer that recites the conversation as the server holds it, and returns it.</summary>
    private async Task<(string Text, List<RealtimeEvent> Events)> ReciteAsync(RealtimeSession rt)
    {
        Server.EnqueueConversationReply(new ConversationReply { RecitesConversation = true });
        var created = await rt.CreateResponseAsync();
        var events = await ReadUntilAsync(rt, e => e is ResponseDone d && d.ResponseId == created.ResponseId);
        return (events.OfType<OutputTextDone>().Last(t => t.ResponseId == created.ResponseId).Text, events);
    }

    private static void AssertEachItemShownOnce(IEnumerable<RealtimeEvent> events)
    {
        var added = events.OfType<ConversationItemAdded>().Select(e => e.Item.Id).ToList();
        Assert.Equal(added.Distinct().Count(), added.Count);
        var done = events.OfType<ConversationItemDone>().Select(e => e.Item.Id).ToList();
        Assert.Equal(done.Distinct().Count(), done.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ADropDuringAResponse_EndsItAsConnectionLost_AndTheNextAnswerSeesTheWholeConversation(bool restart)
    {
        await using var rt = await Client.StartRealtimeSessionAsync(Conversation(restart));
        await rt.SendTextAsync("Hello there");
        var first = await rt.CreateResponseAsync();
        var all = await ReadUntilAsync(rt, e => e is ResponseDone d && d.ResponseId == first.ResponseId);

        Server.EnqueueConversationReply(new ConversationReply { Text = "One two three four five six seven eight. Nine ten eleven.", DropConnectionAfterDeltas = 1 });
        await rt.SendTextAsync("Tell me more");
        var cut = await rt.CreateResponseAsync();
        var outage = await ReadUntilAsync(rt, e => e is Reconnected);
        all.AddRange(outage);

        // The documented sequence: Reconnecting, the cut response's ResponseDone (cancelled, connection_lost), Reconnected.
        var reconnecting = outage.FindIndex(e => e is Reconnecting);
        var cutDone = outage.FindIndex(e => e is ResponseDone d && d.ResponseId == cut.ResponseId);
        Assert.InRange(reconnecting, 0, cutDone - 1);
        Assert.Equal(outage.Count - 1, outage.FindIndex(e => e is Reconnected));
        var ended = (ResponseDone)outage[cutDone];
        Assert.Equal(("cancelled", "connection_lost"), (ended.Status, ended.StatusReason));
        Assert.Same(ended, await rt.WaitForResponseAsync(cut.ResponseId!));
        Assert.DoesNotContain(outage, e => e is OutputTextDone t && t.ResponseId == cut.ResponseId);

        if (restart)
        {
            var again = await ReadUntilAsync(rt, e => e is ResponseDone { Status: "completed" });
            all.AddRange(again);
            Assert.Equal("You said: Tell me more. How can I help?", again.OfType<OutputTextDone>().Single().Text);
        }

        await rt.SendTextAsync("What did we say?");
        var (text, events) = await ReciteAsync(rt);
        all.AddRange(events);

        var expected = "user: Hello there | assistant: You said: Hello there. How can I help? | user: Tell me more"
            + (restart ? " | assistant: You said: Tell me more. How can I help?" : string.Empty) + " | user: What did we say?";
        Assert.Equal(expected, text);
        AssertEachItemShownOnce(all);
        Assert.Equal(2, Server.RealtimeSessions.Count);

        // The new connection was seeded under the ids the caller was shown.
        var shown = all.OfType<ConversationItemDone>().Select(e => e.Item.Id).ToHashSet();
        var seeded = Connection(1).ClientMessages.Select(m => JsonDocument.Parse(m).RootElement)
            .Where(m => m.GetProperty("type").GetString() == "conversation.item.create" && m.GetProperty("item").TryGetProperty("id", out _))
            .Select(m => m.GetProperty("item").GetProperty("id").GetString()).ToList();
        Assert.Equal(3, seeded.Count);
        Assert.All(seeded, id => Assert.Contains(id, shown));
    }

    [Fact]
    public async Task ADropDuringAUserTurn_ReplaysItsAudioOnce_AndTheAnswerSeesTheEarlierTurns()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(Conversation());
        await rt.SendTextAsync("Hello there");
        var first = await rt.CreateResponseAsync();
        var all = await ReadUntilAsync(rt, e => e is ResponseDone d && d.ResponseId == first.ResponseId);

        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", DropConnection = true });
        await rt.SendAudioAsync(Tone(0.5, 440, 24000));
        var committed = await rt.CommitAsync();
        var (text, events) = await ReciteAsync(rt);
        all.AddRange(events);

        Assert.Contains(all.Concat(events), e => e is Reconnected);
        Assert.Equal("user: Hello there | assistant: You said: Hello there. How can I help? | user: (audio 0.50 s)", text);
        Assert.Single(all, e => e is ConversationItemDone d && d.Item.Id == committed.ItemId);
        AssertEachItemShownOnce(all);
    }

    [Fact]
    public async Task ADropDuringAFunctionCall_CarriesTheCallAndItsOutput_AndTheAnswerSeesBoth()
    {
        Server.EnqueueConversationReply(new ConversationReply { ToolCalls = [new ConversationToolCall("get_weather", "{\"city\":\"Oslo\"}")] });
        await using var rt = await Client.StartRealtimeSessionAsync(Conversation());
        await rt.SendTextAsync("Weather in Oslo?");
        await rt.CreateResponseAsync();
        var all = await ReadUntilAsync(rt, e => e is ResponseDone);
        var call = all.OfType<FunctionCallArgumentsDone>().Single();

        // The server goes down as the tool's output arrives: the output never reached the conversation.
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "conversation.item.create", DropConnection = true });
        Server.EnqueueConversationReply(new ConversationReply { RecitesConversation = true });
        var next = await rt.AnswerFunctionCallAsync(call, (_, _) => ValueTask.FromResult("{\"temp_c\":4}"));
        var events = await ReadUntilAsync(rt, e => e is ResponseDone d && d.ResponseId == next.ResponseId);
        all.AddRange(events);

        Assert.Contains(events, e => e is Reconnected);
        Assert.Equal("user: Weather in Oslo? | call get_weather({\"city\":\"Oslo\"}) | output {\"temp_c\":4}", events.OfType<OutputTextDone>().Last().Text);
        Assert.Equal([new ReceivedFunctionOutput(call.CallId!, "{\"temp_c\":4}")], Connection(1).FunctionOutputs);
        Assert.Single(all, e => e is ConversationItemDone { Item.Type: "function_call_output" });
        AssertEachItemShownOnce(all);
    }
}
