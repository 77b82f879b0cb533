using System.Net;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.Http;

public sealed class ErrorTests : ServerTest
{
    private Task<Transcription> Transcribe(AudioClient? client = null) =>
        (client ?? Client).TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(1)), new TranscriptionOptions { Model = "whisper-1" });

    [Theory]
    [InlineData(413, AudioErrorCodes.FileTooLarge, "file")]
    [InlineData(400, AudioErrorCodes.UnsupportedFileType, "file")]
    [InlineData(400, AudioErrorCodes.InvalidFile, "file")]
    [InlineData(502, AudioErrorCodes.UpstreamError, null)]
    [InlineData(429, AudioErrorCodes.RateLimitExceeded, null)]
    public async Task ServiceError_KeepsStatusCodeTypeParamAndRequestId(int status, string code, string? param)
    {
        Server.Enqueue(ScriptedResponse.Error(status, code, "Something specific.", "invalid_request_error", param));

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => Transcribe());

        Assert.Equal((HttpStatusCode)status, ex.Status);
        Assert.Equal(code, ex.Code);
        Assert.Equal("invalid_request_error", ex.ErrorType);
        Assert.Equal(param, ex.Param);
        Assert.Equal(Server.Requests[0].Id, ex.RequestId);
        Assert.Contains("Something specific.", ex.Message);
        Assert.Contains(code, ex.Message);
        Assert.Contains(Server.Requests[0].Id, ex.Message);
        Assert.Contains("\"code\":\"" + code + "\"", ex.RawBody);
        Assert.Equal(ex.RequestId, ex.Metadata!.RequestId);
    }

    [Fact]
    public async Task RealServerValidation_UnsupportedFileType()
    {
        var ex = await Assert.ThrowsAsync<AudioServiceException>(() =>
            Client.TranscribeAsync(AudioInput.FromBytes(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, "notes.txt"), new TranscriptionOptions { Model = "whisper-1" }));
        Assert.Equal(AudioErrorCodes.UnsupportedFileType, ex.Code);
        Assert.Equal("file", ex.Param);
        Assert.Equal("application/octet-stream", Server.Requests[0].Audio!.ContentType);
    }

    [Fact]
    public async Task HtmlBody_FromAProxy_GivesAReadableMessage()
    {
        Server.Enqueue(new ScriptedResponse { Status = 502, ContentType = "text/html", Body = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>" });

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => Transcribe());

        Assert.Equal(HttpStatusCode.BadGateway, ex.Status);
        Assert.Null(ex.Code);
        Assert.Contains("HTML page titled '502 Bad Gateway'", ex.Message);
        Assert.StartsWith("<html>", ex.RawBody);
    }

    [Fact]
    public async Task EmptyBody_SaysSo()
    {
        Server.Enqueue(new ScriptedResponse { Status = 503 });
        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => Transcribe());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.Status);
        Assert.Contains("no body", ex.Message);
        Assert.Null(ex.RawBody);
    }

    [Theory]
    [InlineData("{\"error\":\"model not loaded\",\"code\":400}", "model not loaded", "400")]
    [InlineData("{\"detail\":\"Field required\"}", "Field required", null)]
    [InlineData("{\"message\":\"bad audio\",\"type\":\"BadRequestError\",\"code\":\"invalid_audio\"}", "bad audio", "invalid_audio")]
    [InlineData("plain text failure", "plain text failure", null)]
    public async Task OtherErrorShapes_AreUnderstood(string body, string message, string? code)
    {
        Server.Enqueue(new ScriptedResponse { Status = 400, Body = body });
        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => Transcribe());
        Assert.Contains(message, ex.Message);
        Assert.Equal(code, ex.Code);
    }

    [Fact]
    public async Task RawBody_IsCapped()
    {
        Server.Enqueue(new ScriptedResponse { Status = 500, ContentType = "text/plain", Body = new string('x', 100_000) });
        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => Transcribe());
        Assert.Equal(16 * 1024, ex.RawBody!.Length);
        Assert.True(ex.Message.Length < 400);
    }

    [Fact]
    public async Task ApiKey_NeverAppearsInErrorsEvenWhenEchoed()
    {
        Server.Enqueue(new ScriptedResponse { Status = 400, Body = "{\"error\":{\"message\":\"bad header Bearer " + ApiKey + "\",\"type\":\"x\"}}" });
        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => Transcribe());
        Assert.DoesNotContain(ApiKey, ex.ToString());
        Assert.DoesNotContain(ApiKey, ex.RawBody);
        Assert.DoesNotContain(ApiKey, ex.Metadata!.Headers.SelectMany(h => h.Value));
    }

    [Fact]
    public async Task WrongKey_Is401WithCode()
    {
        using var client = CreateClient(o => o.ApiKey = "sk-wrong");
        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => Transcribe(client));
        Assert.Equal(HttpStatusCode.Unauthorized, ex.Status);
        Assert.Equal(AudioErrorCodes.InvalidApiKey, ex.Code);
        Assert.False(ex.IsTransient);
        Assert.DoesNotContain("sk-wrong", ex.ToString());
    }

    [Fact]
    public async Task ProviderHeaders_AreInMetadata_OnSuccessAndError()
    {
        Server.Options.ResponseHeaders["X-Tresor-Routed-Model"] = "whisper-large-v3-turbo";
        Server.Options.ResponseHeaders["X-Tresor-Receipt-Id"] = "rcpt_42";
        Server.Options.ResponseHeaders["openai-processing-ms"] = "1234";

        var t = await Transcribe();
        Assert.Equal("whisper-large-v3-turbo", t.Metadata.RoutedModel);
        Assert.Equal("rcpt_42", t.Metadata.ReceiptId);
        Assert.Equal(TimeSpan.FromMilliseconds(1234), t.Metadata.ProcessingTime);
        Assert.Equal("application/json", t.Metadata.GetHeader("content-type"));
        Assert.DoesNotContain(t.Metadata.Headers.Keys, k => k.Equals("Authorization", StringComparison.OrdinalIgnoreCase));

        Server.Enqueue(ScriptedResponse.Error(500, "upstream_error"));
        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => Transcribe());
        Assert.Equal("rcpt_42", ex.Metadata!.ReceiptId);
    }

    [Fact]
    public async Task DroppedConnection_WithoutRetries_IsAnIOFailure()
    {
        Server.Enqueue(new ScriptedResponse { DropConnection = true });
        var ex = await Record.ExceptionAsync(() => Transcribe());
        Transport.Failure(ex, timeout: false, typeof(HttpRequestException), typeof(IOException));
    }

    [Fact]
    public async Task RequestHeaders_CarryOrganizationProjectDefaultsAndUserAgent()
    {
        using var client = CreateClient(o =>
        {
            o.Organization = "org-1";
            o.Project = "proj-1";
            o.ApplicationId = "MyApp/2.0";
            o.DefaultHeaders["X-Tenant"] = "blue";
        });
        await Transcribe(client);

        var request = Server.Requests[0];
        Assert.Equal("org-1", request.GetHeader("OpenAI-Organization"));
        Assert.Equal("proj-1", request.GetHeader("OpenAI-Project"));
        Assert.Equal("blue", request.GetHeader("X-Tenant"));
        Assert.StartsWith("MyApp/2.0 AudioSdk/", request.GetHeader("User-Agent"));
    }

    [Fact]
    public async Task ADefaultHeader_ReplacesTheClientsOwn_RatherThanAddingASecondValue()
    {
        await using var open = await AudioTestServer.StartAsync();
        var options = new AudioClientOptions { Endpoint = open.Endpoint, ApiKey = "sk-replaced", Organization = "org-1" };
        options.DefaultHeaders["Authorization"] = "Basic dXNlcjpwYXNz";
        options.DefaultHeaders["User-Agent"] = "gateway-client/3";
        options.DefaultHeaders["OpenAI-Organization"] = "org-2";
        using var client = new AudioClient(options);
        await client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2), "a.wav"), new TranscriptionOptions { Model = "whisper-1" });

        var request = open.Requests[0];
        Assert.Equal("Basic dXNlcjpwYXNz", request.GetHeader("Authorization"));
        Assert.Equal("gateway-client/3", request.GetHeader("User-Agent"));
        Assert.Equal("org-2", request.GetHeader("OpenAI-Organization"));
    }

    [Fact]
    public async Task WithoutAKey_NoAuthorizationIsSent_AndWithoutOrganizationOrProject_NeitherHeaderIs()
    {
        await using var open = await AudioTestServer.StartAsync();
        using var client = new AudioClient(new AudioClientOptions { Endpoint = open.Endpoint, ApiKey = null });
        await client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2), "a.wav"), new TranscriptionOptions { Model = "whisper-1" });

        var request = open.Requests[0];
        Assert.Null(request.GetHeader("Authorization"));
        Assert.Null(request.GetHeader("OpenAI-Organization"));
        Assert.Null(request.GetHeader("OpenAI-Project"));
        Assert.StartsWith("AudioSdk/", request.GetHeader("User-Agent"));
    }
}
