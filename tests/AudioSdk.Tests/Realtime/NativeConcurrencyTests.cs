using AudioSdk.Realtime;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// Dictation in vLLM's native dialect against a server that answers each utterance 2 s late: the next utterance starts
/// on its own connection at once instead of waiting for the last transcript, a bound holds how many run at once, and the
/// transcripts still come out in order. Checked on the server's record of what arrived when, not on wall-clock limits.
/// </summary>
public sealed class NativeConcurrencyTests : RealtimeTestBase
{
    private const int Utterances = 10;

    [Fact]
    public async Task ASlowTranscript_DoesNotHoldUpTheNextUtterance_AndResultsStayInOrder()
    {
        Server.Options.RealtimeTranscriptDelay = TimeSpan.FromSeconds(2);
        await using var rt = await Client.StartRealtimeSessionAsync(Native() with { RealTimePacing = true, MaxConcurrentUtterances = 8 });
        var finals = 0;
        var reading = ReadUntilAsync(rt, e => e is TranscriptCompleted && ++finals == Utterances, TimeSpan.FromSeconds(60));

        var committed = new List<Committed>();
        for (var i = 0; i < Utterances; i++)
        {
            await rt.SendAudioAsync(Tone(0.4, 300 + (50 * i)));
            committed.Add(await rt.CommitAsync());
        }

        var transcripts = new List<TranscriptCompleted>();
        foreach (var c in committed)
        {
            transcripts.Add(await rt.WaitForTranscriptAsync(c.ItemId));
        }

        var events = await reading;

        Assert.Equal(Utterances, Server.RealtimeSessions.Count);
        for (var i = 1; i < Utterances; i++)
        {
            // Utterance i was sent whole while utterance i-1's transcript was still on its way.
            var previousAnswered = Assert.Single(Connection(i - 1).TranscriptsSent);
            var thisCommitted = Assert.Single(Connection(i).FinalCommits);
            Assert.True(thisCommitted < previousAnswered, $"utterance {i} waited for utterance {i - 1}'s transcript");
        }

        for (var i = 0; i < Utterances; i++)
        {
            Assert.EndsWith($"Heard 0.40 seconds at {300 + (50 * i)} Hz.", transcripts[i].Transcript);
            Assert.Equal(committed[i].ItemId, transcripts[i].ItemId);
        }

        Assert.Equal(committed.Select(c => c.ItemId), events.OfType<TranscriptCompleted>().Select(t => t.ItemId));

        // Each utterance's deltas come after the transcript before it, never mixed into it.
        for (var i = 1; i < Utterances; i++)
        {
            var previousDone = events.FindIndex(e => e is TranscriptCompleted t && t.ItemId == committed[i - 1].ItemId);
            var firstDelta = events.FindIndex(e => e is TranscriptDelta d && d.ItemId == committed[i].ItemId);
            Assert.True(firstDelta > previousDone, $"utterance {i}'s deltas came before utterance {i - 1}'s transcript");
        }
    }

    [Fact]
    public async Task PastTheBound_TheNextUtteranceWaitsForTheOldestTranscript()
    {
        Server.Options.RealtimeTranscriptDelay = TimeSpan.FromMilliseconds(600);
        await using var rt = await Client.StartRealtimeSessionAsync(Native() with { MaxConcurrentUtterances = 2 });
        var committed = new List<Committed>();
        for (var i = 0; i < 4; i++)
        {
            await rt.SendAudioAsync(Tone(0.2, 400 + (100 * i)));
            committed.Add(await rt.CommitAsync());
        }

        foreach (var c in committed)
        {
            Assert.Equal(c.ItemId, (await rt.WaitForTranscriptAsync(c.ItemId)).ItemId);
        }

        // With two at once, utterance i (from the third on) starts only after utterance i-2 has its transcript.
        for (var i = 2; i < 4; i++)
        {
            Assert.True(Assert.Single(Connection(i).FinalCommits) > Assert.Single(Connection(i - 2).TranscriptsSent), $"utterance {i} did not wait for room");
        }

        Assert.True(Assert.Single(Connection(1).FinalCommits) < Assert.Single(Connection(0).TranscriptsSent), "the second utterance did not have to wait");
    }

    [Fact]
    public void TheBound_IsValidatedWithTheOtherOptions()
    {
        var ex = Assert.Throws<ArgumentException>(() => { _ = Client.StartRealtimeSessionAsync(Native() with { MaxConcurrentUtterances = 0, ChunkDuration = TimeSpan.Zero }); });
        Assert.Contains("MaxConcurrentUtterances must be between 1 and 16.", ex.Message);
        Assert.Contains("ChunkDuration", ex.Message);
        Assert.Empty(Server.RealtimeSessions);
    }
}
