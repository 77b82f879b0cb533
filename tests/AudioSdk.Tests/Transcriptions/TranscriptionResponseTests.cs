using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.Transcriptions;

public sealed class TranscriptionResponseTests : ServerTest
{
    private static AudioInput TwentyFiveSeconds() => AudioInput.FromBytes(TestAudio.SineWav(25));

    [Fact]
    public async Task Json_ParsesTextAndDurationUsage()
    {
        var t = await Client.TranscribeAsync(TwentyFiveSeconds(), new TranscriptionOptions { Model = "whisper-1" });

        Assert.Equal("Segment 1 spans 0.0 to 10.0 seconds. Segment 2 spans 10.0 to 20.0 seconds. Segment 3 spans 20.0 to 25.0 seconds.", t.Text);
        Assert.Equal("duration", t.Usage!.Type);
        Assert.Equal(TimeSpan.FromSeconds(25), t.Usage.Duration);
        Assert.Empty(t.Segments);
        Assert.Equal(System.Net.HttpStatusCode.OK, t.Metadata.Status);
        Assert.Equal(Server.Requests[0].Id, t.Metadata.RequestId);
    }

    [Fact]
    public async Task Json_WithLogProbsAndTokenUsage()
    {
        var t = await Client.TranscribeAsync(TwentyFiveSeconds(), new TranscriptionOptions { Model = "gpt-4o-transcribe", IncludeLogProbabilities = true });

        Assert.Equal("tokens", t.Usage!.Type);
        Assert.Equal(250, t.Usage.InputTokens);
        Assert.Equal(250, t.Usage.InputTokenDetails!.AudioTokens);
        Assert.Equal(0, t.Usage.InputTokenDetails.TextTokens);
        Assert.Equal(t.Usage.InputTokens + t.Usage.OutputTokens, t.Usage.TotalTokens);
        Assert.Equal(t.Text.Split(' ').Length, t.LogProbabilities.Count);
        Assert.Equal("Segment", t.LogProbabilities[0].Token);
        Assert.Equal(-0.01, t.LogProbabilities[0].LogProbability);
        Assert.Equal("Segment"u8.ToArray().Select(b => (int)b), t.LogProbabilities[0].Bytes);
    }

    [Fact]
    public async Task VerboseJson_ParsesSegmentsWithEveryFieldAndWords()
    {
        var t = await Client.TranscribeAsync(TwentyFiveSeconds(), new TranscriptionOptions
        {
            Model = "whisper-1",
            Language = "en",
            ResponseFormat = TranscriptionFormat.VerboseJson,
            TimestampGranularities = TimestampGranularities.Word | TimestampGranularities.Segment,
        });

        Assert.Equal("en", t.Language);
        Assert.Equal("transcribe", t.Task);
        Assert.Equal(TimeSpan.FromSeconds(25), t.Duration);
        Assert.Equal(3, t.Segments.Count);
        var last = t.Segments[2];
        Assert.Equal(2, last.Id);
        Assert.Equal(2000, last.Seek);
        Assert.Equal(TimeSpan.FromSeconds(20), last.Start);
        Assert.Equal(TimeSpan.FromSeconds(25), last.End);
        Assert.Equal(" Segment 3 spans 20.0 to 25.0 seconds.", last.Text);
        Assert.Equal([50366, 440, 7534], last.Tokens);
        Assert.Equal(0f, last.Temperature);
        Assert.Equal(-0.25f, last.AverageLogProbability);
        Assert.Equal(1.2f, last.CompressionRatio);
        Assert.Equal(0.01f, last.NoSpeechProbability);
        Assert.Equal(21, t.Words.Count);
        Assert.Equal("Segment", t.Words[0].Word);
        Assert.Equal(TimeSpan.Zero, t.Words[0].Start);
        Assert.Equal(TimeSpan.FromSeconds(25), t.Words[^1].End);
        Assert.True(t.Words.Zip(t.Words.Skip(1)).All(p => p.First.End <= p.Second.Start + TimeSpan.FromMilliseconds(1)));
    }

    [Fact]
    public async Task VerboseJson_WordsOnly_HasNoSegments()
    {
        var t = await Client.TranscribeAsync(TwentyFiveSeconds(), new TranscriptionOptions
        {
            Model = "whisper-1",
            ResponseFormat = TranscriptionFormat.VerboseJson,
            TimestampGranularities = TimestampGranularities.Word,
        });

        Assert.Empty(t.Segments);
        Assert.NotEmpty(t.Words);
    }

    [Fact]
    public async Task DiarizedJson_ParsesSpeakerSegments_WithKnownSpeakerNames()
    {
        var options = new TranscriptionOptions { Model = "gpt-4o-transcribe-diarize", ResponseFormat = TranscriptionFormat.DiarizedJson };
        options.AddKnownSpeaker("agent", [1]).AddKnownSpeaker("customer", [2]);

        var t = await Client.TranscribeAsync(TwentyFiveSeconds(), options);

        Assert.Empty(t.Segments);
        Assert.Equal(3, t.DiarizedSegments.Count);
        Assert.Equal("seg_001", t.DiarizedSegments[0].Id);
        Assert.Equal(["agent", "customer", "agent"], t.DiarizedSegments.Select(s => s.Speaker));
        Assert.Equal(TimeSpan.FromSeconds(10), t.DiarizedSegments[1].Start);
        Assert.Equal("transcript.text.segment", t.DiarizedSegments[0].AdditionalProperties["type"].GetString());
        Assert.StartsWith("agent: Segment 1", t.Text);
    }

