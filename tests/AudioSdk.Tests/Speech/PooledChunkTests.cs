using System.Runtime.InteropServices;
using AudioSdk.Speech;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Speech;

/// <summary>
/// <see cref="SpeechStream.ReadPooledChunksAsync"/> over a real socket: the bytes are the body's, every chunk reuses one
/// buffer (valid until the next move, as documented), cancellation and leaving the loop end the request, and plain
/// enumeration still yields chunks the caller may keep.
/// </summary>
public sealed class PooledChunkTests
{
    private static readonly SpeechOptions Pcm = new() { Model = "tts-1", Voice = SpeechVoice.Alloy, ResponseFormat = SpeechFormat.Pcm };

    [Fact]
    public async Task PooledChunks_AreTheBody_ByteForByte_ThroughOneReusedBuffer()
    {
        var body = Body(1 << 20, seed: 1);
        await using var server = new RawHttpServer(x => ServeAsync(x, body, pieces: 37));
        using var client = Client(server);

        var received = new MemoryStream();
        var arrays = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        var chunks = 0;
        var speech = client.StreamSpeechAsync("hello", Pcm);
        await foreach (var chunk in speech.ReadPooledChunksAsync())
        {
            Assert.InRange(chunk.Length, 1, 64 * 1024);
            Assert.True(MemoryMarshal.TryGetArray(chunk, out var segment));
            arrays.Add(segment.Array!);
            received.Write(chunk.Span);
            chunks++;
        }

        Assert.Equal(body, received.ToArray());
        Assert.True(chunks >= 16, $"{chunks} chunks");
        Assert.Single(arrays);
        Assert.Equal(200, (int)speech.Metadata!.Status);
        Assert.Equal("audio/pcm", speech.ContentType);
    }

    [Fact]
    public async Task APooledChunk_IsValidUntilTheNextMove_ThenTheBufferIsReused()
    {
        var body = Body(256 * 1024, seed: 2);
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync();
            await x.WriteAsync($"HTTP/1.1 200 OK\r\nContent-Type: audio/pcm\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
            await x.WriteAsync(body.AsMemory(0, 1000));
            await second.Task.WaitAsync(x.Stopping);
            await x.WriteAsync(body.AsMemory(1000));
        });
        using var client = Client(server);

        await using var chunks = client.StreamSpeechAsync("hello", Pcm).ReadPooledChunksAsync().GetAsyncEnumerator();
        Assert.True(await chunks.MoveNextAsync());
        var first = chunks.Current;
        Assert.Equal(body.AsSpan(0, first.Length).ToArray(), first.ToArray());
        var kept = first.ToArray();
        second.SetResult();

        Assert.True(await chunks.MoveNextAsync());
        var next = chunks.Current;
        Assert.Equal(body.AsSpan(first.Length, next.Length).ToArray(), next.ToArray());

        // The earlier chunk's memory now holds the later bytes: the copy taken in time is what stays valid.
        Assert.True(MemoryMarshal.TryGetArray(first, out var a) && MemoryMarshal.TryGetArray(next, out var b) && ReferenceEquals(a.Array, b.Array));
        var overlap = Math.Min(first.Length, next.Length);
        Assert.Equal(next[..overlap].ToArray(), first[..overlap].ToArray());
        Assert.NotEqual(kept[..overlap], first[..overlap].ToArray());
    }

    [Fact]
    public async Task PlainEnumeration_StillYieldsChunksTheCallerMayKeep()
    {
        var body = Body(512 * 1024, seed: 3);
        await using var server = new RawHttpServer(x => ServeAsync(x, body, pieces: 9));
        using var client = Client(server);

        var kept = new List<ReadOnlyMemory<byte>>();
        await foreach (var chunk in client.StreamSpeechAsync("hello", Pcm))
        {
            kept.Add(chunk);
        }

        Assert.Equal(body, kept.SelectMany(c => c.ToArray()).ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cancelling_EndsTheRequest_WithACancellation_AndClosesTheConnection(bool methodToken)
    {
        var body = Body(300 * 1024, seed: 4);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = PartThenWaitForClose(body, 100 * 1024, closed);
        using var client = Client(server);
        using var cancel = new CancellationTokenSource();

        var received = 0;
        var speech = client.StreamSpeechAsync("hello", Pcm);
        var chunks = speech.ReadPooledChunksAsync(methodToken ? cancel.Token : default).WithCancellation(methodToken ? default : cancel.Token);
        var error = await Record.ExceptionAsync(async () =>
        {
            await foreach (var chunk in chunks)
            {
                received += chunk.Length;
                if (received >= 100 * 1024)
                {
                    await cancel.CancelAsync();
                }
            }
        });

        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.Equal(100 * 1024, received);
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task LeavingTheLoop_ClosesTheConnection_AndTheStreamIsConsumedOnce()
    {
        var body = Body(300 * 1024, seed: 5);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = PartThenWaitForClose(body, 10 * 1024, closed);
        using var client = Client(server);

        var speech = client.StreamSpeechAsync("hello", Pcm);
        await foreach (var chunk in speech.ReadPooledChunksAsync())
        {
            Assert.Equal(body.AsSpan(0, chunk.Length).ToArray(), chunk.ToArray());
            break;
        }

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var again = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in speech.ReadPooledChunksAsync())
            {
            }
        });
        Assert.Contains("consumed once", again.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => speech.GetAsyncEnumerator());
    }

    /// <summary>Sends the head and the first bytes of the body, then waits until the client closes the connection.</summary>
    private static RawHttpServer PartThenWaitForClose(byte[] body, int sent, TaskCompletionSource closed) => new(async x =>
    {
        await x.ReadBodyAsync();
        await x.WriteAsync($"HTTP/1.1 200 OK\r\nContent-Type: audio/pcm\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await x.WriteAsync(body.AsMemory(0, sent));
        await x.WaitForPeerCloseAsync();
        closed.TrySetResult();
    });

    private static AudioClient Client(RawHttpServer server) => server.CreateClient("sk-test");

    private static byte[] Body(int length, int seed)
    {
        var body = new byte[length];
        new Random(seed).NextBytes(body);
        return body;
    }

    private static async Task ServeAsync(RawExchange x, byte[] body, int pieces)
    {
        await x.ReadBodyAsync();
        await x.WriteAsync($"HTTP/1.1 200 OK\r\nContent-Type: audio/pcm\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        var random = new Random(pieces);
        for (var offset = 0; offset < body.Length;)
        {
            var n = Math.Min(body.Length - offset, random.Next(1, 2 * body.Length / pieces));
            await x.WriteAsync(body.AsMemory(offset, n));
            offset += n;
        }
    }
}
