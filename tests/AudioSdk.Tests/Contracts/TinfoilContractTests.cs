using AudioSdk.Speech;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace AudioSdk.Tests.Contracts;

/// <summary>
/// Tinfoil's documented HTTP audio contract (OpenAI-compatible file transcription and TTS; only the base URL and key
/// change), replayed with WireMock.Net: its STT models, its TTS models with their voice sets, and speech that is always WAV.
/// Attested TLS pinning and realtime are covered by the Security and Realtime suites.
/// </summary>
public sealed class TinfoilContractTests : IDisposable
{
    private const string Key = "tk-tinfoil-0123456789";
    private readonly ContractServer _tinfoil = new();

    public void Dispose() => _tinfoil.Dispose();

    private IRequestBuilder Post(string path) =>
        Request.Create().WithPath("/v1/audio/" + path).UsingPost().WithHeader("Authorization", "Bearer " + Key);

    private static byte[] Wav => TestAudio.SineWav(0.05, 24000);

    [Theory]
    [InlineData("voxtral-small-24b")]
    [InlineData("whisper-large-v3-turbo")]
    public async Task FileTranscription_WithEitherModel_SendsModelAndFile_AndReadsText(string model)
    {
        _tinfoil.Server.Given(Post("transcriptions")).RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("{\"text\":\"Minutes of the meeting.\"}"));
        using var client = _tinfoil.Client(Key);
        var mp3 = new byte[] { 0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, 0xFF, 0xFB, 0x90, 0x64 };

        var result = await client.TranscribeAsync(AudioInput.FromBytes(mp3, "meeting.mp3"), new TranscriptionOptions { Model = model });

