using System.Collections;
using AudioSdk.Speech;

namespace AudioSdk.Tests.Http;

/// <summary>Chunks read as a stream (decoded SSE speech, mocks): small reads split a chunk, tokens and disposal reach the source.</summary>
public sealed class ChunkStreamTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ReadsSmallerThanAChunk_SplitIt_EmptyChunksAreSkipped_AndTheEndStaysTheEnd()
    {
        var source = new TrackedChunks([1, 2, 3], [], [4, 5]);
        await using var stream = await SpeechStream.FromChunks(source).OpenReadAsync();
        var buffer = new byte[2];
        var reads = new List<byte[]>();

        for (var n = await stream.ReadAsync(buffer); n > 0; n = await stream.ReadAsync(buffer))
        {
            reads.Add(buffer[..n]);
        }

        Assert.Equal([[1, 2], [3], [4, 5]], reads);
        Assert.Equal(0, await stream.ReadAsync(buffer));
        Assert.Equal(1, source.Enumerations);
    }

    [Fact]
    public async Task ACancelledToken_StopsAReadThatWouldWaitForTheNextChunk()
    {
        await using var stream = await SpeechStream.FromChunks(new TrackedChunks([1, 2])).OpenReadAsync();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.ReadAsync(new byte[4], cancelled.Token).AsTask());
        Assert.Equal(2, await stream.ReadAsync(new byte[4]));
    }

    [Fact]
    public async Task AReadCancelledWhileTheNextChunkIsAwaited_LeavesTheChunkForTheNextRead()
    {
        var gate = new GatedChunks();
        await using var stream = new AudioSdk.Internal.Http.ChunkReadStream(gate);
        using var mine = new CancellationTokenSource();
        var read = stream.ReadAsync(new byte[4], mine.Token).AsTask();
        Assert.False(read.IsCompleted);

        mine.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(Bound));
        gate.Release([7, 8]);

        var buffer = new byte[4];
        Assert.Equal(2, await stream.ReadAsync(buffer).AsTask().WaitAsync(Bound));
        Assert.Equal([7, 8], buffer[..2]);
        Assert.Equal(1, gate.Moves);
    }

    [Fact]
    public async Task SynchronousReads_AreRefused_WithTheAlternative()
    {
        await using var stream = await SpeechStream.FromChunks(new TrackedChunks([1])).OpenReadAsync();

        var ex = Assert.Throws<NotSupportedException>(() => stream.Read(new byte[4], 0, 4));

        Assert.Contains("ReadAsync", ex.Message, StringComparison.Ordinal);
        Assert.False(stream.CanSeek);
        Assert.True(stream.CanRead);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DisposingTheStream_InTheMiddle_DisposesTheChunkSource(bool asynchronously)
    {
        var source = new TrackedChunks([1, 2], [3]);
        var stream = await SpeechStream.FromChunks(source).OpenReadAsync();
        Assert.Equal(2, await stream.ReadAsync(new byte[2]).AsTask().WaitAsync(Bound));
        Assert.False(source.Disposed);

        if (asynchronously)
        {
            await stream.DisposeAsync();
        }
        else
        {
            stream.Dispose();
        }

        Assert.True(source.Disposed);
    }

    /// <summary>One chunk that arrives when the test releases it, then the end.</summary>
    private sealed class GatedChunks : IAsyncEnumerator<ReadOnlyMemory<byte>>
    {
        private readonly TaskCompletionSource<byte[]> _chunk = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _given;

        public int Moves { get; private set; }

        public ReadOnlyMemory<byte> Current { get; private set; }

        public void Release(byte[] chunk) => _chunk.SetResult(chunk);

        public async ValueTask<bool> MoveNextAsync()
        {
            Moves++;
            if (_given)
            {
                return false;
            }

            Current = await _chunk.Task;
            _given = true;
            return true;
        }

        public ValueTask DisposeAsync() => default;
    }

    /// <summary>Chunks whose enumerator says when it was disposed.</summary>
    private sealed class TrackedChunks(params byte[][] chunks) : IEnumerable<ReadOnlyMemory<byte>>
    {
        public bool Disposed { get; private set; }

        public int Enumerations { get; private set; }

        public IEnumerator<ReadOnlyMemory<byte>> GetEnumerator()
        {
            Enumerations++;
            return Enumerate();
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        private IEnumerator<ReadOnlyMemory<byte>> Enumerate()
        {
            try
            {
                foreach (var chunk in chunks)
                {
                    yield return chunk;
                }
            }
            finally
            {
                Disposed = true;
            }
        }
    }
}
