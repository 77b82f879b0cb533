using AudioSdk.Speech;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.Http;

/// <summary>
/// A server that puts the key where .NET's own HTTP parser quotes it: a header line without a colon, a trailer line,
/// a chunk-size line. The key must not reach the caller through those messages either, in any form.
/// </summary>
public sealed class SecretInFramingTests
{
    private const string Secret = "sk-framing-0123456789";
    private static readonly SpeechOptions Pcm = new() { Model = "tts-1", Voice = SpeechVoice.Nova, ResponseFormat = SpeechFormat.Pcm };
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private static AudioClient Client(RawHttpServer server, TimeSpan? idle = null) => server.CreateClient(Secret, idle: idle);

    private static RawHttpServer Answering(string response) => new(async x =>
    {
        await x.ReadBodyAsync();
        await x.WriteAsync(response);
    });

    private static void AssertNoSecret(Exception? error)
    {
        Assert.NotNull(error);
        var text = error!.ToString();
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(BitConverter.ToString(System.Text.Encoding.UTF8.GetBytes(Secret)), text, StringComparison.OrdinalIgnoreCase);
        for (var e = error; e is not null; e = e.InnerException)
        {
            Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AHeaderLineHoldingTheKey_IsATransportFailure_ThatDoesNotQuoteIt()
    {
        await using var server = Answering($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nAuthorization Bearer {Secret}\r\nContent-Length: 2\r\n\r\n{{}}");
        using var client = Client(server);

        var error = await Record.ExceptionAsync(() => client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2)), new TranscriptionOptions { Model = "whisper-1" }).WaitAsync(Bound));

        var http = Transport.Failure(error, timeout: false, typeof(HttpRequestException));
        Assert.Contains("invalid header line", http.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("***", http.Message, StringComparison.Ordinal);
        Assert.Equal(HttpRequestError.InvalidResponse, http.HttpRequestError);
        AssertNoSecret(error);
    }

    [Fact]
    public async Task AHeaderLineHoldingTheKey_BeforeAStreamedBody_IsNotQuotedEither()
    {
        await using var server = Answering($"HTTP/1.1 200 OK\r\nContent-Type: audio/pcm\r\nAuthorization Bearer {Secret}\r\nContent-Length: 5\r\n\r\nhello");
        using var client = Client(server);

        var error = await Record.ExceptionAsync(() => client.StreamSpeechAsync("Hi", Pcm).CopyToAsync(Stream.Null).WaitAsync(Bound));

        Transport.Failure(error, timeout: false, typeof(HttpRequestException));
        AssertNoSecret(error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ATrailerOrChunkLineHoldingTheKey_MidBody_IsATransportFailure_ThatDoesNotQuoteIt(bool chunkLine)
    {
        var framing = chunkLine ? $"5\r\nhello\r\n{Secret}\r\n" : $"5\r\nhello\r\n0\r\nX-Trailer: k\r\n{Secret}\r\n\r\n";
        await using var server = Answering("HTTP/1.1 200 OK\r\nContent-Type: audio/pcm\r\nTransfer-Encoding: chunked\r\n\r\n" + framing);
        using var client = Client(server, idle: Timeout.InfiniteTimeSpan);
        using var destination = new MemoryStream();

        var error = await Record.ExceptionAsync(() => client.StreamSpeechAsync("Hi", Pcm).CopyToAsync(destination).WaitAsync(Bound));

        Transport.Failure(error, timeout: false, typeof(IOException), typeof(HttpRequestException));
        AssertNoSecret(error);
    }
}
