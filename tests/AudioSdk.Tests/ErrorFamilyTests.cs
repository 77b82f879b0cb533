using AudioSdk.LongForm;
using AudioSdk.Realtime;
using AudioSdk.Security;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests;

public sealed class ErrorFamilyTests : ServerTest
{
    [Fact]
    public void EveryExceptionTheSdkRaisesOnPurpose_IsAnAudioSdkException()
    {
        var family = typeof(AudioClient).Assembly.GetExportedTypes()
            .Where(t => typeof(Exception).IsAssignableFrom(t))
            .ToList();

        Assert.Contains(typeof(AudioSdkException), family);
        Assert.All(family.Where(t => t != typeof(AudioSdkException) && t != typeof(AudioSdk.Audio.WavFormatException)), t => Assert.True(typeof(AudioSdkException).IsAssignableFrom(t), t.Name));
        Assert.True(typeof(FormatException).IsAssignableFrom(typeof(AudioSdk.Audio.WavFormatException)));
        Assert.Equal(
            [typeof(AttestationException), typeof(AudioServiceException), typeof(AudioTransportException), typeof(LongFormChunkException), typeof(RealtimeException), typeof(TlsPinMismatchException)],
            family.Where(t => t.BaseType == typeof(AudioSdkException)).OrderBy(t => t.Name));
    }

    [Fact]
    public async Task OneCatch_HandlesAServiceError_AndKeepsItsDetails()
    {
        Server.Enqueue(ScriptedResponse.Error(400, "invalid_value", "Bad model."));
        try
        {
            await Client.ListModelsAsync();
            Assert.Fail("no exception");
        }
        catch (AudioSdkException ex)
        {
            var service = Assert.IsType<AudioServiceException>(ex);
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, service.Status);
            Assert.Equal("invalid_value", service.Code);
            Assert.StartsWith("req_", service.RequestId);
        }
    }

    /// <summary>Every transport failure of the REST fault matrix, whole and streamed: one <c>catch (AudioSdkException)</c> handles it.</summary>
    public static TheoryData<string> TransportFaults => new() { "refused", "dropped", "garbage", "head-timeout", "short-body", "bad-chunk-streamed", "idle-streamed", "key-in-framing" };

    [Theory]
    [MemberData(nameof(TransportFaults))]
    public async Task OneCatch_HandlesEveryTransportFailure_WithItsCauseKept(string fault)
    {
        const string key = "sk-family-0123456789";
        await using var server = fault switch
        {
            "refused" => null,
            "head-timeout" => RawHttpServer.NeverAnswering(),
            _ => new RawHttpServer(async x =>
            {
                await x.ReadBodyAsync();
                switch (fault)
                {
                    case "dropped":
                        return;
                    case "garbage":
                        await x.WriteAsync("HTTP/9 what\r\n\r\n");
                        return;
                    case "short-body":
                        await x.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\nConnection: close\r\n\r\n{\"text\":\"par");
                        return;
                    case "bad-chunk-streamed":
                        await x.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: audio/pcm\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ;x\r\n");
                        await x.HangAsync();
                        return;
                    case "key-in-framing":
                        await x.WriteAsync($"HTTP/1.1 200 OK\r\nContent-Type: audio/pcm\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n{key}\r\n");
                        await x.HangAsync();
                        return;
                    default:
                        await x.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: audio/pcm\r\nConnection: close\r\n\r\nhello");
                        await x.HangAsync();
                        return;
                }
            }),
        };
        var endpoint = server?.Endpoint ?? ClosedPortEndpoint();
        using var client = new AudioClient(new AudioClientOptions
        {
            Endpoint = endpoint,
            ApiKey = key,
            Retry = AudioClientRetryOptions.None,
            NetworkTimeout = TimeSpan.FromSeconds(1),
            StreamIdleTimeout = TimeSpan.FromSeconds(1),
        });
        var streamed = fault.EndsWith("streamed", StringComparison.Ordinal) || fault == "key-in-framing";

        AudioSdkException? caught = null;
        try
        {
            if (streamed)
            {
                await client.StreamSpeechAsync("Hello", new() { Model = "tts-1", Voice = "alloy", ResponseFormat = AudioSdk.Speech.SpeechFormat.Pcm }).CopyToAsync(Stream.Null).WaitAsync(TimeSpan.FromSeconds(20));
            }
            else
            {
                await client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.1)), new AudioSdk.Transcriptions.TranscriptionOptions { Model = "whisper-1" }).WaitAsync(TimeSpan.FromSeconds(20));
            }
        }
        catch (AudioSdkException ex)
        {
            caught = ex;
        }

        var transport = Assert.IsType<AudioTransportException>(caught);
        Assert.Equal(fault is "head-timeout" or "idle-streamed", transport.IsTimeout);
        Assert.True(transport.InnerException is HttpRequestException or IOException or TimeoutException, transport.InnerException?.GetType().FullName);
        Assert.Equal(1, transport.Attempts);
        Assert.DoesNotContain(key, transport.ToString(), StringComparison.Ordinal);
    }

    private static Uri ClosedPortEndpoint()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/v1");
    }
}
