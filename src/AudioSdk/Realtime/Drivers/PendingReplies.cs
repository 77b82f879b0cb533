namespace AudioSdk.Realtime.Drivers;

/// <summary>
/// Client events waiting for the server's reply, by event id: a reply completes the oldest waiter of its type
/// (acknowledgements carry no client id); an error fails the waiter whose id it echoes, or else the oldest one.
/// </summary>
internal sealed class PendingReplies
{
    private readonly object _gate = new();
    private readonly List<Waiter> _waiters = [];

    /// <summary>Registers a waiter; call it before the event is sent, so no reply can beat it.</summary>
    public Task<RealtimeEvent> Register(string eventId, Type replyType)
    {
        var waiter = new Waiter(eventId, replyType,
            new TaskCompletionSource<RealtimeEvent>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            _waiters.Add(waiter);
        }

        return waiter.Done.Task;
    }

    /// <summary>Whether a call waits for a reply of this type.</summary>
    public bool Awaits(Type replyType)
    {
        lock (_gate)
        {
            return _waiters.Exists(w => w.ReplyType == replyType);
        }
    }

    /// <summary>Completes the oldest waiter for a reply of this type; false when none waits.</summary>
    public bool TryComplete(RealtimeEvent reply)
    {
        Waiter? found;
        lock (_gate)
        {
            var index = _waiters.FindIndex(w => w.ReplyType.IsInstanceOfType(reply));
            found = index < 0 ? null : _waiters[index];
            if (found is not null)
            {
                _waiters.RemoveAt(index);
            }
        }

        if (found is null)
        {
            return false;
        }

        Settlement.Run(() => found.Done.TrySetResult(reply));
        return true;
    }

    /// <summary>Fails the waiter whose event id the server echoed, or the oldest when it echoed none.</summary>
    public bool TryFail(string? echoedEventId, Exception exception)
    {
        Waiter? found;
        lock (_gate)
        {
            var index = echoedEventId is null ? (_waiters.Count > 0 ? 0 : -1) : _waiters.FindIndex(w => w.EventId == echoedEventId);
            found = index < 0 ? null : _waiters[index];
            if (found is not null)
            {
                _waiters.RemoveAt(index);
            }
        }

        if (found is null)
        {
            return false;
        }

        Settlement.Run(() => found.Done.TrySetException(exception));
        return true;
    }

    /// <summary>
    /// The connection dropped and a new one will replace it: a clear is done (the new connection starts with an empty
    /// buffer); commits wait on, for the replay's commits to be confirmed in the same order.
    /// </summary>
    public void SettleForReconnect()
    {
        List<Waiter> cleared;
        lock (_gate)
        {
            cleared = _waiters.FindAll(w => w.ReplyType == typeof(Cleared));
            _waiters.RemoveAll(w => w.ReplyType == typeof(Cleared));
        }

        foreach (var waiter in cleared)
        {
            waiter.Done.TrySetResult(new Cleared(default));
        }
    }

    /// <summary>Fails every waiter (the connection closed).</summary>
    public void FailAll(Exception exception)
    {
        Waiter[] all;
        lock (_gate)
        {
            all = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var waiter in all)
        {
            waiter.Done.TrySetException(exception);
        }
    }

    private sealed record Waiter(string EventId, Type ReplyType, TaskCompletionSource<RealtimeEvent> Done);
}
