namespace AudioSdk.Realtime.Continuity;

/// <summary>
/// What a reconnect needs: the audio of every utterance that has no final transcript yet (bounded), whether each was
/// committed and under which item id the caller knows it, and, on the connection after a reconnect, the map from the
/// server's new item ids to those ids. Appends, commits and clears are recorded by the send path before they go on the
/// wire; events are observed as they are published. Thread-safe.
/// </summary>
/// <remarks>
/// Servers number items per connection (Tinfoil: <c>item_000</c>, <c>item_001</c>, ...) and may send an utterance's
/// deltas before its commit. So every item id the caller has been shown, in any event, is remembered: an utterance named
/// by an early delta keeps that name through a replay, and a new server id that repeats one the caller has seen is
/// made unique with a <c>~n</c> suffix (<c>item_001~1</c>), never given to another utterance.
/// </remarks>
internal sealed partial class ReplayLog
{
    private const int IssuedKept = 4096;
    private readonly object _gate = new();
    private readonly List<Utterance> _held = [];
    private readonly Dictionary<string, Mapping> _map = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<Utterance> _expected = [];
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
                _expected.Remove(_held[^1]);
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
                _expected.Remove(_held[index]);
                Remove(index);
            }
        }
    }

    /// <summary>
    /// An event on its way to the caller (item ids already the caller's): every item id in it is remembered as shown; a
    /// commit names the oldest committed utterance without a name (or, with server-side turns, commits the one under way)
    /// and marks it confirmed; an early delta or a speech start names the utterance it belongs to; a final transcript or
    /// a failure lets its utterance go.
    /// </summary>
    public void Observe(RealtimeEvent evt)
    {
        switch (evt)
        {
            case Committed committed:
                lock (_gate)
                {
                    Issue(committed.ItemId);
                    var named = Name(committed.ItemId, commit: true);
                    if (named is not null)
                    {
                        named.Confirmed = true;
                    }
                }

                break;
            case TranscriptDelta { ItemId: { } id }:
                NameEarly(id);
                break;
            case SpeechStarted { ItemId: { } id }:
                NameEarly(id);
                break;
            case SpeechStopped { ItemId: { } id }:
                NameEarly(id);
                break;
            case TranscriptCompleted { ItemId: { } done }:
                lock (_gate)
                {
                    Issue(done);
                }

                Abandon(done);
                break;
            case TranscriptFailed { ItemId: { } failed }:
                lock (_gate)
                {
                    Issue(failed);
                }

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
                // Committed ones, and the one under way when the caller has seen its id: the new connection names them first.
                if (utterance.Committed || utterance.ItemId is not null)
                {
                    _expected.Add(utterance);
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
            if (_expected.Count > 0)
            {
                var replayed = _expected[0];
                _expected.RemoveAt(0);
                mapping = replayed.ItemId is { } callerId ? new Mapping(callerId, replayed.Confirmed) : new Mapping(Unique(serverId),
                    false);
                replayed.ItemId ??= mapping.CallerId;
            }
            else
            {
                mapping = new Mapping(Unique(serverId), false);
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
}

/// <summary>What a reconnect sends again.</summary>
internal sealed record ReplayPlan(IReadOnlyList<ReplayedUtterance> Utterances, TimeSpan Audio, TimeSpan Dropped);

/// <summary>One utterance to send again: its audio, whether to commit it, and the caller's id for it when known.</summary>
internal sealed record ReplayedUtterance(IReadOnlyList<byte[]> Chunks, long Bytes, bool Committed, string? ItemId);
