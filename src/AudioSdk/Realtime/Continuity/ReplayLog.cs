namespace AudioSdk.Realtime.Continuity;

/// <summary>
/// What a reconnect needs: the audio of every utterance that has no final transcript yet (bounded), whether each was
/// committed and under which item id the caller knows it, and, on the connection after a reconnect, the map from the
/// server's new item ids to those ids. Appends, commits and clears are recorded by the send path before they go on the
/// wire; commits and transcripts are observed as events are published. Thread-safe.
/// </summary>
internal sealed class ReplayLog
{
    private const int IssuedKept = 4096;
    private readonly object _gate = new();
    private readonly List<Utterance> _held = [];
    private readonly Dictionary<string, Mapping> _map = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<Utterance> _expected = new();
    private readonly HashSet<string> _issued = new(StringComparer.Ordinal);
    private readonly Queue<string> _issuedOrder = new();
    private readonly long _maxBytes;
    private readonly int _bytesPerSecond;
    private long _bytes;
    private long _droppedBytes;
    private int _reconnects;

    public ReplayLog(int wireSampleRate, TimeSpan maxDuration)
    {
        _bytesPerSecond = wireSampleRate * 2;
        _maxBytes = Math.Max(2, (long)(maxDuration.TotalSeconds * _bytesPerSecond) & ~1L);
    }

    /// <summary>Bytes of audio held now.</summary>
    public long HeldBytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Utterances held now (committed or under way).</summary>
    public int HeldUtterances
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Records wire audio of the utterance under way (a new one if the last was committed).</summary>
    public void Append(ReadOnlySpan<byte> wirePcm16)
    {
        if (wirePcm16.IsEmpty)
        {
            return;
        }

        lock (_gate)
        {
            var open = _held.Count > 0 && !_held[^1].Committed ? _held[^1] : null;
            if (open is null)
            {
                open = new Utterance();
                _held.Add(open);
            }

            open.Chunks.Add(wirePcm16.ToArray());
            open.Bytes += wirePcm16.Length;
            _bytes += wirePcm16.Length;
            Trim();
        }
    }

    /// <summary>A commit goes out: the utterance under way (if it has audio) is committed.</summary>
    public void MarkCommitted()
    {
        lock (_gate)
        {
            if (_held.Count > 0 && _held[^1] is { Committed: false, Bytes: > 0 } open)
            {
                open.Committed = true;
            }
        }
    }

    /// <summary>A clear goes out: the utterance under way is discarded.</summary>
    public void DiscardOpen()
    {
        lock (_gate)
        {
            if (_held.Count > 0 && !_held[^1].Committed)
            {
                Remove(_held.Count - 1);
            }
        }
    }

    /// <summary>Lets go of an utterance the caller stopped waiting for.</summary>
    public void Abandon(string itemId)
    {
        lock (_gate)
        {
            var index = _held.FindIndex(u => u.ItemId == itemId);
            if (index >= 0)
            {
                Remove(index);
            }
        }
    }

    /// <summary>
    /// An event on its way to the caller (item ids already the caller's): a commit names the oldest committed utterance
    /// without a name (or, with server-side turns, commits the one under way); a final transcript or a failure lets its
    /// utterance go.
    /// </summary>
    public void Observe(RealtimeEvent evt)
    {
        switch (evt)
        {
            case Committed committed:
                lock (_gate)
                {
                    Issue(committed.ItemId);
                    if (_held.Exists(u => u.ItemId == committed.ItemId))
                    {
                        return;
                    }

                    var unnamed = _held.Find(u => u.Committed && u.ItemId is null);
                    if (unnamed is not null)
                    {
                        unnamed.ItemId = committed.ItemId;
                    }
                    else if (_held.Count > 0 && _held[^1] is { Committed: false, Bytes: > 0 } open)
                    {
                        open.Committed = true;
                        open.ItemId = committed.ItemId;
                    }
                }

                break;
            case TranscriptCompleted { ItemId: { } done }:
                Abandon(done);
                break;
            case TranscriptFailed { ItemId: { } failed }:
                Abandon(failed);
                break;
        }
    }

