using AudioSdk.Realtime.Protocol;

namespace AudioSdk.Realtime.Drivers;

internal sealed partial class VllmNativeDriver
{
    /// <summary>Publishes what the oldest utterances hold, in order, finishing each whose outcome is in; stops at the first still
    /// waiting.</summary>
    private void PublishReady()
    {
        while (_pending.Count > 0)
        {
            var head = _pending[0];
            foreach (var held in head.Events)
            {
                Channel.Publish(held);
            }

            head.Events.Clear();
            if (head.Done is null && head.Failure is null)
            {
                return;
            }

            Finish(head, head.Failure);
        }
    }

    /// <summary>An utterance is over: its waiters get the outcome, its connection goes if it was kept for it, the next may
    /// publish.</summary>
    private void Finish(Utterance utterance, RealtimeException? failure)
    {
        var index = _pending.IndexOf(utterance);
        if (index < 0)
        {
            return;
        }

        foreach (var held in utterance.Events)
        {
            Channel.Publish(held);
        }

        utterance.Events.Clear();
        _pending.RemoveAt(index);
        if (utterance.Done is { } done)
        {
            Channel.Transcripts.Complete(done);
            utterance.Finished.TrySetResult();
        }
        else
        {
            if (failure is not null)
            {
                Channel.Transcripts.Fail(utterance.ItemId, failure);
            }

            utterance.Finished.TrySetResult();
        }

        if (utterance.Generation != Channel.Generation)
        {
            Channel.Release(utterance.Generation);
        }

        if (index == 0)
        {
            PublishReady();
        }
    }

    /// <summary>One utterance: its connection, what it owes, and its events held until the earlier ones are out.</summary>
    private sealed class Utterance(string itemId)
    {
        public string ItemId { get; } = itemId;

        public int Generation { get; set; }

        public bool Open { get; set; }

        public bool Committed { get; set; }

        public long Bytes { get; set; }

        public TranscriptCompleted? Done { get; set; }

        public RealtimeException? Failure { get; set; }

        public List<RealtimeEvent> Events { get; } = [];

        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
