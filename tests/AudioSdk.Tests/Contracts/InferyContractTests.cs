using AudioSdk.LongForm;
using AudioSdk.Speech;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace AudioSdk.Tests.Contracts;

/// <summary>
/// Infery's documented audio recipes, replayed with WireMock.Net: speech with a format choice, streamed speech forwarded
/// to a player in 8192-byte chunks, word timestamps, subtitles, long files split under whisper-1's 25 MB, translation.
/// Infery documents neither base URL nor authentication; its samples use an OpenAI client, so the stubs expect OpenAI's
/// bearer header, and bodies the recipes do not show follow OpenAI's schema.
/// </summary>
public sealed class InferyContractTests : IDisposable
{
    private const string Key = "sk-infery-0123456789";
    private readonly ContractServer _infery = new();

    public void Dispose() => _infery.Dispose();

    private IRequestBuilder Post(string path) =>
        Request.Create().WithPath("/v1/audio/" + path).UsingPost().WithHeader("Authorization", "Bearer " + Key);

    [Fact]
    public async Task Speech_TheDocumentedExample_SendsEveryField()
    {
        const string Input = "Welcome to Infery. Your audio is being generated now.";
        _infery.Server.Given(Post("speech").WithBody(new JsonPartialMatcher(new { model = "tts-1", voice = "nova", input = Input, response_format = "mp3" })))
            .RespondWith(Response.Create().WithHeader("Content-Type", "audio/mpeg").WithBody([0xFF, 0xFB, 0x90, 0x64, 0, 0]));
        using var client = _infery.Client(Key);

        var result = await client.GenerateSpeechAsync(Input, new SpeechOptions { Model = "tts-1", Voice = SpeechVoice.Nova, ResponseFormat = SpeechFormat.Mp3, Speed = 1.0 });

        var body = ContractServer.Json(_infery.SingleRequest());
        Assert.Equal(["model", "input", "voice", "response_format", "speed"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1.0, body.GetProperty("speed").GetDouble());
        Assert.Equal((6, "audio/mpeg"), (result.Audio.Length, result.ContentType));
    }

    [Theory]
    [InlineData("mp3", "audio/mpeg")]
    [InlineData("opus", "audio/ogg")]
    [InlineData("wav", "audio/wav")]
    [InlineData("flac", "audio/flac")]
    [InlineData("pcm", "audio/pcm")]
    public async Task Speech_EachDocumentedFormat_IsAskedFor_AndReadBackWithTheResponsesType(string format, string contentType)
    {
        _infery.Server.Given(Post("speech").WithBody(new JsonPartialMatcher(new { response_format = format })))
            .RespondWith(Response.Create().WithHeader("Content-Type", contentType).WithBody([1, 2, 3, 4]));
        using var client = _infery.Client(Key);

        var result = await client.GenerateSpeechAsync("Formats.", new SpeechOptions { Model = "tts-1-hd", Voice = SpeechVoice.Shimmer, ResponseFormat = new SpeechFormat(format) });

        _infery.SingleRequest();
        Assert.Equal(contentType, result.ContentType);
    }

    [Theory]
    [InlineData("tts-1", "alloy")]
    [InlineData("tts-1-hd", "sage")]
    [InlineData("gemini-2-5-tts", "Kore")]
    [InlineData("gemini-2.5-flash-preview-tts", "Kore")]
    [InlineData("qwen-tts", "Cherry")]
    public async Task Speech_EveryDocumentedModel_TakesItsVoiceAsAnOpenString(string model, string voice)
    {
        // Infery lists no names for the Gemini or Qwen voices (its sample uses Kore): voices stay open strings, sent as given.
        _infery.Server.Given(Post("speech").WithBody(new JsonPartialMatcher(new { model, voice }, ignoreCase: false)))
            .RespondWith(Response.Create().WithHeader("Content-Type", "audio/mpeg").WithBody([1]));
        using var client = _infery.Client(Key);

        await client.GenerateSpeechAsync("Hello.", new SpeechOptions { Model = model, Voice = voice });

        _infery.SingleRequest();
    }

    [Fact]
    public async Task StreamedSpeech_IsForwardedToAPlayer_In8192ByteChunks_BeforeTheWholeFileIsRead()
    {
        var audio = Enumerable.Range(0, 100_000).Select(i => (byte)(i % 251)).ToArray();
        _infery.Server.Given(Post("speech").WithBody(new JsonPartialMatcher(new { response_format = "opus" })))
            .RespondWith(Response.Create().WithHeader("Content-Type", "audio/ogg").WithBody(audio));
        using var client = _infery.Client(Key);
        var player = new RecordingPlayer();

        var stream = client.StreamSpeechAsync("A long article read aloud.", new SpeechOptions { Model = "tts-1", Voice = SpeechVoice.Nova, ResponseFormat = SpeechFormat.Opus });
        await using (var body = await stream.OpenReadAsync())
        {
            var buffer = new byte[8192];
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                player.Write(buffer, 0, read);
            }
        }

        _infery.SingleRequest();
        Assert.Equal(audio, player.ToArray());
        Assert.All(player.Writes, n => Assert.InRange(n, 1, 8192));
        Assert.True(player.Writes.Count >= audio.Length / 8192, $"{player.Writes.Count} writes");
        Assert.Equal("audio/ogg", stream.ContentType);
    }

