using System.Text.Json;
using AudioSdk.Realtime;
using AudioSdk.Realtime.Continuity;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// The replay log without a socket: the bound on held audio (oldest first, whole samples), which utterances a reconnect
/// sends again and under which ids, and the map from a new connection's item ids to the ones the caller was shown.
/// </summary>
public sealed class ReplayLogTests
{
    private static readonly JsonElement Raw = JsonDocument.Parse("{}").RootElement;

    [Fact]
    public void PastTheBound_TheOldestAudioGoesFirst_AndTheDropIsReported()
    {
        var log = new ReplayLog(16000, TimeSpan.FromSeconds(1));
        var first = Bytes(20000, 1);
        var second = Bytes(20000, 2);

        log.Append(first);
        log.Append(second);

        Assert.Equal(32000, log.HeldBytes);
        var plan = log.BeginReplay();
        var utterance = Assert.Single(plan.Utterances);
        Assert.Equal([first[8000..], second], utterance.Chunks);
        Assert.Equal(32000, utterance.Bytes);
        Assert.False(utterance.Committed);
        Assert.Null(utterance.ItemId);
        Assert.Equal(TimeSpan.FromSeconds(1), plan.Audio);
        Assert.Equal(TimeSpan.FromSeconds(0.25), plan.Dropped);

        // The drop is reported once.
        Assert.Equal(TimeSpan.Zero, log.BeginReplay().Dropped);
    }

    [Fact]
    public void AnOddExcess_CutsAWholeSample_AndAChunkNoLongerThanTheExcessGoesWhole()
    {
        var log = new ReplayLog(16000, TimeSpan.FromMilliseconds(1));
        log.Append(Bytes(30, 1));
        log.Append(Bytes(5, 2));
        Assert.Equal(31, log.HeldBytes);
        Assert.Equal([Bytes(30, 1)[4..], Bytes(5, 2)], log.BeginReplay().Utterances[0].Chunks);

        var whole = new ReplayLog(16000, TimeSpan.FromMilliseconds(1));
        whole.Append(Bytes(8, 3));
        whole.Append(Bytes(32, 4));
        Assert.Equal(32, whole.HeldBytes);
        var plan = whole.BeginReplay();
        Assert.Equal([Bytes(32, 4)], plan.Utterances[0].Chunks);
        Assert.Equal(TimeSpan.FromSeconds(8.0 / 32000), plan.Dropped);
    }

    [Fact]
    public void AnUtteranceLeftWithNoAudio_IsNotReplayed()
    {
        var log = new ReplayLog(16000, TimeSpan.FromMilliseconds(1));
        log.Append(Bytes(8, 1));
        log.MarkCommitted();
        log.Append(Bytes(32, 2));

        Assert.Equal(1, log.HeldUtterances);
        var plan = log.BeginReplay();
        var only = Assert.Single(plan.Utterances);
        Assert.False(only.Committed);
        Assert.Equal([Bytes(32, 2)], only.Chunks);
    }

    [Fact]
    public void TheBound_IsWholeSamples_AndAtLeastOne()
    {
        var tiny = new ReplayLog(16000, TimeSpan.Zero);
        tiny.Append(Bytes(6, 1));
        Assert.Equal(2, tiny.HeldBytes);

        // 2.5 ms at 1 kHz is 5 bytes: rounded down to 4.
        var odd = new ReplayLog(1000, TimeSpan.FromMilliseconds(2.5));
        odd.Append(Bytes(5, 1));
        Assert.Equal(3, odd.HeldBytes);

        var exact = new ReplayLog(1000, TimeSpan.FromMilliseconds(2));
        exact.Append(Bytes(4, 1));
        Assert.Equal(4, exact.HeldBytes);
        exact.Append(ReadOnlySpan<byte>.Empty);
        Assert.Equal(1, exact.HeldUtterances);
    }

    [Fact]
    public void Commits_Clears_AndAbandons_ShapeWhatIsHeld()
    {
        var log = new ReplayLog(16000, TimeSpan.FromSeconds(10));

        log.MarkCommitted();
        log.DiscardOpen();
        Assert.Equal(0, log.HeldUtterances);

        log.Append(Bytes(100, 1));
        log.MarkCommitted();
        log.MarkCommitted();
        log.Append(Bytes(50, 2));
        Assert.Equal(2, log.HeldUtterances);
        Assert.Equal(150, log.HeldBytes);

        // A clear drops the one under way, never a committed one.
        log.DiscardOpen();
        Assert.Equal(1, log.HeldUtterances);
        Assert.Equal(100, log.HeldBytes);
        log.DiscardOpen();
        Assert.Equal(1, log.HeldUtterances);

        // Named by its commit, then let go of by id.
        log.Observe(new Committed("item_a", null, Raw));
        log.Abandon("item_b");
        Assert.Equal(1, log.HeldUtterances);
        log.Abandon("item_a");
        Assert.Equal(0, log.HeldUtterances);
        Assert.Equal(0, log.HeldBytes);

        log.Append(Bytes(10, 3));
        log.Clear();
        Assert.Equal(0, log.HeldUtterances);
        Assert.Equal(0, log.HeldBytes);
    }

