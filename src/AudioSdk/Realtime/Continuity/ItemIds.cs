namespace AudioSdk.Realtime.Continuity;

/// <summary>The item id an event carries, read and rewritten in one place (after a reconnect, to the caller's id).</summary>
internal static class ItemIds
{
    /// <summary>Rewrites the event's item id through <paramref name="log"/>; false when it repeats a commit the caller already saw
    /// confirmed.</summary>
    public static bool Remap(RealtimeEvent evt, ReplayLog log)
    {
        var replayedCommit = false;
        switch (evt)
        {
            case Committed e:
                e.ItemId = log.Remap(e.ItemId, out replayedCommit);
                break;
            case TranscriptDelta { ItemId: { } id } e:
                e.ItemId = log.Remap(id, out _);
                break;
            case TranscriptCompleted { ItemId: { } id } e:
                e.ItemId = log.Remap(id, out _);
                break;
            case TranscriptFailed { ItemId: { } id } e:
                e.ItemId = log.Remap(id, out _);
                break;
            case SpeechStarted { ItemId: { } id } e:
                e.ItemId = log.Remap(id, out _);
                break;
            case SpeechStopped { ItemId: { } id } e:
                e.ItemId = log.Remap(id, out _);
                break;
        }

        return !replayedCommit;
    }
}
