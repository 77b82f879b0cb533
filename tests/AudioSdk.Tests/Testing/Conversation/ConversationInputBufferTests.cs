using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Testing.Conversation;

/// <summary>The conversation dialect's input buffer on the wire: server-VAD turns and barge-in (reference §5.2, §5.3).</summary>
public sealed class ConversationInputBufferTests : ConversationServerTest
{
    /// <summary>Reference §5.2.</summary>
    [Fact]
    public async Task ServerVad_DetectsTheTurn_CommitsIt_AndAnswersWithoutResponseCreate()
    {
        await using var wire = await WireAsync();
        await wire.NextAsync();
        await wire.SendAsync("""{"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","silence_duration_ms":300}}}}}""");
        await wire.UntilAsync("session.updated");
        await wire.AppendChunkedAsync([.. new byte[Rate / 5 * 2], .. Tone(0.6, 500), .. new byte[Rate * 2]]);
        var events = await wire.UntilAsync("response.done");

        var types = events.Select(Type).ToList();
        Assert.Equal(["input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped", "input_audio_buffer.committed", "conversation.item.added", "conversation.item.done"], types.Take(5));
        Assert.Equal(ResponseOpening, types.Skip(5).Take(5));
        Assert.Equal(AudioClosing, types.TakeLast(6));
        var item = (string)events[0]["item_id"]!;
        Assert.All(events.Take(3), e => Assert.Equal(item, (string?)e["item_id"]));
        Assert.InRange((int)events[0]["audio_start_ms"]!, 0, 200);
        Assert.InRange((int)events[1]["audio_end_ms"]!, 780, 820);
        Assert.Equal("completed", (string?)events[^1]["response"]!["status"]);
        Assert.Contains("at 500 Hz.", string.Concat(events.Where(e => Type(e) == "response.output_audio_transcript.delta").Select(e => (string)e["delta"]!)), StringComparison.Ordinal);
        Assert.DoesNotContain(Connection().ClientMessages, m => m.Contains("response.create", StringComparison.Ordinal));
    }

    /// <summary>Reference §5.3.</summary>
    [Fact]
    public async Task BargeIn_SpeechCancelsTheResponse_WithTurnDetected_ThenTruncateAndTheNewTurnIsAnswered()
    {
        Server.Options.ConversationDeltaInterval = TimeSpan.FromMilliseconds(15);
        Server.EnqueueConversationReply(new ConversationReply { Text = "This is a long answer that keeps going. It has a second sentence too. And a third one after that." });
        await using var wire = await WireAsync();
        await wire.NextAsync();
        await wire.SendAsync("""{"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","silence_duration_ms":300}}}}}""");
        await wire.UntilAsync("session.updated");
        await wire.AppendChunkedAsync([.. Tone(0.5, 300), .. new byte[Rate]]);
        var first = await wire.UntilAsync("response.output_audio.delta");
        var assistantItem = (string)first[^1]["item_id"]!;
        var responseId = (string)first[^1]["response_id"]!;

        await wire.AppendChunkedAsync([.. Tone(0.4, 700), .. new byte[Rate]]);
        var cut = await wire.UntilAsync(e => Type(e) == "response.done" && (string?)e["response"]!["id"] == responseId);
        var startedAt = cut.FindIndex(e => Type(e) == "input_audio_buffer.speech_started");
        Assert.True(startedAt >= 0);
        var done = cut[^1]["response"]!;
        Assert.Equal("""{"type":"cancelled","reason":"turn_detected"}""", done["status_details"]!.ToJsonString());
        Assert.Equal("cancelled", (string?)done["status"]);
        Assert.Contains(cut.Skip(startedAt), e => Type(e) == "response.output_item.done");
        Assert.Equal("incomplete", (string?)cut.Last(e => Type(e) == "response.output_item.done")["item"]!["status"]);

        var receivedMs = first.Concat(cut).Where(e => Type(e) == "response.output_audio.delta").Sum(e => Convert.FromBase64String((string)e["delta"]!).Length / 48);
        await wire.SendAsync(new JsonObject { ["type"] = "conversation.item.truncate", ["item_id"] = assistantItem, ["content_index"] = 0, ["audio_end_ms"] = receivedMs / 2 });
        var rest = await wire.UntilAsync(e => Type(e) == "response.done");
        var truncated = rest.Single(e => Type(e) == "conversation.item.truncated");
        Assert.Equal((assistantItem, 0, receivedMs / 2), ((string)truncated["item_id"]!, (int)truncated["content_index"]!, (int)truncated["audio_end_ms"]!));
        Assert.Contains(cut.Concat(rest), e => Type(e) == "input_audio_buffer.committed");
        Assert.Equal("completed", (string?)rest[^1]["response"]!["status"]);
        Assert.Contains("at 700 Hz.", (string?)rest[^1]["response"]!["output"]![0]!["content"]![0]!["transcript"], StringComparison.Ordinal);

        Assert.Equal([new ReceivedTruncation(assistantItem, 0, receivedMs / 2)], Connection().Truncations);
        Assert.Equal([("cancelled", "turn_detected"), ("completed", null)], Connection().Responses.Select(r => (r.Status, r.StatusReason)));
    }

    [Fact]
    public async Task WithoutInterruptResponse_SpeechDoesNotCancel_AndTheAutomaticResponseCollides()
    {
        Server.Options.ConversationDeltaInterval = TimeSpan.FromMilliseconds(15);
        Server.EnqueueConversationReply(new ConversationReply { Text = "This is a long answer that keeps going. It has a second sentence too. And a third one after that." });
        await using var wire = await WireAsync();
        await wire.NextAsync();
        await wire.SendAsync("""{"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","silence_duration_ms":300,"interrupt_response":false}}}}}""");
        await wire.UntilAsync("session.updated");
        await wire.AppendChunkedAsync([.. Tone(0.5, 300), .. new byte[Rate]]);
        await wire.UntilAsync("response.output_audio.delta");
        await wire.AppendChunkedAsync([.. Tone(0.4, 700), .. new byte[Rate]]);
        var events = await wire.UntilAsync("response.done");

        Assert.Equal("completed", (string?)events[^1]["response"]!["status"]);
        var error = events.Single(e => Type(e) == "error")["error"]!;
        Assert.Equal(("conversation_already_has_active_response", null), ((string?)error["code"], (string?)error["event_id"]));
    }
}
