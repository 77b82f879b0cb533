using System.Text;
using AudioSdk.Speech;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Http;

/// <summary>
/// Raw speech handed over as a <see cref="Stream"/> (<see cref="SpeechStream.OpenReadAsync"/>), over a raw server that
/// sends the head and then only what each test says: cancellation by the reader's own token, the connection closed on
/// disposal, synchronous reads, and a head that never comes.
/// </summary>
public sealed class SpeechBodyStreamTests
{
    private const string Head = "HTTP/1.1 200 OK\r\nContent-Type: audio/pcm\r\nTransfer-Encoding: chunked\r\n\r\n";
    private static readonly SpeechOptions Pcm = new() { Model = "tts-1", Voice = SpeechVoice.Nova, ResponseFormat = SpeechFormat.Pcm };
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private static AudioClient Client(RawHttpServer server, TimeSpan? networkTimeout = null, int retries = 0) => server.CreateClient("sk-body", retries, networkTimeout);

    private static string Chunk(string text) => $"{Encoding.ASCII.GetByteCount(text):x}\r\n{text}\r\n";

    private static async Task<string> ReadExactlyAsync(Stream body, int count)
    {
        var buffer = new byte[count];
        await body.ReadExactlyAsync(buffer).AsTask().WaitAsync(Bound);
        return Encoding.ASCII.GetString(buffer);
    }

    [Fact]
    public async Task AReadWithTheReadersOwnToken_IsCancelledByIt_WhileTheBodyStalls()
    {
        await using var server = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync();
            await x.WriteAsync(Head + Chunk("abcd"));
            await x.HangAsync();
        });
        using var client = Client(server);
        await using var body = await client.StreamSpeechAsync("Hello", Pcm).OpenReadAsync().WaitAsync(Bound);
        Assert.Equal("abcd", await ReadExactlyAsync(body, 4));

        using var mine = new CancellationTokenSource();
        var read = body.ReadAsync(new byte[16], mine.Token).AsTask();
        await Task.Delay(100);
        Assert.False(read.IsCompleted);
        mine.Cancel();

        var error = await Record.ExceptionAsync(() => read.WaitAsync(Bound));
        Assert.IsAssignableFrom<OperationCanceledException>(error);
    }

    [Fact]
    public async Task AnSseBody_ReadWithTheReadersOwnToken_IsCancelledByIt_AndDisposingItThenClosesTheConnection()
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync();
            await x.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: {\"type\":\"speech.audio.delta\",\"audio\":\"YWJjZA==\"}\n\n");
            await x.WaitForPeerCloseAsync();
            closed.TrySetResult();
        });
        using var client = Client(server);
        var body = await client.StreamSpeechAsync("Hello", Pcm with { Model = "gpt-4o-mini-tts", StreamFormat = SpeechStreamFormat.Sse }).OpenReadAsync().WaitAsync(Bound);
        Assert.Equal("abcd", await ReadExactlyAsync(body, 4));

        using var mine = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var error = await Record.ExceptionAsync(() => body.ReadAsync(new byte[16], mine.Token).AsTask().WaitAsync(Bound));
        Assert.IsAssignableFrom<OperationCanceledException>(error);

        await body.DisposeAsync().AsTask().WaitAsync(Bound);
        await closed.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task DisposingTheBodyStream_InTheMiddleOfTheBody_ClosesTheConnection()
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync();
            await x.WriteAsync(Head + Chunk("abcd"));
            await x.WaitForPeerCloseAsync();
            closed.TrySetResult();
        });
        using var client = Client(server);
        var body = await client.StreamSpeechAsync("Hello", Pcm).OpenReadAsync().WaitAsync(Bound);
        Assert.Equal("abcd", await ReadExactlyAsync(body, 4));
        await Task.Delay(100);
        Assert.False(closed.Task.IsCompleted, "The connection closed while the body was still held.");

        body.Dispose();

        // The client may try to drain the rest for a moment; the server sends none, so the connection is closed.
        await closed.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task TheBodyStream_CanBeReadSynchronously_ToItsEnd()
    {
        await using var server = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync();
            await x.WriteAsync(Head + Chunk("hello ") + Chunk("world") + "0\r\n\r\n");
        });
        using var client = Client(server);
        await using var body = await client.StreamSpeechAsync("Hello", Pcm).OpenReadAsync().WaitAsync(Bound);

        using var reader = new StreamReader(body, Encoding.ASCII);
        var text = await Task.Run(reader.ReadToEnd).WaitAsync(Bound);

        Assert.Equal("hello world", text);
    }

    [Fact]
    public async Task ABlockingRead_OfAStalledBody_FailsAtTheIdleTimeout_LikeAnAsynchronousOne()
    {
        await using var server = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync();
            await x.WriteAsync(Head + Chunk("hello"));
            await x.HangAsync();
        });
        using var client = new AudioClient(new AudioClientOptions { Endpoint = server.Endpoint, ApiKey = "sk-body", Retry = AudioClientRetryOptions.None, StreamIdleTimeout = TimeSpan.FromSeconds(1) });
        await using var body = await client.StreamSpeechAsync("Hello", Pcm).OpenReadAsync().WaitAsync(Bound);
        var buffer = new byte[16];

        var first = await Task.Run(() => body.Read(buffer, 0, 16)).WaitAsync(Bound);
        var error = await Record.ExceptionAsync(() => Task.Run(() => body.Read(buffer, 0, 16)).WaitAsync(Bound));

        Assert.Equal("hello", Encoding.ASCII.GetString(buffer, 0, first));
        var timeout = Transport.Failure(error, timeout: true, typeof(TimeoutException));
        Assert.Contains("(StreamIdleTimeout)", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHeadThatNeverComes_EndsEachAttemptAtTheNetworkTimeout()
    {
        await using var server = RawHttpServer.NeverAnswering();
        using var client = Client(server, networkTimeout: TimeSpan.FromSeconds(1), retries: 1);

        var error = await Record.ExceptionAsync(() => client.StreamSpeechAsync("Hello", Pcm).OpenReadAsync().WaitAsync(Bound));

        var timeout = Transport.Failure(error, timeout: true, typeof(TimeoutException));
        Assert.Equal("POST audio/speech did not complete within the network timeout of 00:00:01. (2 attempts)", timeout.Message);
        Assert.Equal("POST audio/speech did not complete within the network timeout of 00:00:01.", timeout.InnerException!.Message);
        Assert.Equal(2, server.Attempts);
    }

    [Fact]
    public async Task CancellingWhileTheHeadIsAwaited_IsACancellation_NotATimeout()
    {
        await using var server = RawHttpServer.NeverAnswering();
        using var client = Client(server);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var error = await Record.ExceptionAsync(() => client.StreamSpeechAsync("Hello", Pcm).OpenReadAsync(cancel.Token).WaitAsync(Bound));

        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.Equal(1, server.Attempts);
    }
}
