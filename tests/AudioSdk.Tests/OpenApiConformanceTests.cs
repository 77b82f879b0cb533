using System.Text.Json;
using AudioSdk.Speech;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;

namespace AudioSdk.Tests;

/// <summary>Our requests against OpenAI's own schema: every field we send exists there, with an allowed value, and every field there can be set.</summary>
public sealed class OpenApiConformanceTests : ServerTest
{
    private readonly OpenApiSchema _schema = new();

    [Fact]
    public async Task Transcription_SendsOnlySchemaFields_AndCanSetEverySchemaField()
    {
        var options = new TranscriptionOptions
        {
            Model = "gpt-4o-transcribe",
            Language = "en",
            Languages = ["en"],
            Keywords = ["k"],
            Prompt = "p",
            ResponseFormat = TranscriptionFormat.VerboseJson,
            Temperature = 0,
            TimestampGranularities = TimestampGranularities.Word | TimestampGranularities.Segment,
            IncludeLogProbabilities = true,
            ChunkingStrategy = TranscriptionChunkingStrategy.ServerVad(0.5, 300, 200),
        }.AddKnownSpeaker("a", [1]);
        await foreach (var _ in Client.TranscribeStreamingAsync(AudioInput.FromBytes(TestAudio.SineWav(1)), options))
        {
        }

        var request = Assert.Single(Server.Requests);
        var sent = request.FormFields.Select(f => f.Key.TrimEnd('[', ']')).Append("file").ToHashSet();
        var schema = _schema.Properties("CreateTranscriptionRequest");
        Assert.Subset(schema.ToHashSet(), sent);
        Assert.Empty(schema.Except(sent));
        Assert.Subset(sent, _schema.Required("CreateTranscriptionRequest").ToHashSet());
        Assert.Contains(request.GetField("response_format"), _schema.Enum("AudioResponseFormat"));
        Assert.Subset(_schema.Enum("CreateTranscriptionRequest", "timestamp_granularities").ToHashSet(), request.GetFields("timestamp_granularities[]").ToHashSet());
        Assert.Subset(_schema.Enum("TranscriptionInclude").ToHashSet(), request.GetFields("include[]").ToHashSet());
        using var vad = JsonDocument.Parse(request.GetField("chunking_strategy")!);
        Assert.Subset(_schema.Properties("VadConfig").ToHashSet(), vad.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet());
    }

    [Fact]
    public void FormatsWeName_AreTheSchemasFormats()
    {
        string[] ours = [TranscriptionFormat.Json.ToString(), TranscriptionFormat.Text.ToString(), TranscriptionFormat.Srt.ToString(), TranscriptionFormat.VerboseJson.ToString(), TranscriptionFormat.Vtt.ToString(), TranscriptionFormat.DiarizedJson.ToString()];
        Assert.Equal(_schema.Enum("AudioResponseFormat").Order(), ours.Order());
        string[] speech = [SpeechFormat.Mp3.ToString(), SpeechFormat.Opus.ToString(), SpeechFormat.Aac.ToString(), SpeechFormat.Flac.ToString(), SpeechFormat.Wav.ToString(), SpeechFormat.Pcm.ToString()];
        Assert.Equal(_schema.Enum("CreateSpeechRequest", "response_format").Order(), speech.Order());
        Assert.Subset(SpeechVoice.OpenAIVoices.Select(v => v.ToString()).ToHashSet(), _schema.Enum("VoiceIdsShared").ToHashSet());
    }

    [Fact]
    public async Task Translation_SendsOnlySchemaFields_AndCanSetEverySchemaField()
    {
        await Client.TranslateAsync(AudioInput.FromBytes(TestAudio.SineWav(1)), new TranslationOptions { Model = "whisper-1", Prompt = "p", ResponseFormat = TranscriptionFormat.VerboseJson, Temperature = 0.5f });

        var request = Assert.Single(Server.Requests);
        var sent = request.FormFields.Select(f => f.Key).Append("file").ToHashSet();
        Assert.Equal(_schema.Properties("CreateTranslationRequest").ToHashSet(), sent);
        Assert.Contains(request.GetField("response_format"), _schema.Enum("CreateTranslationRequest", "response_format"));
    }

    [Theory]
    [InlineData(SpeechStreamFormat.Audio)]
    [InlineData(SpeechStreamFormat.Sse)]
    public async Task Speech_SendsOnlySchemaFields_WithAllowedValues(SpeechStreamFormat streamFormat)
    {
        await Client.GenerateSpeechAsync("Hello", new SpeechOptions { Model = "gpt-4o-mini-tts", Voice = SpeechVoice.Marin, Instructions = "i", ResponseFormat = SpeechFormat.Pcm, Speed = 4.0, StreamFormat = streamFormat });

        using var body = JsonDocument.Parse(Server.Requests[0].JsonBody!);
        var sent = body.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Equal(_schema.Properties("CreateSpeechRequest").ToHashSet(), sent);
        Assert.Contains(body.RootElement.GetProperty("response_format").GetString(), _schema.Enum("CreateSpeechRequest", "response_format"));
        Assert.Contains(body.RootElement.GetProperty("stream_format").GetString(), _schema.Enum("CreateSpeechRequest", "stream_format"));
        Assert.Contains(body.RootElement.GetProperty("voice").GetString(), _schema.Enum("VoiceIdsShared"));
    }
}
