using AudioSdk.Models;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using AudioSdk.Usage;

namespace AudioSdk.Tests.Models;

public sealed class ModelsAndUsageTests : ServerTest
{
    [Fact]
    public async Task ListModels_ReturnsAll_WithProviderFieldsKept()
    {
        var models = await Client.ListModelsAsync();

        Assert.Equal(5, models.Count);
        var whisper = models.Single(m => m.Id == "whisper-1");
        Assert.Equal("model", whisper.Object);
        Assert.Equal("audiosdk-testing", whisper.OwnedBy);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), whisper.CreatedAt);
        Assert.Equal("stt", whisper.AdditionalProperties["recommended_for"][0].GetString());
        Assert.Equal("/v1/models", Server.Requests[0].Path);
        Assert.Equal(Server.Requests[0].Id, models.Metadata.RequestId);
    }

    [Theory]
    [InlineData(ModelPurpose.SpeechToText, 3)]
    [InlineData(ModelPurpose.TextToSpeech, 2)]
    public async Task ListModels_FiltersByRecommendedFor(string purpose, int count)
    {
        IReadOnlyList<ModelInfo> models = await Client.ListModelsAsync(recommendedFor: purpose);

        Assert.Equal(count, models.Count);
        Assert.Equal("?recommended_for=" + purpose, Server.Requests[0].Query);
    }

    [Fact]
    public async Task GetModel_ReturnsOne_AndUnknownIs404()
    {
        var model = await Client.GetModelAsync("tts-1");
        Assert.Equal("tts-1", model.Id);

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => Client.GetModelAsync("org/none"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, ex.Status);
        Assert.Equal(AudioErrorCodes.ModelNotFound, ex.Code);
        Assert.Equal("/v1/models/org/none", Server.Requests[1].Path);
    }

    [Fact]
    public async Task Usage_ReportsWhatTheServerBilled_WithFiltersAndPaging()
    {
        await Client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(2.5)), new TranscriptionOptions { Model = "whisper-1" });
        await Client.GenerateSpeechAsync("Hello", new AudioSdk.Speech.SpeechOptions { Model = "tts-1", Voice = "alloy" });
        await Client.GenerateSpeechAsync("Hello again", new AudioSdk.Speech.SpeechOptions { Model = "tts-1", Voice = "alloy" });

        var all = await Client.GetUsageAsync();
        Assert.Equal(3, all.Data.Count);
        var stt = all.Data[0];
        Assert.Equal("stt", stt.Modality);
        Assert.Equal("seconds", stt.BillingUnit);
        Assert.Equal(TimeSpan.FromSeconds(2.5), stt.Duration);
        Assert.Equal(3, stt.Quantity);
        Assert.Equal(Server.Requests[0].Id, stt.RequestId);
        Assert.Equal("usage.record", stt.AdditionalProperties["object"].GetString());
        Assert.NotNull(stt.CreatedAt);

        var page = await Client.GetUsageAsync(new UsageQuery { Modality = "tts", Limit = 1, StartTime = DateTimeOffset.UtcNow.AddHours(-1), EndTime = DateTimeOffset.UtcNow.AddHours(1) });
        Assert.True(page.HasMore);
        Assert.Equal(5, Assert.Single(page.Data).Characters);
        Assert.Contains("modality=tts", Server.Requests[^1].Query);
        Assert.Contains("limit=1", Server.Requests[^1].Query);
        Assert.Contains("start_time=", Server.Requests[^1].Query);

        var next = await Client.GetUsageAsync(new UsageQuery { Modality = "tts", After = page.NextCursor });
        Assert.Equal(11, Assert.Single(next.Data).Characters);
        Assert.False(next.HasMore);
        Assert.Equal(Server.Requests[^1].Id, next.Metadata.RequestId);
    }

    [Fact]
    public async Task Usage_InvalidQuery_IsRejectedBeforeSending()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client.GetUsageAsync(new UsageQuery { StartTime = DateTimeOffset.UtcNow, EndTime = DateTimeOffset.UtcNow.AddDays(-1) }));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.GetUsageAsync(new UsageQuery { Limit = 0 }));
        Assert.Empty(Server.Requests);
    }
}
