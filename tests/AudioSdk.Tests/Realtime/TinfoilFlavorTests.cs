using System.Text.Json;
using AudioSdk.Realtime;
using AudioSdk.Testing;

namespace AudioSdk.Tests.Realtime;

/// <summary>The OpenAI dialect as Tinfoil serves it: 16 kHz allowed, deltas before committed, no usage.</summary>
public sealed class TinfoilFlavorTests : RealtimeTestBase
{
    protected override void Configure(AudioTestServerOptions options) => options.RealtimeFlavor = RealtimeServerFlavor.Tinfoil;

    [Fact]
    public async Task DeltasBeforeCommitted_NoUsage_StillCorrelatedByItem()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI(sessionRate: 16000));
        var t = await rt.TranscribeUtteranceAsync(Tone(0.5, 350));
        var events = await ReadUntilAsync(rt, e => e is TranscriptCompleted);

        Assert.Equal(16000, rt.SampleRate);
        Assert.Null(rt.SessionId);
        var firstDelta = events.FindIndex(e => e is TranscriptDelta);
        var committed = events.FindIndex(e => e is Committed);
        Assert.True(firstDelta < committed, "Tinfoil sends deltas before committed");
        Assert.All(events.OfType<TranscriptDelta>(), d => Assert.Equal(t.ItemId, d.ItemId));
        Assert.All(events.OfType<TranscriptDelta>(), d => Assert.Null(d.ContentIndex));
        Assert.Null(t.Usage);
        Assert.Equal("Heard 0.50 seconds at 350 Hz.", t.Transcript);
        Assert.Equal(16000, Connection().SampleRate);
        Assert.Equal(16000, Connection().Utterances.Single().Bytes.Length);
    }

    [Fact]
    public async Task EmptyCommit_WithoutAnEchoedEventId_StillFailsTheCommit()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI(sessionRate: 16000));
        var ex = await Assert.ThrowsAsync<RealtimeException>(() => rt.CommitAsync());
        Assert.Equal("input_audio_buffer_commit_empty", ex.Code);
        Assert.Null(ex.Error!.ClientEventId);
        Assert.Equal("buffer too small: no audio to commit", ex.Error.Message);
    }

    [Fact]
    public async Task SessionUpdated_NeverEchoesTurnDetection()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI(sessionRate: 16000));
        var updated = (await ReadUntilAsync(rt, e => e is SessionUpdated)).OfType<SessionUpdated>().Single();
        Assert.False(updated.Raw.GetProperty("session").GetProperty("audio").GetProperty("input").TryGetProperty("turn_detection", out _));
        Assert.Equal("voxtral-mini-4b-realtime", updated.Raw.GetProperty("session").GetProperty("audio").GetProperty("input").GetProperty("transcription").GetProperty("model").GetString());
    }
}
