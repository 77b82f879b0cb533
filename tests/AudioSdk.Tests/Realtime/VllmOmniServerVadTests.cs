using AudioSdk.Realtime;
using AudioSdk.Testing;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// vLLM-Omni's server VAD on <c>/v1/realtime</c> (vllm-project/vllm-omni#6618, turn-based omni models): its realtime
/// stack speaks OpenAI's conversation events, and the VAD adds <c>input_audio_buffer.speech_started</c>
/// <c>{audio_start_ms, item_id}</c>, <c>speech_stopped</c> <c>{audio_end_ms, item_id}</c> (no <c>event_id</c>), an
/// automatic <c>input_audio_buffer.committed</c> <c>{previous_item_id, item_id, event}</c>, and the user item as
/// <c>conversation.item.added</c> followed by <c>conversation.item.created</c> (shapes from
/// <c>vllm_omni/experimental/fullduplex/openai/realtime_input.py</c>). Played over a real WebSocket, byte for byte.
/// </summary>
public sealed class VllmOmniServerVadTests : RealtimeTestBase
{
    private const string ItemId = "item_5f0c3a9e2b6d4c7f8e1a2b3c4d5e6f70";
    private const string Model = "Qwen/Qwen3-Omni-30B-A3B-Instruct";

    protected override void Configure(AudioTestServerOptions options) => options.ConversationModels.Add(Model);

    [Fact]
    public async Task ItsSpeechEventsAreTyped_UnderOneItemId_AndItsUserItemIsShownOnce()
    {
        string[] wire =
        [
            """{"type":"input_audio_buffer.speech_started","audio_start_ms":120,"item_id":"@ID"}""",
            """{"type":"input_audio_buffer.speech_stopped","audio_end_ms":900,"item_id":"@ID"}""",
            """{"type":"input_audio_buffer.committed","previous_item_id":null,"item_id":"@ID","event":{"type":"input_audio_buffer.append"}}""",
            """{"type":"conversation.item.added","previous_item_id":null,"item":{"id":"@ID","object":"realtime.item","type":"message","status":"completed","role":"user","content":[{"type":"input_audio","transcript":null}]}}""",
            """{"type":"conversation.item.created","previous_item_id":null,"item":{"id":"@ID","object":"realtime.item","type":"message","status":"completed","role":"user","content":[{"type":"input_audio","transcript":null}]}}""",
        ];
        foreach (var message in wire)
        {
            Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", Send = message.Replace("@ID", ItemId, StringComparison.Ordinal) });
        }

        await using var rt = await Client.StartRealtimeSessionAsync(new RealtimeSessionOptions
        {
            Dialect = RealtimeDialect.OpenAIConversation,
            Model = Model,
            InputSampleRate = 24000,
            ResponseTimeout = TimeSpan.FromSeconds(20),
            TurnDetection = new RealtimeTurnDetection { InterruptResponse = false, CreateResponse = false },
        });
        await rt.SendAudioAsync(new byte[24000 * 2]); // 1 s of silence: five appends carry the five messages
        var events = await ReadUntilAsync(rt, e => e is Committed);
        events.AddRange(await ReadUntilAsync(rt, e => e is ConversationItemAdded));
        await rt.SendAudioAsync(new byte[4800]);      // one more round trip: a second added would have arrived by now
        events.AddRange(await DrainAsync(rt));

        var started = Assert.Single(events.OfType<SpeechStarted>());
        var stopped = Assert.Single(events.OfType<SpeechStopped>());
        var committed = Assert.Single(events.OfType<Committed>());
        Assert.Equal((ItemId, 120), (started.ItemId, started.AudioStartMs));
        Assert.Equal((ItemId, 900), (stopped.ItemId, stopped.AudioEndMs));
        Assert.Equal(ItemId, committed.ItemId);
        Assert.False(started.IsSynthesized);
        Assert.Equal(ItemId, Assert.Single(events.OfType<ConversationItemAdded>()).Item.Id);
        Assert.True(events.IndexOf(started) < events.IndexOf(stopped) && events.IndexOf(stopped) < events.IndexOf(committed));
        Assert.DoesNotContain(events, e => e is UnknownMessage or ServerError);
    }

    /// <summary>Whatever is readable within a short quiet period.</summary>
    private static async Task<List<RealtimeEvent>> DrainAsync(RealtimeSession rt)
    {
        var events = new List<RealtimeEvent>();
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        try
        {
            await foreach (var e in rt.ReadEventsAsync(quiet.Token))
            {
                events.Add(e);
            }
        }
        catch (OperationCanceledException) when (quiet.IsCancellationRequested)
        {
        }

        return events;
    }
}
