namespace AudioSdk.Realtime.Drivers;

/// <summary>Final transcripts awaited by item id, including ones that arrived before anyone asked (the last 256 are kept).</summary>
internal sealed class TranscriptWaiters
{
    private const int Kept = 256;
    private readonly object _gate = new();
    private readonly Dictionary<string, TaskCompletionSource<TranscriptCompleted>> _waiters = [];
    private readonly Dictionary<string, TranscriptCompleted> _completed = [];
    private readonly Queue<string> _order = new();
    private Exception? _closed;

    public Task<TranscriptCompleted> WaitAsync(string itemId)
    {
        lock (_gate)
        {
            if (_completed.TryGetValue(itemId, out var done))
            {
                return Task.FromResult(done);
            }

            if (_closed is not null)
            {
                return Task.FromException<TranscriptCompleted>(_closed);
            }

            if (!_waiters.TryGetValue(itemId, out var waiter))
            {
                waiter = new TaskCompletionSource<TranscriptCompleted>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters[itemId] = waiter;
            }

            return waiter.Task;
        }
    }

    public void Complete(TranscriptCompleted completed)
    {
        if (completed.ItemId is not { } itemId)
        {
            return;
        }

        TaskCompletionSource<TranscriptCompleted>? waiter;
        lock (_gate)
        {
            if (_completed.TryAdd(itemId, completed))
            {
                _order.Enqueue(itemId);
                if (_order.Count > Kept)
                {
                    _completed.Remove(_order.Dequeue());
                }
            }
            else
            {
                _completed[itemId] = completed;
            }

            _waiters.Remove(itemId, out waiter);
        }

        waiter?.TrySetResult(completed);
    }

    public void Fail(string itemId, Exception exception)
    {
        TaskCompletionSource<TranscriptCompleted>? waiter;
        lock (_gate)
        {
            _waiters.Remove(itemId, out waiter);
        }

        waiter?.TrySetException(exception);
    }

    /// <summary>Fails every waiter and every later wait for an item not yet transcribed.</summary>
    public void Close(Exception exception)
    {
        TaskCompletionSource<TranscriptCompleted>[] waiters;
        lock (_gate)
        {
            _closed ??= exception;
            waiters = [.. _waiters.Values];
            _waiters.Clear();
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetException(exception);
        }
    }
}