    [Fact]
    public void AFinalTranscriptOrAFailure_LetsItsUtteranceGo()
    {
        var log = new ReplayLog(16000, TimeSpan.FromSeconds(10));
        log.Append(Bytes(10, 1));
        log.MarkCommitted();
        log.Append(Bytes(20, 2));
        log.MarkCommitted();
        log.Observe(new Committed("item_1", null, Raw));
        log.Observe(new Committed("item_2", "item_1", Raw));

        log.Observe(new TranscriptCompleted("item_2", "two", null, [], "t", Raw));
        Assert.Equal(10, log.HeldBytes);
        log.Observe(new TranscriptFailed("item_1", "e", "c", "m", Raw));
        Assert.Equal(0, log.HeldUtterances);
    }

    [Fact]
    public void WithServerTurns_ACommitEventCommitsTheUtteranceUnderWay_AndAnEarlyEventNamesItWithoutCommitting()
    {
        var log = new ReplayLog(16000, TimeSpan.FromSeconds(10));
        log.Observe(new SpeechStarted("item_0", 0, Raw));
        log.Append(Bytes(10, 1));
        log.Observe(new SpeechStarted("item_1", 0, Raw));
        log.Append(Bytes(10, 2));

        var plan = log.BeginReplay();
        var open = Assert.Single(plan.Utterances);
        Assert.False(open.Committed);
        Assert.Equal("item_1", open.ItemId);

        var committed = new ReplayLog(16000, TimeSpan.FromSeconds(10));
        committed.Append(Bytes(10, 1));
        committed.Observe(new Committed("item_7", null, Raw));
        committed.Append(Bytes(10, 2));
        var two = committed.BeginReplay().Utterances;
        Assert.Equal([true, false], two.Select(u => u.Committed));
        Assert.Equal(["item_7", null], two.Select(u => u.ItemId));
    }

    [Fact]
    public void EarlyDeltasAndSpeechStops_NameTheOldestCommittedUtteranceWithoutAName()
    {
        var log = new ReplayLog(16000, TimeSpan.FromSeconds(10));
        log.Append(Bytes(10, 1));
        log.MarkCommitted();
        log.Append(Bytes(10, 2));
        log.MarkCommitted();

        log.Observe(new TranscriptDelta("item_x", "he", null, [], "d", Raw));
        log.Observe(new TranscriptDelta("item_x", "llo", null, [], "d", Raw));
        log.Observe(new SpeechStopped("item_y", 100, Raw));

        Assert.Equal(["item_x", "item_y"], log.BeginReplay().Utterances.Select(u => u.ItemId));
    }

    [Fact]
    public void BeforeAnyReconnect_IdsAreTheServers()
    {
        var log = new ReplayLog(16000, TimeSpan.FromSeconds(10));

        Assert.Equal("item_000", log.Remap("item_000", out var replayed));
        Assert.False(replayed);
    }

    [Fact]
    public void AfterAReconnect_TheFirstNewIdsAreTheReplayedCommits_InOrder_ThenNewOnes()
    {
        var log = new ReplayLog(16000, TimeSpan.FromSeconds(10));
        log.Append(Bytes(10, 1));
        log.MarkCommitted();
        log.Observe(new Committed("item_000", null, Raw));
        log.Append(Bytes(10, 2));
        log.MarkCommitted();
        log.Append(Bytes(10, 3));

        var plan = log.BeginReplay();
        Assert.Equal([true, true, false], plan.Utterances.Select(u => u.Committed));
        Assert.Equal(["item_000", null, null], plan.Utterances.Select(u => u.ItemId));
        Assert.Equal(TimeSpan.FromSeconds(30.0 / 32000), plan.Audio);

        // The confirmed commit keeps its id and is not shown twice; the unconfirmed one takes the new id.
        Assert.Equal("item_000", log.Remap("item_000", out var first));
        Assert.True(first);
        Assert.Equal("item_000", log.Remap("item_000", out var again));
        Assert.True(again);
        Assert.Equal("item_001", log.Remap("item_001", out var second));
        Assert.False(second);
        Assert.Equal("item_002", log.Remap("item_002", out var third));
        Assert.False(third);

        // The unconfirmed one's new id is its name from now on.
        log.Observe(new Committed("item_001", "item_000", Raw));
        Assert.Equal(["item_000", "item_001", null], log.BeginReplay().Utterances.Select(u => u.ItemId));
    }

