using AudioSdk.Speech;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Http;

/// <summary>
/// A 200 speech answer with an empty raw body is never audio: every way of consuming a streamed speech answer fails
/// with <c>invalid_response</c> (status and request id kept), as the buffered <c>GenerateSpeechAsync</c> does, rather
/// than handing back silence.
/// </summary>
public sealed class EmptyStreamedSpeechTests
{
    private static readonly SpeechOptions Pcm = new() { Model = "tts-1", Voice = "alloy", ResponseFormat = SpeechFormat.Pcm };
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private static RawHttpServer Answering(string head) => new(async x =>
    {
        await x.ReadBodyAsync();
        await x.WriteAsync(head);
    });

    public static TheoryData<string> Ways => new() { "copy", "enumerate", "pooled", "open-read" };

    private static async Task<long> ConsumeAsync(SpeechStream stream, string way)
    {
        long total = 0;
        switch (way)
        {
            case "copy":
                return await stream.CopyToAsync(Stream.Null);
            case "enumerate":
                await foreach (var chunk in stream)
                {
                    total += chunk.Length;
                }

                return total;
            case "pooled":
                await foreach (var chunk in stream.ReadPooledChunksAsync())
                {
                    total += chunk.Length;
                }

                return total;
            default:
                await using (var body = await stream.OpenReadAsync())
                {
                    var buffer = new byte[4096];
                    int read;
                    while ((read = await body.ReadAsync(buffer)) > 0)
                    {
                        total += read;
                    }
                }

                return total;
        }
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task AnEmptyChunkedBody_IsInvalidResponse_WithTheRequestId(string way)
    {
        await using var server = Answering("HTTP/1.1 200 OK\r\nContent-Type: audio/pcm\r\nx-request-id: req_empty_1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n");
        using var client = server.CreateClient("sk-empty");

        var error = await Record.ExceptionAsync(() => ConsumeAsync(client.StreamSpeechAsync("Hello", Pcm), way).WaitAsync(Bound));

        var ex = Assert.IsType<AudioServiceException>(error);
        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
        Assert.Equal(System.Net.HttpStatusCode.OK, ex.Status);
        Assert.Equal("req_empty_1", ex.RequestId);
        Assert.Contains("empty body", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task AZeroLengthBody_IsInvalidResponse(string way)
    {
        await using var server = Answering("HTTP/1.1 200 OK\r\nContent-Type: audio/pcm\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        using var client = server.CreateClient("sk-empty");

        var error = await Record.ExceptionAsync(() => ConsumeAsync(client.StreamSpeechAsync("Hello", Pcm), way).WaitAsync(Bound));

        Assert.Equal(AudioErrorCodes.InvalidResponse, Assert.IsType<AudioServiceException>(error).Code);
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task OneByteOfAudio_IsHandedOver(string way)
    {
        await using var server = Answering("HTTP/1.1 200 OK\r\nContent-Type: audio/pcm\r\nContent-Length: 1\r\nConnection: close\r\n\r\nA");
        using var client = server.CreateClient("sk-empty");

        Assert.Equal(1, await ConsumeAsync(client.StreamSpeechAsync("Hello", Pcm), way).WaitAsync(Bound));
    }
}
