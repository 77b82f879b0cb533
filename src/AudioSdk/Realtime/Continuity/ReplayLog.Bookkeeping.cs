namespace AudioSdk.Realtime.Continuity;

internal sealed partial class ReplayLog
{
    /// <summary>Names the utterance an early event (a delta or speech start before the commit) belongs to.</summary>
    private void NameEarly(string itemId)
    {
        lock (_gate)
        {
            Issue(itemId);
            Name(itemId, commit: false);
        }
    }

    /// <summary>
    /// The held utterance <paramref name="itemId"/> belongs to: the one already named so; else the oldest committed one
    /// without a name; else the one under way (committed by the server when <paramref name="commit"/>).
    /// </summary>
    private Utterance? Name(string itemId, bool commit)
    {
        var known = _held.Find(u => u.ItemId == itemId);
        if (known is not null)
        {
            return known;
        }

        var unnamed = _held.Find(u => u.Committed && u.ItemId is null);
        if (unnamed is not null)
        {
            unnamed.ItemId = itemId;
            return unnamed;
        }

        if (_held.Count > 0 && _held[^1] is { Committed: false, Bytes: > 0, ItemId: null } open)
        {
            open.Committed = commit;
            open.ItemId = itemId;
            return open;
        }

        return null;
    }

    /// <summary>A server id as the caller may see it: itself, unless the caller was shown it already for another item.</summary>
    private string Unique(string serverId)
    {
        if (!_issued.Contains(serverId))
        {
            return serverId;
        }

        var candidate = $"{serverId}~{_reconnects}";
        for (var n = 2; _issued.Contains(candidate) || _map.Values.Any(m => m.CallerId == candidate); n++)
        {
            candidate = $"{serverId}~{_reconnects}.{n}";
        }

        return candidate;
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

        /// <summary>The caller has seen its <see cref="Realtime.Committed"/>.</summary>
        public bool Confirmed { get; set; }
    }

    private readonly record struct Mapping(string CallerId, bool WasConfirmed);
}