    /// <summary>
    /// Starts a replay on a new connection: what to send again, in order. The committed utterances are expected, in
    /// order, to be the first items the new connection names.
    /// </summary>
    public ReplayPlan BeginReplay()
    {
        lock (_gate)
        {
            _reconnects++;
            _map.Clear();
            _seen.Clear();
            _expected.Clear();
            var utterances = new List<ReplayedUtterance>(_held.Count);
            long bytes = 0;
            foreach (var utterance in _held)
            {
                if (utterance.Committed)
                {
                    _expected.Enqueue(utterance);
                }

                utterances.Add(new ReplayedUtterance([.. utterance.Chunks], utterance.Bytes, utterance.Committed, utterance.ItemId));
                bytes += utterance.Bytes;
            }

            var dropped = _droppedBytes;
            _droppedBytes = 0;
            return new ReplayPlan(utterances, Duration(bytes), Duration(dropped));
        }
    }

    /// <summary>
    /// The caller's id for a server item id on a connection after a reconnect. The first new ids the connection names
    /// are the replayed committed utterances, in order; an id the caller was already given for another item is made
    /// unique. <paramref name="replayedCommit"/> is true when this id is a replay of a commit the caller already saw
    /// confirmed (its <see cref="Committed"/> is not shown twice).
    /// </summary>
    public string Remap(string serverId, out bool replayedCommit)
    {
        lock (_gate)
        {
            replayedCommit = false;
            if (_reconnects == 0)
            {
                return serverId;
            }

            if (_map.TryGetValue(serverId, out var known))
            {
                replayedCommit = known.WasConfirmed;
                return known.CallerId;
            }

            if (!_seen.Add(serverId))
            {
                return serverId;
            }

            Mapping mapping;
            if (_expected.TryDequeue(out var replayed))
            {
                mapping = replayed.ItemId is { } callerId ? new Mapping(callerId, true) : new Mapping(serverId, false);
                replayed.ItemId ??= serverId;
            }
            else
            {
                mapping = new Mapping(_issued.Contains(serverId) ? $"{serverId}~{_reconnects}" : serverId, false);
            }

            _map[serverId] = mapping;
            replayedCommit = mapping.WasConfirmed;
            return mapping.CallerId;
        }
    }

    /// <summary>Lets go of everything (the session is over).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _held.Clear();
            _expected.Clear();
            _bytes = 0;
        }
    }

    private TimeSpan Duration(long bytes) => TimeSpan.FromSeconds((double)bytes / _bytesPerSecond);

    private void Issue(string itemId)
    {
        if (_issued.Add(itemId))
        {
            _issuedOrder.Enqueue(itemId);
            if (_issuedOrder.Count > IssuedKept)
            {
                _issued.Remove(_issuedOrder.Dequeue());
            }
        }
    }

    private void Remove(int index)
    {
        _bytes -= _held[index].Bytes;
        _held.RemoveAt(index);
    }

    /// <summary>Past the bound, the oldest audio goes first; an utterance left with none is not replayed at all.</summary>
    private void Trim()
    {
        while (_bytes > _maxBytes && _held.Count > 0)
        {
            var oldest = _held[0];
            if (oldest.Chunks.Count == 0)
            {
                _held.RemoveAt(0);
                continue;
            }

            var excess = _bytes - _maxBytes;
            var first = oldest.Chunks[0];
            if (first.Length <= excess)
            {
                oldest.Chunks.RemoveAt(0);
                oldest.Bytes -= first.Length;
                _bytes -= first.Length;
                _droppedBytes += first.Length;
            }
            else
            {
                var cut = (int)excess + (int)(excess & 1);
                oldest.Chunks[0] = first.AsSpan(cut).ToArray();
                oldest.Bytes -= cut;
                _bytes -= cut;
                _droppedBytes += cut;
            }

            if (oldest.Chunks.Count == 0)
            {
                _held.RemoveAt(0);
            }
        }
    }

    private sealed class Utterance
    {
        public List<byte[]> Chunks { get; } = [];

        public long Bytes { get; set; }

        public bool Committed { get; set; }

        public string? ItemId { get; set; }
    }

    private readonly record struct Mapping(string CallerId, bool WasConfirmed);
}

/// <summary>What a reconnect sends again.</summary>
internal sealed record ReplayPlan(IReadOnlyList<ReplayedUtterance> Utterances, TimeSpan Audio, TimeSpan Dropped);

/// <summary>One utterance to send again: its audio, whether to commit it, and the caller's id for it when known.</summary>
internal sealed record ReplayedUtterance(IReadOnlyList<byte[]> Chunks, long Bytes, bool Committed, string? ItemId);