    [Fact]
    public void ANewIdTheCallerWasShownForAnotherItem_IsMadeUnique()
    {
        var log = new ReplayLog(16000, TimeSpan.FromSeconds(10));
        log.Observe(new TranscriptCompleted("item_001", "old", null, [], "t", Raw));
        log.Observe(new TranscriptCompleted("item_002~1", "old", null, [], "t", Raw));
        log.Observe(new TranscriptCompleted("item_002", "old", null, [], "t", Raw));
        log.Append(Bytes(10, 1));
        log.MarkCommitted();
        log.BeginReplay();

        Assert.Equal("item_001~1", log.Remap("item_001", out _));
        Assert.Equal("item_002~1.2", log.Remap("item_002", out _));
        Assert.Equal("item_003", log.Remap("item_003", out _));

        // A new id that is a suffixed id already given out is made unique again.
        Assert.Equal("item_005~1", log.Remap("item_005~1", out _));
        log.Observe(new TranscriptCompleted("item_005", "old", null, [], "t", Raw));
        Assert.Equal("item_005~1.2", log.Remap("item_005", out _));

        // A second reconnect numbers its suffixes after it (the replayed utterance has had its transcript).
        log.Observe(new TranscriptCompleted("item_001~1", "done", null, [], "t", Raw));
        log.Observe(new TranscriptCompleted("item_003", "shown", null, [], "t", Raw));
        Assert.Equal(0, log.HeldUtterances);
        log.BeginReplay();
        Assert.Equal("item_003~2", log.Remap("item_003", out _));
    }

    [Fact]
    public void OnlyTheLast4096IdsShown_AreRemembered()
    {
        var log = new ReplayLog(16000, TimeSpan.FromSeconds(10));
        for (var i = 0; i <= 4096; i++)
        {
            log.Observe(new TranscriptFailed("x" + i, null, null, null, Raw));
        }

        log.Observe(new TranscriptFailed("x1", null, null, null, Raw));
        log.BeginReplay();

        Assert.Equal("x0", log.Remap("x0", out _));
        Assert.Equal("x1~1", log.Remap("x1", out _));
        Assert.Equal("x4096~1", log.Remap("x4096", out _));
    }

    [Fact]
    public void ItemIds_RewritesEveryEventsId_AndHidesARepeatedConfirmedCommit()
    {
        var log = new ReplayLog(16000, TimeSpan.FromSeconds(10));
        log.Observe(new TranscriptCompleted("item_000", "shown", null, [], "t", Raw));
        log.Observe(new TranscriptCompleted("item_001", "shown", null, [], "t", Raw));
        log.Append(Bytes(10, 1));
        log.MarkCommitted();
        log.Observe(new Committed("item_a", null, Raw));
        log.BeginReplay();

        var commit = new Committed("item_000", null, Raw);
        Assert.False(ItemIds.Remap(commit, log));
        Assert.Equal("item_a", commit.ItemId);

        var delta = new TranscriptDelta("item_001", "x", null, [], "d", Raw);
        var completed = new TranscriptCompleted("item_001", "x", null, [], "t", Raw);
        var failed = new TranscriptFailed("item_001", null, null, null, Raw);
        var started = new SpeechStarted("item_001", 0, Raw);
        var stopped = new SpeechStopped("item_001", 0, Raw);
        Assert.True(ItemIds.Remap(delta, log));
        Assert.True(ItemIds.Remap(completed, log));
        Assert.True(ItemIds.Remap(failed, log));
        Assert.True(ItemIds.Remap(started, log));
        Assert.True(ItemIds.Remap(stopped, log));

        // The caller was shown item_001 for another item: every event of the new one carries the unique id.
        Assert.Equal(["item_001~1", "item_001~1", "item_001~1", "item_001~1", "item_001~1"], new List<string?> { delta.ItemId, completed.ItemId, failed.ItemId, started.ItemId, stopped.ItemId });
        var withoutId = new SpeechStarted(null, 0, Raw);
        Assert.True(ItemIds.Remap(withoutId, log));
        Assert.Null(withoutId.ItemId);
    }

    private static byte[] Bytes(int count, int seed) => Enumerable.Range(0, count).Select(i => (byte)((i * 31) + (seed * 7))).ToArray();
}
