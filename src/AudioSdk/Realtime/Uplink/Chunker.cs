namespace AudioSdk.Realtime.Uplink;

/// <summary>Stage 5 of the uplink: wire PCM16 cut into messages of at most one chunk duration each (whole samples).</summary>
internal readonly struct Chunker(int chunkBytes)
{
    public int ChunkBytes { get; } = Math.Max(2, chunkBytes - (chunkBytes % 2));

    public Enumerator Split(ReadOnlyMemory<byte> pcm) => new(pcm, ChunkBytes);

    /// <summary>An allocation-free enumeration of the chunks, usable across awaits.</summary>
    public struct Enumerator(ReadOnlyMemory<byte> pcm, int size)
    {
        private int _offset = -size;

        public ReadOnlyMemory<byte> Current { get; private set; }

        public readonly Enumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            _offset += size;
            if (_offset >= pcm.Length)
            {
                return false;
            }

            Current = pcm.Slice(_offset, Math.Min(size, pcm.Length - _offset));
            return true;
        }
    }
}
