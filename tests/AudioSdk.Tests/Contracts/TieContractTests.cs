using AudioSdk.Speech;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace AudioSdk.Tests.Contracts;

/// <summary>
/// TIE's documented audio contract (stand-ins for OpenAI's endpoints, proxied to Whisper and OpenAI TTS), replayed with
/// WireMock.Net: the five transcription formats, the parameter table's defaults and limits, every TTS model, voice and
/// format, and the streamed speech body.
/// </summary>
public sealed class TieContractTests : IDisposable
{
    private const string Token = "tie-auth-token-0123";
    private const string Breakfast = "Hello, I'd like to log my breakfast. I had oatmeal with blueberries.";
    private readonly ContractServer _tie = new();

    public void Dispose() => _tie.Dispose();

    private IRequestBuilder Post(string path) =>
        Request.Create().WithPath("/v1/audio/" + path).UsingPost().WithHeader("Authorization", "Bearer " + Token);

    private static AudioInput Recording() => AudioInput.FromBytes(TestAudio.SineWav(0.2), "recording.webm", "audio/webm");

    [Fact]
    public async Task Transcription_TheDocumentedExample_SendsFileAndModel_AndReadsTheText()
    {
        _tie.Server.Given(Post("transcriptions")).RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody($"{{\"text\": \"{Breakfast}\"}}"));
        using var client = _tie.Client(Token);

        var result = await client.TranscribeAsync(Recording(), new TranscriptionOptions { Model = "whisper-1" });

