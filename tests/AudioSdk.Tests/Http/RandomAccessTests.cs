using AudioSdk.Internal.Http;

namespace AudioSdk.Tests.Http;

/// <summary>
/// Positional reads of an input's bytes (memory, a file, a caller's stream) and the chunk uploads built on them: the
/// ranges long-form transcription sends in parallel.
/// </summary>
public sealed class RandomAccessTests
{
    private static readonly byte[] Bytes = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();

    private static byte[] Range(int from, int count) => Bytes.AsSpan(from, count).ToArray();

    [Fact]
    public async Task ARange_IsCutAtTheEnd_AndPastTheEndIsEmpty()
    {
        var audio = new MemoryRandomAccess(Bytes);

        Assert.Equal(Range(10, 5), await audio.ReadRangeAsync(10, 5, default));
        Assert.Equal(Range(90, 10), await audio.ReadRangeAsync(90, 20, default));
        Assert.Empty(await audio.ReadRangeAsync(100, 5, default));
        Assert.Empty(await audio.ReadRangeAsync(150, 5, default));
        Assert.Equal(5, await audio.ReadAtAsync(95, new byte[10], default));
        Assert.Equal(0, await audio.ReadAtAsync(100, new byte[10], default));
    }

    [Fact]
    public async Task ARange_IsFilledAcrossShortReads_AndEndsWhereTheSourceRunsOut()
    {
        var trickle = new TrickleAccess(Bytes, declaredLength: 100, perRead: 3);
        Assert.Equal(Range(20, 10), await trickle.ReadRangeAsync(20, 10, default));
        Assert.Equal(4, trickle.Reads);

        // It says 100 bytes but has 60: the range holds what there was, without waiting for more.
        var shortSource = new TrickleAccess(Bytes[..60], declaredLength: 100, perRead: 7);
        var range = await shortSource.ReadRangeAsync(50, 20, default).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Range(50, 10), range);
    }

    [Fact]
    public async Task AFile_IsReadAtAnyOffset_AndClosedOnDisposal_AndDeletedOnlyWhenItIsTheClients()
    {
        var kept = Path.GetTempFileName();
        var temporary = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(kept, Bytes);
            await File.WriteAllBytesAsync(temporary, Bytes);
            var caller = new FileRandomAccess(kept);
            var owned = new FileRandomAccess(temporary, deleteOnDispose: true);

            Assert.Equal(100, caller.Length);
            Assert.Equal(kept, caller.FilePath);
            Assert.Equal(Range(40, 8), await caller.ReadRangeAsync(40, 8, default));
            Assert.Equal(Range(96, 4), await owned.ReadRangeAsync(96, 10, default));

            await caller.DisposeAsync();
            await owned.DisposeAsync();

            Assert.True(File.Exists(kept));
            Assert.False(File.Exists(temporary));
            await Assert.ThrowsAsync<ObjectDisposedException>(() => caller.ReadAtAsync(0, new byte[4], default).AsTask());
        }
        finally
        {
            File.Delete(kept);
            File.Delete(temporary);
        }
    }

    [Fact]
    public async Task ACallersStream_IsReadFromWhereItStood_WithinItsLength()
    {
        var audio = new StreamRandomAccess(new MemoryStream(Bytes), start: 10);

        Assert.Equal(90, audio.Length);
        Assert.Equal(Range(10, 5), await audio.ReadRangeAsync(0, 5, default));
        Assert.Equal(Range(95, 5), await audio.ReadRangeAsync(85, 10, default));
        Assert.Equal(0, await audio.ReadAtAsync(90, new byte[10], default));

        await audio.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => audio.ReadAtAsync(0, new byte[4], default).AsTask());
    }

    [Fact]
    public async Task ACallersStream_IsReadOneRangeAtATime_SoParallelChunksGetTheirOwnBytes()
    {
        var inner = new OneReaderStream(Bytes);
        var audio = new StreamRandomAccess(inner, start: 0);

        var ranges = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => audio.ReadRangeAsync(i * 10, 10, default).AsTask())));

        Assert.False(inner.Overlapped, "Two reads ran on the stream at once.");
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(Range(i * 10, 10), ranges[i]);
        }
    }

    [Fact]
    public async Task AChunksUpload_IsItsHeader_ThenItsRange_InReadsOfAnySize_AsOftenAsItIsOpened()
    {
        var source = new RangeSource(new MemoryRandomAccess(Bytes), [0xAA, 0xBB, 0xCC], offset: 10, length: 5);
        Assert.Equal(8, source.Length);
        Assert.True(source.IsReplayable);

        for (var opening = 0; opening < 2; opening++)
        {
            await using var upload = await source.OpenAsync(default);
            Assert.Equal(8, upload.Length);
            Assert.False(upload.CanSeek);
            var reads = new List<byte[]>();
            var buffer = new byte[2];
            for (var n = await upload.ReadAsync(buffer); n > 0; n = await upload.ReadAsync(buffer))
            {
                reads.Add(buffer[..n]);
            }

            Assert.Equal([[0xAA, 0xBB], [0xCC], [10, 11], [12, 13], [14]], reads);
            Assert.Equal(8, upload.Position);
            Assert.Equal("Read asynchronously.", Assert.Throws<NotSupportedException>(() => upload.Read(new byte[2], 0, 2)).Message);
            Assert.Throws<NotSupportedException>(() => upload.Seek(0, SeekOrigin.Begin));
        }
    }

    /// <summary>Gives at most <c>perRead</c> bytes per read and may say it is longer than it is.</summary>
    private sealed class TrickleAccess(byte[] bytes, long declaredLength, int perRead) : RandomAccessAudio
    {
        public int Reads { get; private set; }

        public override long Length => declaredLength;

        public override ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
        {
            Reads++;
            var n = (int)Math.Max(0, Math.Min(Math.Min(buffer.Length, perRead), bytes.Length - offset));
            bytes.AsSpan((int)Math.Min(offset, bytes.Length), n).CopyTo(buffer.Span);
            return new(n);
        }
    }

    /// <summary>A seekable stream that notices when a second read starts before the first has finished.</summary>
    private sealed class OneReaderStream(byte[] bytes) : MemoryStream(bytes)
    {
        private int _reading;

        public bool Overlapped { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _reading) > 1)
            {
                Overlapped = true;
            }

            try
            {
                await Task.Delay(5, cancellationToken);
                return await base.ReadAsync(buffer, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _reading);
            }
        }
    }
}
