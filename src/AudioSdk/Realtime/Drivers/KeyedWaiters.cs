namespace AudioSdk.Realtime.Drivers;

/// <summary>
/// Outcomes awaited by id (final transcripts by item id, finished responses by response id), including ones that
/// arrived before anyone asked (the last 256 are kept).
/// </summary>
internal sealed class KeyedWaiters<T>(Func<T, string?> key)
    where T : class
{
    private const int Kept = 256;
    private readonly object _gate = new();
    private readonly Dictionary<string, TaskCompletionSource<T>> _waiters = [];
    private readonly Dictionary<string, T> _completed = [];
    private readonly Queue<string> _order = new();
    private Exception? _closed;

    public Task<T> WaitAsync(string itemId)
    {
        lock (_gate)
        {
            if (_completed.TryGetValue(itemId, out var done))
            {
                return Task.FromResult(done);
            }

            if (_closed is not null)
            {
                return Task.FromException<T>(_closed);
            }

            if (!_waiters.TryGetValue(itemId, out var waiter))
            {
                waiter = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters[itemId] = waiter;
            }

            return waiter.Task;
        }
    }

    /// <summary>Records an outcome and completes its waiter, once its event is readable (see <see cref="Settlement"/>).</summary>
    public void Complete(T completed) => Settlement.Run(() => CompleteNow(completed));

    /// <summary>Fails the waiter of <paramref name="itemId"/>, once the event that says so is readable.</summary>
    public void Fail(string itemId, Exception exception) => Settlement.Run(() => FailNow(itemId, exception));

    private void CompleteNow(T completed)
    {
        if (key(completed) is not { } itemId)
        {
            return;
        }

        TaskCompletionSource<T>? waiter;
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

    private void FailNow(string itemId, Exception exception)
    {
        TaskCompletionSource<T>? waiter;
        lock (_gate)
        {
            _waiters.Remove(itemId, out waiter);
        }

        waiter?.TrySetException(exception);
    }

    /// <summary>Fails every waiter and every later wait for an item not yet transcribed.</summary>
    public void Close(Exception exception)
    {
        TaskCompletionSource<T>[] waiters;
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