        Assert.Equal("Minutes of the meeting.", result.Text);
        var form = await ContractServer.FormAsync(_tinfoil.SingleRequest());
        Assert.Equal(model, form["model"]);
        Assert.Equal(("meeting.mp3", "audio/mpeg"), (form.File!.FileName, form.File.ContentType));
        Assert.Equal(mp3, form.File.Bytes);
    }

    [Fact]
    public async Task Speech_TheDocumentedExample_IsSentAsIs_AndTheAnswerIsWav()
    {
        _tinfoil.Server.Given(Post("speech").WithBody(new JsonMatcher(new { model = "qwen3-tts", voice = "serena", input = "Your audio never leaves the enclave." })))
            .RespondWith(Response.Create().WithHeader("Content-Type", "audio/wav").WithBody(Wav));
        using var client = _tinfoil.Client(Key);

        var result = await client.GenerateSpeechAsync("Your audio never leaves the enclave.", new SpeechOptions { Model = "qwen3-tts", Voice = SpeechVoice.Serena });

        _tinfoil.SingleRequest();
        Assert.Equal(Wav, result.Audio.ToArray());
        Assert.Equal("audio/wav", result.ContentType);
    }

    [Fact]
    public async Task Speech_WithoutAResponseFormat_SendsNone_SinceTinfoilDoesNotDocumentIt()
    {
        _tinfoil.Server.Given(Post("speech")).RespondWith(Response.Create().WithHeader("Content-Type", "audio/wav").WithBody(Wav));
        using var client = _tinfoil.Client(Key);

        await client.GenerateSpeechAsync("Hi.", new SpeechOptions { Model = "voxtral-tts", Voice = SpeechVoice.NeutralFemale });

        var body = ContractServer.Json(_tinfoil.SingleRequest());
        Assert.Equal(["model", "input", "voice"], body.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("audio/wav")]
    [InlineData("application/octet-stream")]
    [InlineData(null)]
    public async Task Speech_AskedForMp3_ButAnsweredWithWav_ReportsWav_NotWhatWasAsked(string? contentType)
    {
        // Tinfoil's TTS always answers WAV: the result's content type follows the response (or the bytes), never the request.
        var response = Response.Create().WithBody(Wav);
        if (contentType is not null)
        {
            response = response.WithHeader("Content-Type", contentType);
        }

        _tinfoil.Server.Given(Post("speech")).RespondWith(response);
        using var client = _tinfoil.Client(Key);

        var result = await client.GenerateSpeechAsync("Hi.", new SpeechOptions { Model = "qwen3-tts", Voice = SpeechVoice.Aiden, ResponseFormat = SpeechFormat.Mp3 });

        Assert.Equal("audio/wav", result.ContentType);
        Assert.Equal("mp3", ContractServer.Json(_tinfoil.SingleRequest()).GetProperty("response_format").GetString());
    }

    public static TheoryData<string, string> DocumentedVoices()
    {
        var data = new TheoryData<string, string>();
        foreach (var voice in "aiden, dylan, eric, ono_anna, ryan, serena, sohee, uncle_fu, vivian".Split(", "))
        {
            data.Add("qwen3-tts", voice);
        }

        foreach (var voice in ("neutral_female, neutral_male, casual_female, casual_male, cheerful_female, ar_male, de_female, de_male, es_female, es_male, " +
                               "fr_female, fr_male, hi_female, hi_male, it_female, it_male, nl_female, nl_male, pt_female, pt_male").Split(", "))
        {
            data.Add("voxtral-tts", voice);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DocumentedVoices))]
    public async Task Speech_EachModelsDocumentedVoice_IsABuiltInVoice_SentExactlyAsTinfoilSpellsIt(string model, string voice)
    {
        var builtIn = (model == "qwen3-tts" ? SpeechVoice.Qwen3TtsVoices : SpeechVoice.VoxtralTtsVoices).Single(v => v == voice);
        _tinfoil.Server.Given(Post("speech").WithBody(new JsonPartialMatcher(new { model, voice }, ignoreCase: false)))
            .RespondWith(Response.Create().WithHeader("Content-Type", "audio/wav").WithBody(Wav));
        using var client = _tinfoil.Client(Key);

        var result = await client.GenerateSpeechAsync("Hello.", new SpeechOptions { Model = model, Voice = builtIn });

        _tinfoil.SingleRequest();
        Assert.Equal("audio/wav", result.ContentType);
        Assert.Equal(voice, ContractServer.Json(_tinfoil.Log[0].RequestMessage).GetProperty("voice").GetString());
    }

    [Fact]
    public void Speech_TheBuiltInSetsAreExactlyTinfoilsDocumentedVoices()
    {
        Assert.Equal(DocumentedVoices().Where(r => (string)r[0] == "qwen3-tts").Select(r => (string)r[1]).Order(), SpeechVoice.Qwen3TtsVoices.Select(v => v.ToString()).Order());
        Assert.Equal(DocumentedVoices().Where(r => (string)r[0] == "voxtral-tts").Select(r => (string)r[1]).Order(), SpeechVoice.VoxtralTtsVoices.Select(v => v.ToString()).Order());
    }

    [Fact]
    public async Task Speech_WithoutTheVoiceTinfoilRequires_IsSentWithoutOne_AndTinfoilsRefusalKeepsItsStatusAndMessage()
    {
        // Tinfoil requires voice; its error body is not documented, so the stub uses OpenAI's error object.
        _tinfoil.Server.Given(Post("speech")).RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
            .WithBody("{\"error\":{\"message\":\"voice is required\",\"type\":\"invalid_request_error\",\"param\":\"voice\",\"code\":null}}"));
        using var client = _tinfoil.Client(Key);

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => client.GenerateSpeechAsync("Hi.", new SpeechOptions { Model = "qwen3-tts" }));

        Assert.Equal((System.Net.HttpStatusCode.BadRequest, "voice"), (ex.Status, ex.Param));
        Assert.Contains("voice is required", ex.Message, StringComparison.Ordinal);
        Assert.False(ContractServer.Json(_tinfoil.SingleRequest()).TryGetProperty("voice", out _));
    }
}
