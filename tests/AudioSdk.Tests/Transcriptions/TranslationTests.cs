using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;

namespace AudioSdk.Tests.Transcriptions;

public sealed class TranslationTests : ServerTest
{
    [Fact]
    public async Task EveryField_ReachesTheWire()
    {
        await Client.TranslateAsync(
            AudioInput.FromBytes(TestAudio.SineWav(3), "de.wav"),
            new TranslationOptions { Model = "whisper-1", Prompt = "Vorher.", Temperature = 0.3f, ResponseFormat = TranscriptionFormat.VerboseJson, AdditionalFields = { ["beam_size"] = "5" } });

        var request = Assert.Single(Server.Requests);
        Assert.Equal("/v1/audio/translations", request.Path);
        Assert.Equal("whisper-1", request.GetField("model"));
        Assert.Equal("Vorher.", request.GetField("prompt"));
        Assert.Equal("0.3", request.GetField("temperature"));
        Assert.Equal("verbose_json", request.GetField("response_format"));
        Assert.Equal("5", request.GetField("beam_size"));
        Assert.Equal(["model", "prompt", "response_format", "temperature", "beam_size"], request.FormFields.Select(f => f.Key));
    }

    [Fact]
    public async Task VerboseJson_ParsesSegments()
    {
        var t = await Client.TranslateAsync(AudioInput.FromBytes(TestAudio.SineWav(12)), new TranslationOptions { Model = "whisper-1", ResponseFormat = TranscriptionFormat.VerboseJson });

        Assert.Equal("english", t.Language);
        Assert.Equal("translate", t.Task);
        Assert.Equal(TimeSpan.FromSeconds(12), t.Duration);
        Assert.Equal(2, t.Segments.Count);
        Assert.Equal(TimeSpan.FromSeconds(12), t.Segments[1].End);
        Assert.Equal(Server.Requests[0].Id, t.Metadata.RequestId);
    }

    [Fact]
    public async Task Json_AndText()
    {
        var json = await Client.TranslateAsync(AudioInput.FromBytes(TestAudio.SineWav(1)), new TranslationOptions { Model = "whisper-1" });
        var srt = await Client.TranslateToTextAsync(AudioInput.FromBytes(TestAudio.SineWav(1)), new TranslationOptions { Model = "whisper-1", ResponseFormat = TranscriptionFormat.Srt });

        Assert.Equal("Segment 1 spans 0.0 to 1.0 seconds.", json.Text);
        Assert.StartsWith("1\n00:00:00,000 --> 00:00:01,000\n", srt.Text);
    }

    [Fact]
    public async Task InvalidOptions_AreRejectedBeforeSending()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client.TranslateAsync(AudioInput.FromBytes(TestAudio.SineWav(1)), new TranslationOptions()));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.TranslateAsync(AudioInput.FromBytes(TestAudio.SineWav(1)), new TranslationOptions { Model = "m", Temperature = 2 }));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.TranslateAsync(AudioInput.FromBytes(TestAudio.SineWav(1)), new TranslationOptions { Model = "m", ResponseFormat = TranscriptionFormat.Vtt }));
        Assert.Empty(Server.Requests);
    }
}