    [Fact]
    public async Task WordTimestamps_AreAskedForWithVerboseJson_AndFillWordsAndSegments()
    {
        _infery.Server.Given(Post("transcriptions")).RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("""
            {"task":"transcribe","language":"english","duration":1.4,"text":"Hello world.",
             "segments":[{"id":0,"start":0.0,"end":1.4,"text":" Hello world."}],
             "words":[{"word":"Hello","start":0.1,"end":0.5},{"word":"world","start":0.6,"end":1.2}]}
            """));
        using var client = _infery.Client(Key);

        var result = await client.TranscribeAsync(
            AudioInput.FromBytes(TestAudio.SineWav(0.2), "talk.wav"),
            new TranscriptionOptions { Model = "whisper-1", ResponseFormat = TranscriptionFormat.VerboseJson, TimestampGranularities = TimestampGranularities.Word });

        var form = await ContractServer.FormAsync(_infery.SingleRequest());
        Assert.Equal(("verbose_json", "word"), (form["response_format"], Assert.Single(form.All("timestamp_granularities[]"))));
        Assert.Null(form["language"]);
        Assert.Equal(["Hello", "world"], result.Words.Select(w => w.Word));
        Assert.Equal((TimeSpan.FromSeconds(0.6), TimeSpan.FromSeconds(1.2)), (result.Words[1].Start, result.Words[1].End));
        Assert.Equal((TimeSpan.Zero, " Hello world."), (result.Segments[0].Start, result.Segments[0].Text));
    }

    [Theory]
    [InlineData("srt", "1\n00:00:00,000 --> 00:00:01,400\nHello world.\n\n")]
    [InlineData("vtt", "WEBVTT\n\n00:00:00.000 --> 00:00:01.400\nHello world.\n\n")]
    [InlineData("text", "Hello world.\n")]
    public async Task SubtitlesAndText_ComeBackAsABareString_ReadyForATrackElement(string format, string body)
    {
        _infery.Server.Given(Post("transcriptions")).RespondWith(Response.Create().WithHeader("Content-Type", "text/plain; charset=utf-8").WithBody(body));
        using var client = _infery.Client(Key);

        string text = await client.TranscribeToTextAsync(
            AudioInput.FromBytes(TestAudio.SineWav(0.2), "talk.wav"), new TranscriptionOptions { Model = "whisper-1", ResponseFormat = new TranscriptionFormat(format), Language = "en" });

        var form = await ContractServer.FormAsync(_infery.SingleRequest());
        Assert.Equal((format, "en"), (form["response_format"], form["language"]));
        Assert.Equal(body, text);
    }

    [Fact]
    public void LongFiles_TheDefaultChunk_StaysUnderWhisper1s25MB_AndInferys600SecondSegments()
    {
        var defaults = new LongFormOptions();
        Assert.True(defaults.MaxChunkBytes < 25_000_000, $"{defaults.MaxChunkBytes} bytes");
        Assert.True(defaults.MaxChunkDuration <= TimeSpan.FromSeconds(600));
    }

    [Fact]
    public async Task LongFiles_AreSplit_EachPartTranscribedAsText_AndThePartsJoined()
    {
        _infery.Server.Given(Post("transcriptions")).RespondWith(Response.Create().WithHeader("Content-Type", "text/plain; charset=utf-8").WithBody("part.\n"));
        using var client = _infery.Client(Key);
        var recording = TestAudio.SineWav(7);

        var result = await client.TranscribeLongToTextAsync(
            AudioInput.FromBytes(recording, "meeting.wav"),
            new TranscriptionOptions { Model = "whisper-1" },
            new LongFormOptions { MaxChunkDuration = TimeSpan.FromSeconds(3), BoundarySearchWindow = TimeSpan.Zero, MaxParallelism = 1 });

        Assert.Equal(3, _infery.Log.Count);
        long audioBytes = 0;
        foreach (var entry in _infery.Log)
        {
            var form = await ContractServer.FormAsync(entry.RequestMessage);
            Assert.Equal(("whisper-1", "text"), (form["model"], form["response_format"]));
            Assert.True(form.File!.Bytes.Length <= 44 + (3 * 32_000), $"{form.File.Bytes.Length} bytes");
            audioBytes += form.File.Bytes.Length - 44;
        }

        Assert.Equal(recording.Length - 44, audioBytes);
        Assert.Equal("part. part. part.\n", result.Text);
    }

    [Fact]
    public async Task Translation_GoesToTheTranslationsEndpoint_AndReadsEnglishText()
    {
        // Infery lists no translation parameters: OpenAI's (file, model, response_format).
        _infery.Server.Given(Post("translations")).RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("{\"text\":\"Good morning.\"}"));
        using var client = _infery.Client(Key);

        var result = await client.TranslateAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2), "guten-morgen.wav"), new TranslationOptions { Model = "whisper-1" });

        var form = await ContractServer.FormAsync(_infery.SingleRequest());
        Assert.Equal(("whisper-1", "guten-morgen.wav"), (form["model"], form.File!.FileName));
        Assert.Equal("Good morning.", result.Text);
    }

    private sealed class RecordingPlayer : MemoryStream
    {
        public List<int> Writes { get; } = [];

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes.Add(count);
            base.Write(buffer, offset, count);
        }
    }
}
