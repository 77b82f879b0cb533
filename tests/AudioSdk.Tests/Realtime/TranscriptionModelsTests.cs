using System.Text.Json;
using AudioSdk.Realtime;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// Today's OpenAI transcription models over a real socket: no server turn detection with them (push-to-talk by default),
/// keyword hints, noise reduction and log probabilities sent where the guide puts them, every problem named before any
/// connection, and never a model in a transcription session's URL.
/// </summary>
public sealed class TranscriptionModelsTests : RealtimeTestBase
{
    [Theory]
    [InlineData("gpt-live-transcribe")]
    [InlineData("gpt-realtime-whisper")]
    [InlineData("gpt-transcribe")]
    public async Task CommitOnlyModels_SendTurnDetectionNull_AndTranscribeCommittedTurns(string model)
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI(sessionRate: 24000) with { Model = model, Language = "en" });
        var t = await rt.TranscribeUtteranceAsync(Tone(0.3, 500));

        Assert.EndsWith("Heard 0.30 seconds at 500 Hz.", t.Transcript);
        var input = Update().GetProperty("session").GetProperty("audio").GetProperty("input");
        Assert.Equal(JsonValueKind.Null, input.GetProperty("turn_detection").ValueKind);
        Assert.Equal(model, input.GetProperty("transcription").GetProperty("model").GetString());
        Assert.Equal("intent=transcription", Connection().Query.TrimStart('?'));
    }

    [Fact]
    public async Task KeywordsNoiseReductionAndLogprobs_GoWhereTheGuidePutsThem()
    {
        var options = OpenAI(sessionRate: 24000) with
        {
            Model = "gpt-live-transcribe",
            Prompt = "A call about invoices.",
            Keywords = ["AudioSdk", "Tinfoil"],
            NoiseReduction = RealtimeNoiseReduction.FarField,
            IncludeLogProbabilities = true,
        };
        await using var rt = await Client.StartRealtimeSessionAsync(options);

        var session = Update().GetProperty("session");
        var input = session.GetProperty("audio").GetProperty("input");
        var transcription = input.GetProperty("transcription");
        Assert.Equal(["AudioSdk", "Tinfoil"], transcription.GetProperty("keywords").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal("A call about invoices.", transcription.GetProperty("prompt").GetString());
        Assert.Equal("far_field", input.GetProperty("noise_reduction").GetProperty("type").GetString());
        Assert.Equal(["item.input_audio_transcription.logprobs"], session.GetProperty("include").EnumerateArray().Select(k => k.GetString()));
        Assert.False(session.TryGetProperty("model", out _), "the model goes in audio.input.transcription only");
    }

    [Fact]
    public async Task WithoutTheOptionalFields_NothingExtraIsSent()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI(sessionRate: 24000) with { Model = "gpt-live-transcribe", NoiseReduction = RealtimeNoiseReduction.NearField });
        var input = Update().GetProperty("session").GetProperty("audio").GetProperty("input");
        Assert.Equal("near_field", input.GetProperty("noise_reduction").GetProperty("type").GetString());
        Assert.False(input.GetProperty("transcription").TryGetProperty("keywords", out _));
        Assert.False(input.GetProperty("transcription").TryGetProperty("prompt", out _));
        Assert.False(Update().GetProperty("session").TryGetProperty("include", out _));
    }

    [Fact]
    public void EveryProblem_IsNamedAtOnce_BeforeAnyConnection()
    {
        var options = OpenAI() with
        {
            Model = "gpt-realtime-whisper",
            TurnDetection = new RealtimeTurnDetection { Mode = RealtimeTurnDetectionMode.Server },
            Prompt = "context",
            Keywords = ["ok", " "],
            NoiseReduction = (RealtimeNoiseReduction)7,
            AdditionalQueryParameters = new Dictionary<string, string> { ["Model"] = "gpt-realtime" },
        };
        var ex = Assert.Throws<ArgumentException>(() => { _ = Client.StartRealtimeSessionAsync(options); });

        Assert.Contains("gpt-realtime-whisper has no server-side turn detection", ex.Message);
        Assert.Contains("gpt-realtime-whisper takes no Prompt", ex.Message);
        Assert.Contains("Keywords must be non-empty", ex.Message);
        Assert.Contains("NoiseReduction must be NearField or FarField", ex.Message);
        Assert.Contains("must not carry 'model'", ex.Message);
        Assert.Empty(Server.RealtimeSessions);
    }

    [Fact]
    public void TranscriptionOnlyFields_AreRefusedInTheOtherDialects()
    {
        var ex = Assert.Throws<ArgumentException>(() => { _ = Client.StartRealtimeSessionAsync(Native() with { Keywords = ["x"] }); });
        Assert.Contains("Keywords and NoiseReduction apply to the OpenAI transcription dialect only.", ex.Message);
        Assert.Empty(Server.RealtimeSessions);
    }

    [Fact]
    public async Task ServerVad_StaysAvailableForModelsThatHaveIt()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI(sessionRate: 24000) with { Model = "gpt-4o-transcribe", TurnDetection = new RealtimeTurnDetection { Mode = RealtimeTurnDetectionMode.Server } });
        Assert.Equal("server_vad", Update().GetProperty("session").GetProperty("audio").GetProperty("input").GetProperty("turn_detection").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData(RealtimeDialect.OpenAITranscription, "intent=transcription")]
    [InlineData(RealtimeDialect.VllmNative, "model=voxtral-mini-4b-realtime")]
    [InlineData(RealtimeDialect.OpenAIConversation, "model=gpt-realtime")]
    public async Task TheUrl_MatchesTheDialect(RealtimeDialect dialect, string query)
    {
        var options = dialect switch
        {
            RealtimeDialect.VllmNative => Native(),
            RealtimeDialect.OpenAIConversation => new RealtimeSessionOptions { Dialect = dialect, Model = "gpt-realtime", InputSampleRate = 24000 },
            _ => OpenAI(sessionRate: 24000) with { Model = "gpt-live-transcribe" },
        };
        await using var rt = await Client.StartRealtimeSessionAsync(options);
        Assert.Equal(query, Connection().Query.TrimStart('?'));
    }

    private JsonElement Update() =>
        JsonDocument.Parse(Connection().ClientMessages.First(m => m.Contains("\"session.update\"", StringComparison.Ordinal))).RootElement;
}