        Assert.Equal(Breakfast, result.Text);
        var form = await ContractServer.FormAsync(_tie.SingleRequest());
        Assert.Equal("whisper-1", form["model"]);
        Assert.Equal(("file", "recording.webm", "audio/webm"), (form.File!.Name, form.File.FileName, form.File.ContentType));
        Assert.Equal(TestAudio.SineWav(0.2), form.File.Bytes);
    }

    [Fact]
    public async Task Transcription_WithoutAModel_SendsNoModelField_SoTieAppliesWhisper1()
    {
        // TIE documents model's default (whisper-1): the SDK leaves the field out rather than refusing the request.
        _tie.Server.Given(Post("transcriptions")).RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("{\"text\":\"defaulted\"}"));
        using var client = _tie.Client(Token);

        var result = await client.TranscribeAsync(Recording(), new TranscriptionOptions());

        Assert.Equal("defaulted", result.Text);
        var form = await ContractServer.FormAsync(_tie.SingleRequest());
        Assert.DoesNotContain("model", form.Names);
        Assert.Equal("json", form["response_format"]);
    }

    [Fact]
    public async Task Transcription_LanguagePromptAndTemperature_GoOutAsTheTablesFields()
    {
        _tie.Server.Given(Post("transcriptions")).RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("{\"text\":\"x\"}"));
        using var client = _tie.Client(Token);

        await client.TranscribeAsync(Recording(), new TranscriptionOptions { Model = "whisper-1", Language = "en", Prompt = "Meal log.", Temperature = 0.2f });

        var form = await ContractServer.FormAsync(_tie.SingleRequest());
        Assert.Equal(["model", "language", "prompt", "response_format", "temperature"], form.Names);
        Assert.Equal(("en", "Meal log.", "0.2"), (form["language"], form["prompt"], form["temperature"]));
    }

    [Fact]
    public async Task Transcription_TemperatureOutsideZeroToOne_IsRejectedBeforeSending()
    {
        using var client = _tie.Client(Token);

        await Assert.ThrowsAsync<ArgumentException>(() => client.TranscribeAsync(Recording(), new TranscriptionOptions { Model = "whisper-1", Temperature = 1.5f }));

        Assert.Empty(_tie.Log);
    }

    public static TheoryData<string, string, string, string> TextFormats => new()
    {
        // TIE names the formats; the bodies follow OpenAI's (TIE proxies to Whisper and shows no text, srt or vtt body).
        { "text", "text/plain; charset=utf-8", Breakfast + "\n", Breakfast + "\n" },
        { "srt", "text/plain; charset=utf-8", "1\n00:00:00,000 --> 00:00:02,500\n" + Breakfast + "\n\n", Breakfast },
        { "vtt", "text/vtt; charset=utf-8", "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\n" + Breakfast + "\n\n", Breakfast },
    };

    [Theory]
    [MemberData(nameof(TextFormats))]
    public async Task Transcription_TextSrtAndVtt_AreAskedForByName_AndReturnedAsTheBody(string format, string contentType, string body, string contains)
    {
        _tie.Server.Given(Post("transcriptions").WithHeader("Accept", "text/plain*"))
            .RespondWith(Response.Create().WithHeader("Content-Type", contentType).WithBody(body));
        using var client = _tie.Client(Token);

        var result = await client.TranscribeToTextAsync(Recording(), new TranscriptionOptions { Model = "whisper-1", ResponseFormat = new TranscriptionFormat(format) });

        Assert.Equal(body, result.Text);
        Assert.Contains(contains, result.Text, StringComparison.Ordinal);
        Assert.Equal(format, (await ContractServer.FormAsync(_tie.SingleRequest()))["response_format"]);
    }

    [Fact]
    public async Task Transcription_VerboseJson_ReadsTimestampsAndSegments()
    {
        // TIE says verbose_json adds timestamps and per-segment detail without listing fields: OpenAI's verbose schema.
        const string Verbose = """
            {"task":"transcribe","language":"english","duration":4.25,"text":"Hello there. Oatmeal.",
             "segments":[{"id":0,"seek":0,"start":0.0,"end":1.5,"text":" Hello there.","tokens":[1,2],"temperature":0.0,"avg_logprob":-0.2,"compression_ratio":1.1,"no_speech_prob":0.01},
                         {"id":1,"seek":0,"start":1.5,"end":4.25,"text":" Oatmeal.","tokens":[3],"temperature":0.0,"avg_logprob":-0.3,"compression_ratio":1.0,"no_speech_prob":0.02}]}
            """;
        _tie.Server.Given(Post("transcriptions")).RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(Verbose));
        using var client = _tie.Client(Token);

        var result = await client.TranscribeAsync(Recording(), new TranscriptionOptions { Model = "whisper-1", ResponseFormat = TranscriptionFormat.VerboseJson });

        Assert.Equal("verbose_json", (await ContractServer.FormAsync(_tie.SingleRequest()))["response_format"]);
        Assert.Equal(("english", TimeSpan.FromSeconds(4.25), "transcribe"), (result.Language, result.Duration, result.Task));
        Assert.Equal(2, result.Segments.Count);
        Assert.Equal((TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(4.25), " Oatmeal."), (result.Segments[1].Start, result.Segments[1].End, result.Segments[1].Text));
    }

    [Fact]
    public async Task Speech_TheDocumentedExample_IsTheJsonBody_AndTheAudioComesBackAsMpeg()
    {
        const string Input = "Great job logging your meals today! You hit your protein target.";
        var mp3 = new byte[] { 0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, 1, 2, 3 };
        _tie.Server.Given(Post("speech").WithHeader("Content-Type", "application/json*")
                .WithBody(new JsonMatcher(new { model = "gpt-4o-mini-tts", input = Input, voice = "nova" })))
            .RespondWith(Response.Create().WithHeader("Content-Type", "audio/mpeg").WithBody(mp3));
        using var client = _tie.Client(Token);

        var result = await client.GenerateSpeechAsync(Input, new SpeechOptions { Model = "gpt-4o-mini-tts", Voice = SpeechVoice.Nova });

        _tie.SingleRequest();
        Assert.Equal(mp3, result.Audio.ToArray());
        Assert.Equal("audio/mpeg", result.ContentType);
    }

    [Fact]
    public async Task Speech_WithoutModelOrVoice_SendsOnlyTheInput_SoTieAppliesItsDefaults()
    {
        // TIE defaults model (gpt-4o-mini-tts) and voice (alloy): the SDK leaves both out instead of refusing.
        _tie.Server.Given(Post("speech").WithBody(new JsonMatcher(new { input = "Defaults, please." })))
            .RespondWith(Response.Create().WithHeader("Content-Type", "audio/mpeg").WithBody([0xFF, 0xFB, 0x90, 0x64]));
        using var client = _tie.Client(Token);

        var result = await client.GenerateSpeechAsync("Defaults, please.", new SpeechOptions());

        var body = ContractServer.Json(_tie.SingleRequest());
        Assert.Equal(["input"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(4, result.Audio.Length);
    }

    public static TheoryData<string> TieVoices => new() { "alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse" };

    [Theory]
    [MemberData(nameof(TieVoices))]
    public async Task Speech_EveryDocumentedVoice_IsSentByName_OnEveryModel(string voice)
    {
        foreach (var model in new[] { "gpt-4o-mini-tts", "tts-1", "tts-1-hd" })
        {
            _tie.Server.Given(Post("speech").WithBody(new JsonPartialMatcher(new { model, voice })))
                .RespondWith(Response.Create().WithHeader("Content-Type", "audio/mpeg").WithBody([1, 2, 3]));
        }

        using var client = _tie.Client(Token);
        foreach (var model in new[] { "gpt-4o-mini-tts", "tts-1", "tts-1-hd" })
        {
            var result = await client.GenerateSpeechAsync("Hello.", new SpeechOptions { Model = model, Voice = voice });
            Assert.Equal(3, result.Audio.Length);
        }

        Assert.Equal(3, _tie.Log.Count(e => e.RequestMatchResult?.IsPerfectMatch == true));
        Assert.Contains(SpeechVoice.OpenAIVoices, v => v.ToString() == voice);
    }

    [Theory]
    [InlineData("mp3", "audio/mpeg")]
    [InlineData("opus", "audio/opus")]
    [InlineData("aac", "audio/aac")]
    [InlineData("flac", "audio/flac")]
    [InlineData("wav", "audio/wav")]
    [InlineData("pcm", "audio/pcm")]
    public async Task Speech_EveryDocumentedFormat_IsAskedFor_AndTheContentTypeFollowsTheResponse(string format, string contentType)
    {
        // TIE documents mp3 -> audio/mpeg; for the other formats the content types are OpenAI's.
        _tie.Server.Given(Post("speech").WithBody(new JsonPartialMatcher(new { response_format = format })))
            .RespondWith(Response.Create().WithHeader("Content-Type", contentType).WithBody([9, 8, 7, 6]));
        using var client = _tie.Client(Token);

        var result = await client.GenerateSpeechAsync("Formats.", new SpeechOptions { Model = "tts-1", Voice = SpeechVoice.Alloy, ResponseFormat = new SpeechFormat(format), Speed = 1.0 });

        Assert.Equal(contentType, result.ContentType);
        var body = ContractServer.Json(_tie.SingleRequest());
        Assert.Equal(1.0, body.GetProperty("speed").GetDouble());
    }

    [Fact]
    public async Task Speech_InputAndSpeed_OutsideTheDocumentedLimits_AreRejectedBeforeSending()
    {
        using var client = _tie.Client(Token);
        var options = new SpeechOptions { Model = "tts-1", Voice = SpeechVoice.Alloy };

        var tooLong = await Assert.ThrowsAsync<ArgumentException>(() => client.GenerateSpeechAsync(new string('a', 4097), options));
        await Assert.ThrowsAsync<ArgumentException>(() => client.GenerateSpeechAsync("Hi", options with { Speed = 0.2 }));
        await Assert.ThrowsAsync<ArgumentException>(() => client.GenerateSpeechAsync("Hi", options with { Speed = 4.01 }));

        Assert.Contains("4096", tooLong.Message, StringComparison.Ordinal);
        Assert.Empty(_tie.Log);
    }

    [Fact]
    public async Task Speech_AtTheLimits_IsSent()
    {
        _tie.Server.Given(Post("speech")).RespondWith(Response.Create().WithHeader("Content-Type", "audio/mpeg").WithBody([1]));
        using var client = _tie.Client(Token);

        await client.GenerateSpeechAsync(new string('a', 4096), new SpeechOptions { Model = "tts-1", Voice = SpeechVoice.Alloy, Speed = 4.0 });

        var body = ContractServer.Json(_tie.SingleRequest());
        Assert.Equal((4096, 4.0), (body.GetProperty("input").GetString()!.Length, body.GetProperty("speed").GetDouble()));
    }

    [Fact]
    public async Task Speech_TheStreamedBody_ArrivesWhole_WithItsContentType()
    {
        var audio = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray();
        _tie.Server.Given(Post("speech")).RespondWith(Response.Create().WithHeader("Content-Type", "audio/mpeg").WithBody(audio));
        using var client = _tie.Client(Token);

        var stream = client.StreamSpeechAsync("A long answer.", new SpeechOptions { Model = "tts-1", Voice = SpeechVoice.Coral });
        using var received = new MemoryStream();
        await foreach (var chunk in stream)
        {
            received.Write(chunk.Span);
        }

        Assert.Equal(audio, received.ToArray());
        Assert.Equal("audio/mpeg", stream.ContentType);
        Assert.False(ContractServer.Json(_tie.SingleRequest()).TryGetProperty("stream_format", out _), "TIE streams raw bytes: no stream_format is sent.");
    }
}
