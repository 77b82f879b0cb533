using System.Text.Json;
using AudioSdk.Realtime;
using AudioSdk.Realtime.Continuity;

namespace AudioSdk.Tests.Realtime;

/// <summary>The conversation history a new connection is seeded with, without a socket: what each item becomes, how a
/// pending client item takes the server's id, and what is left out.</summary>
public sealed class ConversationHistoryTests
{
    [Fact]
    public void ASentMessage_TakesTheServersIdWhenConfirmed_AndStaysOneItem()
    {
        var history = new ConversationHistory();
        history.Sent("message", "user", "hello", null);
        Assert.Equal([new SeedItem(null, "message", "user", "hello", null, null, null)], history.Snapshot());

        history.Done(Item("item_1", "message", "user", text: "hello"));

        Assert.Equal([new SeedItem("item_1", "message", "user", "hello", null, null, null)], history.Snapshot());
    }

    [Fact]
    public void APendingItem_IsMatchedByRoleAndText_OrForAFunctionOutput_ByCallId()
    {
        var history = new ConversationHistory();
        history.Sent("message", "user", "first", null);
        history.Sent("message", "user", "second", null);
        history.Sent("function_call_output", null, "42", "call_a");
        history.Sent("function_call_output", null, "43", "call_b");

        history.Done(Item("item_2", "message", "user", text: "second"));
        history.Done(Item("item_3", "message", "system", text: "first"));
        history.Done(Item("item_4", "function_call_output", null, callId: "call_b", raw: """{"output":"43"}"""));

        Assert.Equal(
            [
                new SeedItem(null, "message", "user", "first", null, null, null),
                new SeedItem("item_2", "message", "user", "second", null, null, null),
                new SeedItem(null, "function_call_output", null, "42", "call_a", null, null),
                new SeedItem("item_4", "function_call_output", null, "43", "call_b", null, null),
                new SeedItem("item_3", "message", "system", "first", null, null, null),
            ],
            history.Snapshot());
    }

    [Fact]
    public void AKnownItem_IsUpdated_KeepingWhatTheUpdateDoesNotSay()
    {
        var history = new ConversationHistory();
        history.Done(Item("call_item", "function_call", null, callId: "c1", name: "lookup", raw: """{"arguments":"{\"q\":1}"}"""));
        history.Done(Item("call_item", "function_call", null, raw: """{"arguments":7}"""));

        Assert.Equal([new SeedItem("call_item", "function_call", null, null, "c1", "lookup", """{"q":1}""")], history.Snapshot());

        history.Done(Item("call_item", "function_call", null, raw: """{"arguments":"{}"}"""));
        Assert.Equal("{}", Assert.Single(history.Snapshot()).Arguments);
    }

    [Fact]
    public void AnItemWithoutIdOrType_IsIgnored()
    {
        var history = new ConversationHistory();
        history.Done(Item(null, "message", "user", text: "x"));
        history.Done(Item("item_1", null, "user", text: "x"));

        Assert.Empty(history.Snapshot());
    }

    [Fact]
    public void AUserAudioTurn_IsSeededWithItsTranscript_OnceItCame_AndADeletedItemIsGone()
    {
        var history = new ConversationHistory();
        history.Done(Item("item_1", "message", "user"));
        Assert.Empty(history.Snapshot());

        history.Transcribed("item_1", "what time is it");
        history.Transcribed("item_9", "unknown");
        Assert.Equal([new SeedItem("item_1", "message", "user", "what time is it", null, null, null)], history.Snapshot());

        history.Done(Item("item_2", "message", "assistant", text: "noon"));
        history.Deleted("item_1");
        Assert.Equal([new SeedItem("item_2", "message", "assistant", "noon", null, null, null)], history.Snapshot());
    }

    [Fact]
    public void WhatCannotBeWrittenAsText_IsLeftOut_AndDefaultsFillTheRest()
    {
        var history = new ConversationHistory();
        history.Done(Item("m_tool", "message", "tool", text: "x"));
        history.Done(Item("m_none", "message", null, text: "x"));
        history.Done(Item("fc_noname", "function_call", null, callId: "c1"));
        history.Done(Item("fc_nocall", "function_call", null, name: "f"));
        history.Done(Item("fo_nocall", "function_call_output", null, text: "x"));
        history.Done(Item("other", "reasoning", "assistant", text: "x"));
        history.Done(Item("fc", "function_call", null, callId: "c2", name: "f"));
        history.Done(Item("fo_text", "function_call_output", null, callId: "c2", text: "by text"));
        history.Done(Item("fo_empty", "function_call_output", null, callId: "c3"));
        history.Done(Item("fo_output", "function_call_output", null, callId: "c4", text: "text", raw: """{"output":"by output"}"""));
        history.Done(Item("sys", "message", "system", text: "be brief"));

        Assert.Equal(
            [
                new SeedItem("fc", "function_call", null, null, "c2", "f", "{}"),
                new SeedItem("fo_text", "function_call_output", null, "by text", "c2", null, null),
                new SeedItem("fo_empty", "function_call_output", null, string.Empty, "c3", null, null),
                new SeedItem("fo_output", "function_call_output", null, "by output", "c4", null, null),
                new SeedItem("sys", "message", "system", "be brief", null, null, null),
            ],
            history.Snapshot());
    }

    [Fact]
    public void OnlyTheLastMaxItems_AreKept()
    {
        var history = new ConversationHistory();
        for (var i = 0; i <= ConversationHistory.MaxItems; i++)
        {
            history.Sent("message", "user", "m" + i, null);
        }

        var snapshot = history.Snapshot();
        Assert.Equal(ConversationHistory.MaxItems, snapshot.Count);
        Assert.Equal("m1", snapshot[0].Text);
        Assert.Equal("m" + ConversationHistory.MaxItems, snapshot[^1].Text);
    }

    private static RealtimeItem Item(string? id, string? type, string? role, string? text = null, string? callId = null, string? name = null, string? raw = null) =>
        new(id, type, role, "completed", callId, name, text, raw is null ? default : JsonDocument.Parse(raw).RootElement);
}
