using System.Security.Cryptography;
using AudioSdk.Security.Ehbp;

namespace AudioSdk.Tests.Security.Ehbp;

/// <summary>The request writer's overlapped frames: in order, opened whole, a failed write surfaced, no buffer returned under a write.</summary>
public sealed class EhbpFrameWriterTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Nonce = RandomNumberGenerator.GetBytes(12);

    [Fact]
    public async Task OverlappedWrites_KeepTheFramesInOrder_AndTheBodyOpensWhole()
    {
        var body = RandomNumberGenerator.GetBytes((EhbpProtocol.RequestFramePlaintext * 7) + 1234);
        var sink = new SlowStream();
        var writer = new EhbpFrameWriter(sink, new FrameCipher(Key, Nonce), EhbpProtocol.RequestFramePlaintext, overlapWrites: true);
        await using (writer)
        {
            await writer.WriteAsync(body.AsMemory(0, 100));
            for (var at = 100; at < body.Length; at += EhbpProtocol.RequestFramePlaintext)
            {
                await writer.WriteAsync(body.AsMemory(at, Math.Min(EhbpProtocol.RequestFramePlaintext, body.Length - at)));
            }

            await writer.CompleteAsync(default);
        }

        var reader = new EhbpFrameReader(new MemoryStream(sink.ToArray()), new FrameCipher(Key, Nonce), reason => new InvalidDataException(reason));
        var opened = new MemoryStream();
        await reader.CopyToAsync(opened);

        Assert.Equal(body, opened.ToArray());
        Assert.Equal(1, sink.MaxInFlight);
    }

    [Fact]
    public async Task AFailedWrite_SurfacesAtTheNextWriteOrAtCompletion()
    {
        var sink = new SlowStream { FailAtWrite = 2 };
        var writer = new EhbpFrameWriter(sink, new FrameCipher(Key, Nonce), EhbpProtocol.RequestFramePlaintext, overlapWrites: true);
        var block = new byte[EhbpProtocol.RequestFramePlaintext];

        var ex = await Assert.ThrowsAsync<IOException>(async () =>
        {
            for (var i = 0; i < 5; i++)
            {
                await writer.WriteAsync(block);
            }

            await writer.CompleteAsync(default);
        });

        Assert.Equal("write 2 failed", ex.Message);
        await writer.DisposeAsync();
        Assert.Equal(2, sink.Writes);
    }

    /// <summary>A sink whose writes take a moment and may fail, counting writes in flight at once.</summary>
    private sealed class SlowStream : MemoryStream
    {
        private int _inFlight;

        public int FailAtWrite { get; init; } = int.MaxValue;

        public int MaxInFlight { get; private set; }

        public int Writes { get; private set; }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var now = Interlocked.Increment(ref _inFlight);
            MaxInFlight = Math.Max(MaxInFlight, now);
            try
            {
                await Task.Delay(5, cancellationToken);
                if (++Writes == FailAtWrite)
                {
                    throw new IOException($"write {Writes} failed");
                }

                await base.WriteAsync(buffer, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }
}
