using System.Text.Json;
using AudioSdk.Extensions.AI;
using AudioSdk.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace AudioSdk.Tests.Extensions;

public sealed class AIAdapterTests : ServerTest
{
    [Fact]
    public async Task SpeechToText_MapsOptions_AndReturnsTextWithMetadata()
    {
        var stt = Client.AsSpeechToTextClient("whisper-1");
        var response = await stt.GetTextAsync(new MemoryStream(TestAudio.SineWav(3)), new SpeechToTextOptions
        {
            SpeechLanguage = "de",
            AdditionalProperties = new AdditionalPropertiesDictionary { ["prompt"] = "Vorher.", ["temperature"] = 0.2, ["file_name"] = "call.wav" },
        });

        var request = Server.Requests.Single();
        Assert.Equal("/v1/audio/transcriptions", request.Path);
        Assert.Equal(("de", "Vorher.", "0.2", "call.wav"), (request.GetField("language"), request.GetField("prompt"), request.GetField("temperature"), request.Audio!.FileName));
        Assert.Equal("Segment 1 spans 0.0 to 3.0 seconds.", response.Text);
        Assert.Equal("whisper-1", response.ModelId);
        Assert.Equal(request.Id, response.ResponseId);
        Assert.Null(response.EndTime); // json carries no duration; response_format=verbose_json in AdditionalProperties would
        var metadata = stt.GetService<SpeechToTextClientMetadata>()!;
        Assert.Equal(("AudioSdk", Server.Endpoint, "whisper-1"), (metadata.ProviderName, metadata.ProviderUri, metadata.DefaultModelId));
        Assert.Same(Client, stt.GetService<AudioClient>());
    }

    [Fact]
    public async Task SpeechToText_EnglishTextLanguage_UsesTranslation()
    {
        var stt = Client.AsSpeechToTextClient("whisper-1");
        var response = await stt.GetTextAsync(new MemoryStream(TestAudio.SineWav(1)), new SpeechToTextOptions { SpeechLanguage = "fr", TextLanguage = "en" });
        Assert.Equal("/v1/audio/translations", Server.Requests.Single().Path);
        Assert.Equal("Segment 1 spans 0.0 to 1.0 seconds.", response.Text);
        await Assert.ThrowsAsync<NotSupportedException>(() => stt.GetTextAsync(new MemoryStream(TestAudio.SineWav(1)), new SpeechToTextOptions { SpeechLanguage = "fr", TextLanguage = "de" }));
    }

    [Fact]
    public async Task SpeechToText_Streaming_UpdatesThenFinalText()
    {
        var updates = new List<SpeechToTextResponseUpdate>();
        await foreach (var u in Client.AsSpeechToTextClient("gpt-4o-transcribe").GetStreamingTextAsync(new MemoryStream(TestAudio.SineWav(2))))
        {
            updates.Add(u);
        }

        Assert.All(updates.SkipLast(1), u => Assert.Equal(SpeechToTextResponseUpdateKind.TextUpdating, u.Kind));
        Assert.Equal(SpeechToTextResponseUpdateKind.TextUpdated, updates[^1].Kind);
        Assert.Equal("Segment 1 spans 0.0 to 2.0 seconds.", updates[^1].Text);
        Assert.Equal(updates[^1].Text, string.Concat(updates.SkipLast(1).Select(u => u.Text)));
    }

    [Fact]
    public async Task TextToSpeech_MapsOptions_AndReturnsAudioContent()
    {
        var tts = Client.AsTextToSpeechClient("gpt-4o-mini-tts");
        var response = await tts.GetAudioAsync("Hello", new TextToSpeechOptions { VoiceId = "coral", AudioFormat = "audio/wav", Speed = 1.5f, Language = "en", AdditionalProperties = new AdditionalPropertiesDictionary { ["instructions"] = "Warm." } });

        using var body = JsonDocument.Parse(Server.Requests.Single().JsonBody!);
        Assert.Equal(("gpt-4o-mini-tts", "coral", "wav", 1.5, "en", "Warm."), (body.RootElement.GetProperty("model").GetString(), body.RootElement.GetProperty("voice").GetString(), body.RootElement.GetProperty("response_format").GetString(), body.RootElement.GetProperty("speed").GetDouble(), body.RootElement.GetProperty("language").GetString(), body.RootElement.GetProperty("instructions").GetString()));
        var audio = Assert.IsType<DataContent>(Assert.Single(response.Contents));
        Assert.Equal("audio/wav", audio.MediaType);
        Assert.Equal("RIFF"u8.ToArray(), audio.Data[..4].ToArray());
        Assert.Equal(Server.Requests[0].Id, response.ResponseId);
    }

    [Fact]
    public async Task TextToSpeech_Streaming_YieldsAudioChunks()
    {
        var total = 0;
        await foreach (var u in Client.AsTextToSpeechClient("tts-1").GetStreamingAudioAsync("Hello there", new TextToSpeechOptions { AudioFormat = "pcm" }))
        {
            Assert.Equal(TextToSpeechResponseUpdateKind.AudioUpdating, u.Kind);
            total += Assert.IsType<DataContent>(Assert.Single(u.Contents)).Data.Length;
        }

        Assert.Equal((int)(11 * 0.06 * 24000) * 2, total);
    }
}