    [Fact]
    public async Task SchemaExamples_ParseWithUnknownFieldsKept()
    {
        Server.Enqueue(new ScriptedResponse
        {
            Status = 200,
            Body = """
                {"task":"transcribe","language":"english","duration":8.470000267028809,"text":"The beach was a popular spot on a hot summer day.",
                 "segments":[{"id":0,"seek":0,"start":0.0,"end":3.319999933242798,"text":" The beach was a popular spot on a hot summer day.",
                   "tokens":[50364,440,7534,390,257,3743,4008,322,257,2368,4266,786,13,50530],"temperature":0.0,"avg_logprob":-0.2860786020755768,
                   "compression_ratio":1.2363636493682861,"no_speech_prob":0.00985979475080967,"speaker_hint":"x"}],
                 "usage":{"type":"duration","seconds":9},
                 "requested_route":"fast","routed_model":"whisper-large-v3-turbo","failover":false}
                """,
        });

        var t = await Client.TranscribeAsync(TwentyFiveSeconds(), new TranscriptionOptions { Model = "whisper-1", ResponseFormat = TranscriptionFormat.VerboseJson });

        Assert.Equal(TimeSpan.FromTicks(84700003), t.Duration);
        Assert.Equal(TimeSpan.FromTicks(33199999), t.Segments[0].End);
        Assert.Equal(14, t.Segments[0].Tokens.Count);
        Assert.Equal("x", t.Segments[0].AdditionalProperties["speaker_hint"].GetString());
        Assert.Equal(TimeSpan.FromSeconds(9), t.Usage!.Duration);
        Assert.Equal("fast", t.AdditionalProperties["requested_route"].GetString());
        Assert.Equal("whisper-large-v3-turbo", t.AdditionalProperties["routed_model"].GetString());
        Assert.False(t.AdditionalProperties["failover"].GetBoolean());
        Assert.False(t.AdditionalProperties.ContainsKey("segments"));
    }

    [Fact]
    public async Task DiarizedSchemaExample_Parses()
    {
        Server.Enqueue(new ScriptedResponse
        {
            Status = 200,
            Body = """
                {"task":"transcribe","duration":42.7,"text":"Agent: Thanks for calling OpenAI support.\nCustomer: Hi, I need help with diarization.",
                 "segments":[{"type":"transcript.text.segment","id":"seg_001","start":0.0,"end":5.2,"text":"Thanks for calling OpenAI support.","speaker":"agent"},
                             {"type":"transcript.text.segment","id":"seg_002","start":5.2,"end":12.8,"text":"Hi, I need help with diarization.","speaker":"A"}],
                 "usage":{"type":"duration","seconds":43}}
                """,
        });

        var t = await Client.TranscribeAsync(TwentyFiveSeconds(), new TranscriptionOptions { Model = "gpt-4o-transcribe-diarize", ResponseFormat = TranscriptionFormat.DiarizedJson });

        Assert.Equal(2, t.DiarizedSegments.Count);
        Assert.Equal("A", t.DiarizedSegments[1].Speaker);
        Assert.Equal(TimeSpan.FromSeconds(12.8), t.DiarizedSegments[1].End);
        Assert.Equal(TimeSpan.FromSeconds(42.7), t.Duration);
    }

    [Fact]
    public async Task DetectedLanguages_AndNullArrays_Parse()
    {
        Server.Enqueue(new ScriptedResponse { Status = 200, Body = """{"text":"hola","languages":[{"code":"es"}],"words":null,"logprobs":null}""" });

        var t = await Client.TranscribeAsync(TwentyFiveSeconds(), new TranscriptionOptions { Model = "gpt-transcribe" });

        Assert.Equal("es", Assert.Single(t.DetectedLanguages).Code);
        Assert.Empty(t.Words);
        Assert.Empty(t.LogProbabilities);
    }

    [Fact]
    public async Task BodyThatIsNotJson_GivesATypedError()
    {
        Server.Enqueue(new ScriptedResponse { Status = 200, Body = "<html>oops</html>", ContentType = "text/html" });

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => Client.TranscribeAsync(TwentyFiveSeconds(), new TranscriptionOptions { Model = "whisper-1" }));

        Assert.Equal("invalid_response", ex.Code);
        Assert.Equal(Server.Requests[0].Id, ex.RequestId);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("srt")]
    [InlineData("vtt")]
    public async Task TextFormats_ReturnTheBody(string format)
    {
        string body = await Client.TranscribeToTextAsync(TwentyFiveSeconds(), new TranscriptionOptions { Model = "whisper-1", ResponseFormat = format });

        Assert.Equal(format, Assert.Single(Server.Requests).GetField("response_format"));
        switch (format)
        {
            case "text":
                Assert.Equal("Segment 1 spans 0.0 to 10.0 seconds. Segment 2 spans 10.0 to 20.0 seconds. Segment 3 spans 20.0 to 25.0 seconds.\n", body);
                break;
            case "srt":
                Assert.StartsWith("1\n00:00:00,000 --> 00:00:10,000\nSegment 1 spans 0.0 to 10.0 seconds.\n\n2\n", body);
                break;
            default:
                Assert.StartsWith("WEBVTT\n\n00:00:00.000 --> 00:00:10.000\n", body);
                Assert.Contains("00:00:20.000 --> 00:00:25.000\nSegment 3", body);
                break;
        }
    }

    [Fact]
    public async Task TextMethod_DefaultsToText_AndCarriesMetadata()
    {
        var result = await Client.TranscribeToTextAsync(TwentyFiveSeconds(), new TranscriptionOptions { Model = "whisper-1" });

        Assert.Equal("text", result.Format);
        Assert.Equal("text", Server.Requests[0].GetField("response_format"));
        Assert.Equal(Server.Requests[0].Id, result.Metadata.RequestId);
        Assert.Equal(result.Text, result.ToString());
    }
}
