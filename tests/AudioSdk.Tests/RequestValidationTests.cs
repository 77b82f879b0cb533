using System.Text.Json.Nodes;
using AudioSdk.Speech;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;
using AudioSdk.Usage;

namespace AudioSdk.Tests;

/// <summary>Every request type reports all of its problems in one <see cref="ArgumentException"/>, and sends nothing.</summary>
public sealed class RequestValidationTests : ServerTest
{
    private static AudioInput Audio() => AudioInput.FromBytes(TestAudio.SineWav(0.1), "a.wav");

    [Fact]
    public async Task Transcription_WithSeveralProblems_ListsThemAllAndSendsNothing()
    {
        var options = new TranscriptionOptions
        {
            Model = " ",
            Temperature = 2,
            ResponseFormat = TranscriptionFormat.Srt,
            KnownSpeakerNames = ["a"],
            AdditionalFields = { ["prompt"] = "x" },
        };

        var typed = await Assert.ThrowsAsync<ArgumentException>(() => Client.TranscribeAsync(Audio(), options));
        var streaming = Assert.Throws<ArgumentException>(() => Client.TranscribeStreamingAsync(Audio(), options with { ResponseFormat = null }));

        Assert.Equal("options", typed.ParamName);
        Assert.StartsWith("Invalid TranscriptionOptions: ", typed.Message, StringComparison.Ordinal);
        Assert.Contains("needs a JSON response format", typed.Message, StringComparison.Ordinal);
        Assert.Contains("Model is blank", typed.Message, StringComparison.Ordinal);
        Assert.Contains("Temperature must be between 0 and 1", typed.Message, StringComparison.Ordinal);
        Assert.Contains("KnownSpeakerNames has 1 entries", typed.Message, StringComparison.Ordinal);
        Assert.Contains("AdditionalFields sets 'prompt'", typed.Message, StringComparison.Ordinal);
        Assert.Contains("Model is blank", streaming.Message, StringComparison.Ordinal);
        Assert.Contains("AdditionalFields sets 'prompt'", streaming.Message, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Translation_WithSeveralProblems_ListsThemAllAndSendsNothing()
    {
        var options = new TranslationOptions { Temperature = -1, ResponseFormat = TranscriptionFormat.Vtt, AdditionalFields = { ["model"] = "m", [" "] = "x" } };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Client.TranslateAsync(Audio(), options));
        var text = await Assert.ThrowsAsync<ArgumentException>(() => Client.TranslateToTextAsync(Audio(), options));

        Assert.StartsWith("Invalid TranslationOptions: ", ex.Message, StringComparison.Ordinal);
        foreach (var expected in new[] { "needs a JSON response format", "Model is required", "Temperature must be between 0 and 1", "AdditionalFields sets 'model'", "AdditionalFields has an empty field name" })
        {
            Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("JSON response format", text.Message, StringComparison.Ordinal);
        Assert.Contains("Model is required", text.Message, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Speech_WithSeveralProblems_ListsThemAllAndSendsNothing()
    {
        var options = new SpeechOptions
        {
            Model = "",
            Speed = 9,
            Instructions = new string('i', SpeechOptions.MaxInputLength + 1),
            AdditionalProperties = { ["voice"] = JsonValue.Create("alloy") },
        };

        var whole = await Assert.ThrowsAsync<ArgumentException>(() => Client.GenerateSpeechAsync(" ", options));
        var streamed = Assert.Throws<ArgumentException>(() => Client.StreamSpeechAsync(new string('a', SpeechOptions.MaxInputLength + 1), options));

        Assert.Equal("options", whole.ParamName);
        foreach (var expected in new[] { "The text to speak is empty", "Model is blank", "Speed must be between 0.25 and 4", "Instructions is longer than 4096", "AdditionalProperties sets 'voice'" })
        {
            Assert.Contains(expected, whole.Message, StringComparison.Ordinal);
        }

        Assert.Contains("4097 characters; the limit is 4096", streamed.Message, StringComparison.Ordinal);
        Assert.Contains("Speed must be between", streamed.Message, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Speech_WithOnlyTheTextWrong_NamesTheTextParameter()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Client.GenerateSpeechAsync("", new SpeechOptions()));

        Assert.Equal("input", ex.ParamName);
        Assert.Contains("The text to speak is empty", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Usage_WithSeveralProblems_ListsThemAllAndSendsNothing()
    {
        var start = DateTimeOffset.UnixEpoch.AddDays(2);
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Client.GetUsageAsync(new UsageQuery { StartTime = start, EndTime = start.AddDays(-1), Limit = 0 }));

        Assert.Equal("query", ex.ParamName);
        Assert.Contains("EndTime is before StartTime", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Limit must be positive", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task LongFormText_WithSeveralProblems_ListsThemAllAndSendsNothing()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            Client.TranscribeLongToTextAsync(Audio(), new TranscriptionOptions { Model = "", ResponseFormat = TranscriptionFormat.VerboseJson, Temperature = float.NaN }));

        Assert.Contains("The long-form text methods stitch text, srt and vtt", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Model is blank", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Temperature must be between 0 and 1", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public void ClientOptions_Validate_ListsEveryProblemWithoutBuildingAClient()
    {
        var options = new AudioClientOptions { Endpoint = new Uri("ftp://example.com/"), NetworkTimeout = TimeSpan.Zero, Retry = null!, ApiKey = "a\nb" };

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Null(ex.ParamName);
        Assert.StartsWith("Invalid AudioClientOptions: ", ex.Message, StringComparison.Ordinal);
        foreach (var expected in new[] { "Endpoint must be", "NetworkTimeout must be", "Retry must not be null", "ApiKey must not contain line breaks" })
        {
            Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("a\nb", ex.Message, StringComparison.Ordinal);
        new AudioClientOptions().Validate();
    }
}
