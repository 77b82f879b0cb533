using System.Text.Json;
using AudioSdk.Realtime;
using AudioSdk.Realtime.Continuity;

namespace AudioSdk.Tests.Realtime;

/// <summary>How a later event for a known item merges into the history: every value it gives replaces the old one, and
/// every value it leaves out is kept.</summary>
public sealed class ConversationHistoryTestsForMerges
{
    [Fact]
    public void AKnownItem_TakesEveryNewValue_AndKeepsEveryValueALaterEventLeavesOut()
    {
        var history = new ConversationHistory();
        history.Done(Item("i1", "message", "user", text: "old"));
        history.Done(Item("o1", "function_call_output", null, callId: "c1", raw: """{"output":"first"}"""));
        history.Done(Item("f1", "function_call", null, callId: "c3", name: "a"));

        history.Done(Item("i1", "message", "assistant", text: "new"));
        history.Done(Item("o1", "function_call_output", null, callId: "c2", raw: """{"output":"second"}"""));
        history.Done(Item("f1", "function_call", null, callId: "c4", name: "b"));

        SeedItem[] expected =
        [
            new("i1", "message", "assistant", "new", null, null, null),
            new("o1", "function_call_output", null, "second", "c2", null, null),
            new("f1", "function_call", null, null, "c4", "b", "{}"),
        ];
        Assert.Equal(expected, history.Snapshot());

        history.Done(Item("i1", "message", null));
        history.Done(Item("o1", "function_call_output", null, raw: """{"x":1}"""));
        history.Done(Item("f1", "function_call", null));

        Assert.Equal(expected, history.Snapshot());
    }

    private static RealtimeItem Item(string? id, string? type, string? role, string? text = null, string? callId = null, string? name = null,
        string? raw = null) =>
        new(id, type, role, "completed", callId, name, text, raw is null ? default : JsonDocument.Parse(raw).RootElement);
}
