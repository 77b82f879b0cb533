using AudioSdk.Realtime;
using AudioSdk.Realtime.Drivers;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// Waits by item id keep an outcome that came first, a failure as much as a transcript: a native utterance refused by
/// the server (an unknown model) can fail before its commit returns, and the wait that follows must see the failure
/// rather than run into the response timeout.
/// </summary>
public sealed class KeyedWaitersTests
{
    [Fact]
    public async Task AFailureBeforeTheWait_FailsTheWait()
    {
        var waiters = new KeyedWaiters<TranscriptCompleted>(static t => t.ItemId);
        var failure = new RealtimeException("Transcription of item_001 failed (model_not_found): no such model.");
        waiters.Fail("item_001", failure);

        var wait = waiters.WaitAsync("item_001");

        Assert.True(wait.IsFaulted);
        Assert.Same(failure, await Assert.ThrowsAsync<RealtimeException>(() => wait));
    }

    [Fact]
    public async Task ATranscriptAfterAFailure_Wins()
    {
        var waiters = new KeyedWaiters<TranscriptCompleted>(static t => t.ItemId);
        waiters.Fail("item_001", new RealtimeException("lost"));
        var done = new TranscriptCompleted("item_001", " Hello.", null, [], "conversation.item.input_audio_transcription.completed", default);
        waiters.Complete(done);

        Assert.Same(done, await waiters.WaitAsync("item_001"));
    }
}
