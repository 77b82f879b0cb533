using System.Collections.Concurrent;
using AudioSdk.Realtime;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// Item ids across a reconnect, against a server that numbers items per connection (<c>item_000</c> anew on each) and
/// sends an utterance's first delta before its commit: an id the caller has been shown in any event is never given to
/// another utterance.
/// </summary>
public sealed class ReconnectItemIdTests : RealtimeTestBase
{
    private static readonly RealtimeReconnectOptions Fast = new() { InitialDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(40), MaxAttempts = 3 };

    [Theory]
    [InlineData(RealtimeServerFlavor.OpenAI)]
    [InlineData(RealtimeServerFlavor.Tinfoil)]
    public async Task AnIdShownInAnEarlyDelta_StaysWithItsUtterance_AndIsNeverReused(RealtimeServerFlavor flavor)
    {
        Server.Options.RealtimeFlavor = flavor;
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI() with { Reconnect = Fast });
        var seen = new ConcurrentQueue<RealtimeEvent>();
        var reading = Task.Run(async () =>
        {
            await foreach (var e in rt.ReadEventsAsync())
            {
                seen.Enqueue(e);
            }
        });

        var a = await rt.TranscribeUtteranceAsync(Tone(0.3, 300));
        Assert.Equal("item_000", a.ItemId);

        // B: the server's next id shows up in an early delta, then the connection drops before B is committed.
        Server.EnqueueRealtime(new RealtimeScriptedAction
        {
            OnClientEvent = "input_audio_buffer.append",
            Send = "{\"type\":\"conversation.item.input_audio_transcription.delta\",\"event_id\":\"event_early\",\"item_id\":\"item_001\",\"delta\":\" early\"}",
        });
        await rt.SendAudioAsync(Tone(0.3, 500));
        await Poll.UntilAsync(() => seen.Any(e => e is TranscriptDelta { Delta: " early" }));
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", DropConnection = true });
        await rt.SendAudioAsync(Tone(0.3, 500));
        var b = await rt.CommitAsync();
        var tb = await rt.WaitForTranscriptAsync(b.ItemId);
        var shownBeforeC = seen.Select(ItemIdOf).OfType<string>().ToHashSet();

        var c = await rt.TranscribeUtteranceAsync(Tone(0.4, 700));
        await rt.DisposeAsync();
        await reading.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, Server.RealtimeSessions.Count);
        Assert.Single(seen.OfType<Reconnected>());
        Assert.DoesNotContain(c.ItemId!, shownBeforeC);
        Assert.Equal("item_001", b.ItemId);
        Assert.Equal(b.ItemId, tb.ItemId);
        Assert.EndsWith("Heard 0.60 seconds at 500 Hz.", tb.Transcript);
        Assert.EndsWith("Heard 0.40 seconds at 700 Hz.", c.Transcript);
        Assert.Equal(3, new[] { a.ItemId, b.ItemId, c.ItemId }.Distinct().Count());

        // Grouping the stream by item id gives each utterance its own words, and nothing else.
        var byItem = seen.OfType<TranscriptDelta>().GroupBy(d => d.ItemId!).ToDictionary(g => g.Key, g => string.Concat(g.Select(d => d.Delta)));
        Assert.StartsWith(" early", byItem[b.ItemId!]);
        Assert.Contains("500 Hz", byItem[b.ItemId!]);
        Assert.DoesNotContain("early", byItem[c.ItemId!]);
        Assert.Contains("700 Hz", byItem[c.ItemId!]);
        Assert.Equal([a.ItemId, b.ItemId, c.ItemId], seen.OfType<Committed>().Select(e => e.ItemId));
        Assert.Equal([a.ItemId, b.ItemId, c.ItemId], seen.OfType<TranscriptCompleted>().Select(e => e.ItemId));
    }

    private static string? ItemIdOf(RealtimeEvent e) => e switch
    {
        Committed x => x.ItemId,
        TranscriptDelta x => x.ItemId,
        TranscriptCompleted x => x.ItemId,
        TranscriptFailed x => x.ItemId,
        SpeechStarted x => x.ItemId,
        SpeechStopped x => x.ItemId,
        _ => null,
    };
}
