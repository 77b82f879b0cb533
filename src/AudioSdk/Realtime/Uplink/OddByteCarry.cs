namespace AudioSdk.Realtime.Uplink;

/// <summary>
/// Stage 1 of the uplink: PCM16 arrives in any byte counts, the wire takes whole samples. An odd trailing byte
/// waits for the next call of the same utterance; a commit or clear drops it, so it never shifts the next utterance.
/// </summary>
internal sealed class OddByteCarry
{
    private byte[] _joined = [];
    private byte? _carry;

    /// <summary>The whole samples of <paramref name="input"/>, after the byte carried from the last call (valid until the next
    /// call).</summary>
    public ReadOnlyMemory<byte> Take(ReadOnlyMemory<byte> input)
    {
        if (input.IsEmpty)
        {
            return input;
        }

        if (_carry is { } carried)
        {
            var length = checked(input.Length + 1);
            if (_joined.Length < length)
            {
                _joined = new byte[Math.Max(length, _joined.Length * 2)];
            }

            _joined[0] = carried;
            input.Span.CopyTo(_joined.AsSpan(1));
            input = _joined.AsMemory(0, length);
            _carry = null;
        }

        if (input.Length % 2 == 1)
        {
            _carry = input.Span[^1];
            input = input[..^1];
        }

        return input;
    }

    /// <summary>Ends the utterance: a dangling byte is dropped. Returns whether there was one.</summary>
    public bool Drop()
    {
        var had = _carry.HasValue;
        _carry = null;
        return had;
    }
}
