using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Testing.Conversation;

/// <summary>The conversation dialect's item store on the wire: ordering by previous_item_id, audio items, truncation.</summary>
public sealed class ConversationStoreTests : ConversationServerTest
{
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
}
