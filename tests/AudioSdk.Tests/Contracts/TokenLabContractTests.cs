using System.Net;
using AudioSdk.Models;
using AudioSdk.Speech;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace AudioSdk.Tests.Contracts;

/// <summary>
/// TokenLab's documented audio contract, replayed with WireMock.Net: the <c>recommended_for</c> model catalog and model
/// details, the bearer key on every call, request ids kept for support, and its advice that synchronous calls need a
/// generous timeout. TokenLab's page has no parameter tables and no catalog or error bodies: those follow OpenAI's schema.
/// </summary>
public sealed class TokenLabContractTests : IDisposable
{
    private const string Key = "sk-tokenlab-0123456789";
    private readonly ContractServer _tokenLab = new();

    public void Dispose() => _tokenLab.Dispose();

    private IRequestBuilder Call(string path, string method = "POST") =>
        Request.Create().WithPath("/v1/" + path).UsingMethod(method).WithHeader("Authorization", "Bearer " + Key);

    // OpenAI's ListModelsResponse shape: TokenLab does not describe the catalog's body.
    private static string Catalog(params string[] ids) =>
        "{\"object\":\"list\",\"data\":[" + string.Join(",", ids.Select(id => $"{{\"id\":\"{id}\",\"object\":\"model\",\"created\":1735689600,\"owned_by\":\"tokenlab\"}}")) + "]}";

    [Theory]
    [InlineData("tts", "tts-1-hd")]
    [InlineData("stt", "whisper-1")]
    public async Task ModelDiscovery_AsksForTheRecommendedShortlist_AndReadsIt(string purpose, string recommended)
    {
        _tokenLab.Server.Given(Call("models", "GET").WithParam("recommended_for", purpose))
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithHeader("x-request-id", "req_models_1").WithBody(Catalog(recommended, "gpt-realtime")));
        using var client = _tokenLab.Client(Key);

        var models = await client.ListModelsAsync(purpose == "tts" ? ModelPurpose.TextToSpeech : ModelPurpose.SpeechToText);

        var request = _tokenLab.SingleRequest();
        Assert.Equal("GET", request.Method);
        Assert.Equal([recommended, "gpt-realtime"], models.Select(m => m.Id));
        Assert.Equal("tokenlab", models[0].OwnedBy);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1735689600), models[0].CreatedAt);
        Assert.Equal("req_models_1", models.Metadata.RequestId);
    }

    [Fact]
    public async Task ModelDetails_AreLookedUpBeforeARealtimeSocketIsOpened()
    {
        // TokenLab names no details endpoint: OpenAI's GET /v1/models/{model}. Fields TokenLab adds stay readable.
        _tokenLab.Server.Given(Call("models/gpt-realtime", "GET")).RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
            .WithBody("{\"id\":\"gpt-realtime\",\"object\":\"model\",\"created\":1735689600,\"owned_by\":\"tokenlab\",\"capabilities\":{\"realtime\":true}}"));
        using var client = _tokenLab.Client(Key);

        var model = await client.GetModelAsync("gpt-realtime");

        _tokenLab.SingleRequest();
        Assert.Equal("gpt-realtime", model.Id);
        Assert.True(model.AdditionalProperties["capabilities"].GetProperty("realtime").GetBoolean());
    }

    [Fact]
    public async Task Speech_TheDocumentedBody_IsSent_AndTheAnswerKeepsItsRequestId()
    {
        _tokenLab.Server.Given(Call("audio/speech").WithHeader("Content-Type", "application/json*")
                .WithBody(new JsonMatcher(new { model = "tts-1-hd", voice = "nova", input = "Welcome to TokenLab." })))
            .RespondWith(Response.Create().WithHeader("Content-Type", "audio/mpeg").WithHeader("x-request-id", "req_speech_42").WithBody([0xFF, 0xFB, 0x90, 0x64]));
        using var client = _tokenLab.Client(Key);

        var result = await client.GenerateSpeechAsync("Welcome to TokenLab.", new SpeechOptions { Model = "tts-1-hd", Voice = SpeechVoice.Nova });

        _tokenLab.SingleRequest();
        Assert.Equal(("audio/mpeg", "req_speech_42"), (result.ContentType, result.Metadata.RequestId));
    }

    [Fact]
    public async Task TranscriptionAndTranslation_KeepTheRequestId_OnSuccessAndOnFailure()
    {
        _tokenLab.Server.Given(Call("audio/transcriptions")).RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithHeader("x-request-id", "req_stt_7").WithBody("{\"text\":\"ok\"}"));
        _tokenLab.Server.Given(Call("audio/translations")).RespondWith(Response.Create().WithStatusCode(500).WithHeader("Content-Type", "application/json").WithHeader("x-request-id", "req_tr_9")
            .WithBody("{\"error\":{\"message\":\"internal\",\"type\":\"server_error\",\"code\":null}}"));
        using var client = _tokenLab.Client(Key);
        var audio = AudioInput.FromBytes(TestAudio.SineWav(0.1), "clip.wav");

        var transcription = await client.TranscribeAsync(audio, new TranscriptionOptions { Model = "whisper-1" });
        var error = await Assert.ThrowsAsync<AudioServiceException>(() => client.TranslateAsync(audio, new TranslationOptions { Model = "whisper-1" }));

        Assert.Equal("req_stt_7", transcription.Metadata.RequestId);
        Assert.Equal((HttpStatusCode.InternalServerError, "req_tr_9"), (error.Status, error.RequestId));
        var translation = await ContractServer.FormAsync(_tokenLab.Log[1].RequestMessage);
        Assert.Equal(("whisper-1", "json"), (translation["model"], translation["response_format"]));
        Assert.Equal(2, _tokenLab.Log.Count);
    }

    [Fact]
    public void LongSynchronousCalls_HaveAGenerousDefaultTimeout()
    {
        // TokenLab: large inputs can exceed common client defaults (HttpClient's is 100 seconds), so set a generous one.
        Assert.True(new AudioClientOptions().NetworkTimeout >= TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task ASlowSynchronousAnswer_WithinTheTimeout_Completes()
    {
        _tokenLab.Server.Given(Call("audio/transcriptions")).RespondWith(Response.Create().WithDelay(TimeSpan.FromSeconds(2))
            .WithHeader("Content-Type", "application/json").WithBody("{\"text\":\"worth the wait\"}"));
        using var client = _tokenLab.Client(Key, networkTimeout: TimeSpan.FromSeconds(30));

        var result = await client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.1)), new TranscriptionOptions { Model = "whisper-1" });

        Assert.Equal("worth the wait", result.Text);
    }

    [Fact]
    public async Task AnAnswerSlowerThanTheTimeout_IsTheSdksTimeout_NamingTheSetting()
    {
        _tokenLab.Server.Given(Call("audio/transcriptions")).RespondWith(Response.Create().WithDelay(TimeSpan.FromSeconds(5))
            .WithHeader("Content-Type", "application/json").WithBody("{\"text\":\"too late\"}"));
        using var client = _tokenLab.Client(Key, networkTimeout: TimeSpan.FromSeconds(1));

        var error = await Record.ExceptionAsync(() => client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.1)), new TranscriptionOptions { Model = "whisper-1" }).WaitAsync(TimeSpan.FromSeconds(30)));

        var timeout = Transport.Failure(error, timeout: true, typeof(TimeoutException));
        Assert.Contains("network timeout", timeout.Message, StringComparison.Ordinal);
    }
}
