namespace AudioSdk.Realtime.Drivers;

/// <summary>
/// Outcomes awaited by id (final transcripts by item id, finished responses by response id), including ones that
/// arrived before anyone asked, failures as much as results (the last 256 are kept).
/// </summary>
internal sealed class KeyedWaiters<T>(Func<T, string?> key)
    where T : class
{
    private const int Kept = 256;
    private readonly object _gate = new();
    private readonly Dictionary<string, TaskCompletionSource<T>> _waiters = [];
    private readonly Dictionary<string, T> _completed = [];
    private readonly Dictionary<string, Exception> _failed = [];
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

            if (_failed.TryGetValue(itemId, out var failure))
            {
                return Task.FromException<T>(failure);
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
                if (!_failed.Remove(itemId))
                {
                    Remember(itemId);
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
            if (!_completed.ContainsKey(itemId) && _failed.TryAdd(itemId, exception))
            {
                // A wait that comes after the failure (a commit that returned after it) gets it too.
                Remember(itemId);
            }
        }

        waiter?.TrySetException(exception);
    }

    /// <summary>Keeps an outcome's id in order; past <see cref="Kept"/> the oldest outcome is forgotten.</summary>
    private void Remember(string itemId)
    {
        _order.Enqueue(itemId);
        if (_order.Count > Kept)
        {
            var oldest = _order.Dequeue();
            _completed.Remove(oldest);
            _failed.Remove(oldest);
        }
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
