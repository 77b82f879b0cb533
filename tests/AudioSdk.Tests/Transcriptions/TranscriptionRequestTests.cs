using System.Text.Json;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.Transcriptions;

public sealed class TranscriptionRequestTests : ServerTest
{
    [Fact]
    public async Task EveryField_ReachesTheWire_UnderOpenAIsName()
    {
        var options = new TranscriptionOptions
        {
            Model = "gpt-4o-transcribe-diarize",
            Language = "en",
            Languages = ["en", "de"],
            Keywords = ["AudioSdk", "Kestrel"],
            Prompt = "Earlier: hello.",
            ResponseFormat = TranscriptionFormat.VerboseJson,
            Temperature = 0.2f,
            TimestampGranularities = TimestampGranularities.Word | TimestampGranularities.Segment,
            IncludeLogProbabilities = true,
            ChunkingStrategy = TranscriptionChunkingStrategy.ServerVad(threshold: 0.6, prefixPaddingMs: 250, silenceDurationMs: 400),
            AdditionalFields = { ["vad_filter"] = "true" },
        };
        options.AddKnownSpeaker("agent", [1, 2, 3]).AddKnownSpeaker("customer", [4, 5, 6], "audio/mpeg");

        await Client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(1.0), "call.wav"), options);

        var request = Assert.Single(Server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/audio/transcriptions", request.Path);
        Assert.Equal("Bearer " + ApiKey, request.GetHeader("Authorization"));
        Assert.StartsWith("multipart/form-data", request.ContentType);
        Assert.Equal("gpt-4o-transcribe-diarize", request.GetField("model"));
        Assert.Equal("en", request.GetField("language"));
        Assert.Equal(["en", "de"], request.GetFields("languages[]"));
        Assert.Equal(["AudioSdk", "Kestrel"], request.GetFields("keywords[]"));
        Assert.Equal("Earlier: hello.", request.GetField("prompt"));
        Assert.Equal("verbose_json", request.GetField("response_format"));
        Assert.Equal(0.2, double.Parse(request.GetField("temperature")!, System.Globalization.CultureInfo.InvariantCulture), 6);
        Assert.Equal(["word", "segment"], request.GetFields("timestamp_granularities[]"));
        Assert.Equal(["logprobs"], request.GetFields("include[]"));
        using (var vad = JsonDocument.Parse(request.GetField("chunking_strategy")!))
        {
            Assert.Equal("server_vad", vad.RootElement.GetProperty("type").GetString());
            Assert.Equal(0.6, vad.RootElement.GetProperty("threshold").GetDouble());
            Assert.Equal(250, vad.RootElement.GetProperty("prefix_padding_ms").GetInt32());
            Assert.Equal(400, vad.RootElement.GetProperty("silence_duration_ms").GetInt32());
        }

        Assert.Equal(["agent", "customer"], request.GetFields("known_speaker_names[]"));
        Assert.Equal(["data:audio/wav;base64,AQID", "data:audio/mpeg;base64,BAUG"], request.GetFields("known_speaker_references[]"));
        Assert.Equal("true", request.GetField("vad_filter"));
        Assert.Null(request.GetField("stream"));
        Assert.Equal("call.wav", request.Audio!.FileName);
        Assert.Equal("audio/wav", request.Audio.ContentType);
    }

    [Fact]
    public async Task MinimalRequest_SendsOnlyModelFormatAndFile()
    {
        await Client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.5)), new TranscriptionOptions { Model = "whisper-1" });

        var request = Assert.Single(Server.Requests);
        Assert.Equal(["model", "response_format"], request.FormFields.Select(f => f.Key));
        Assert.Equal("json", request.GetField("response_format"));
    }

    [Fact]
    public async Task AutoChunking_IsSentAsTheStringAuto()
    {
        await Client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.5)), new TranscriptionOptions { Model = "m", ChunkingStrategy = TranscriptionChunkingStrategy.Auto });
        Assert.Equal("auto", Assert.Single(Server.Requests).GetField("chunking_strategy"));
    }

    [Fact]
    public async Task UploadedBytes_ArriveUnchanged()
    {
        var wav = TestAudio.SineWav(2.0);
        await Client.TranscribeAsync(AudioInput.FromBytes(wav), new TranscriptionOptions { Model = "whisper-1" });

        var audio = Assert.Single(Server.Requests).Audio!;
        Assert.Equal(wav, audio.Bytes);
        Assert.Equal("audio.wav", audio.FileName);
        Assert.Equal(TimeSpan.FromSeconds(2), audio.Duration);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public async Task Temperature_OutsideZeroToOne_IsRejectedBeforeSending(float temperature)
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.1)), new TranscriptionOptions { Model = "m", Temperature = temperature }));
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task BlankModel_IsRejectedBeforeSending()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.1)), new TranscriptionOptions { Model = "  " }));
        Assert.Contains("Model", ex.Message);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task TooManyOrUnpairedKnownSpeakers_AreRejectedBeforeSending()
    {
        var five = new TranscriptionOptions { Model = "m" };
        for (var i = 0; i < 5; i++)
        {
            five.AddKnownSpeaker("s" + i, [1]);
        }

        var unpaired = new TranscriptionOptions { Model = "m", KnownSpeakerNames = ["a"] };
        var notDataUrl = new TranscriptionOptions { Model = "m", KnownSpeakerNames = ["a"], KnownSpeakerReferences = ["https://example.com/a.wav"] };
        foreach (var options in new[] { five, unpaired, notDataUrl })
        {
            await Assert.ThrowsAsync<ArgumentException>(() => Client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.1)), options));
        }

        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task AdditionalField_ThatDuplicatesAModelledField_IsRejected()
    {
        var options = new TranscriptionOptions { Model = "m", AdditionalFields = { ["model"] = "other" } };
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.1)), options));
        Assert.Contains("'model'", ex.Message);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task TextFormat_OnTheTypedMethod_PointsToTheTextMethod()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            Client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.1)), new TranscriptionOptions { Model = "m", ResponseFormat = TranscriptionFormat.Srt }));
        Assert.Contains("TranscribeToTextAsync", ex.Message);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task EmptyAudio_IsRejectedBeforeSending()
    {
        var path = Path.GetTempFileName();
        try
        {
            var options = new TranscriptionOptions { Model = "m" };
            await Assert.ThrowsAsync<ArgumentException>(() => Client.TranscribeAsync(AudioInput.FromBytes(Array.Empty<byte>()), options));
            await Assert.ThrowsAsync<ArgumentException>(() => Client.TranscribeAsync(AudioInput.FromFile(path), options));
            await Assert.ThrowsAsync<ArgumentException>(() => Client.TranscribeAsync(AudioInput.FromStream(new MemoryStream()), options));
            await Assert.ThrowsAsync<FileNotFoundException>(() => Client.TranscribeAsync(AudioInput.FromFile(path + ".missing.wav"), options));
            Assert.Empty(Server.Requests);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task AFileReachedThroughLinks_IsSentWhole_SizedFromTheFileNotTheLink()
    {
        var folder = Directory.CreateTempSubdirectory("audiosdk-links-");
        try
        {
            var wav = TestAudio.SineWav(0.5);
            var real = Path.Combine(folder.FullName, "real.wav");
            await File.WriteAllBytesAsync(real, wav);
            var link = Path.Combine(folder.FullName, "link.wav");
            File.CreateSymbolicLink(link, "real.wav");
            var chain = Path.Combine(folder.FullName, "chain.wav");
            File.CreateSymbolicLink(chain, link);
            Assert.True(new FileInfo(link).LinkTarget is not null);

            foreach (var path in new[] { link, chain })
            {
                var result = await Client.TranscribeAsync(AudioInput.FromFile(path), new TranscriptionOptions { Model = "whisper-1" });

                Assert.False(string.IsNullOrEmpty(result.Text));
                var audio = Server.Requests.Last().Audio;
                Assert.NotNull(audio);
                Assert.Equal(wav.Length, audio!.Length);
            }

            File.Delete(real);
            await Assert.ThrowsAsync<FileNotFoundException>(() => Client.TranscribeAsync(AudioInput.FromFile(link), new TranscriptionOptions { Model = "whisper-1" }));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
