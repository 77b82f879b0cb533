using System.Text.Json.Nodes;
using AudioSdk.LongForm;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;

namespace AudioSdk.Tests.LongForm;

/// <summary>
/// What a caller gets back when the service answers each chunk with a body written here: a three-second WAV cut at
/// exactly 1 s and 2 s (one-second limit, no search window), one chunk at a time so the answers arrive in order.
/// </summary>
public sealed class StitchingTests : ServerTest
{
    private static readonly LongFormOptions ThreeChunks = new() { MaxChunkDuration = TimeSpan.FromSeconds(1), BoundarySearchWindow = TimeSpan.Zero, MaxParallelism = 1 };

    private static readonly TranscriptionOptions Verbose = new() { Model = "whisper-1", ResponseFormat = TranscriptionFormat.VerboseJson };

    private static AudioInput ThreeSeconds() => AudioInput.FromBytes(TestAudio.SineWav(3), "talk.wav");

    private void Answer(params JsonObject[] bodies)
    {
        foreach (var body in bodies)
        {
            Server.Enqueue(new ScriptedResponse { Status = 200, Body = body.ToJsonString() });
        }
    }

    private static JsonObject Segment(int id, double start, double end, string text) =>
        new() { ["id"] = id, ["seek"] = 0, ["start"] = start, ["end"] = end, ["text"] = text, ["tokens"] = new JsonArray(), ["temperature"] = 0, ["avg_logprob"] = 0, ["compression_ratio"] = 1, ["no_speech_prob"] = 0 };

    private static JsonObject Usage(int? input, int? output, int? total, int? text = null, int? audio = null, string type = "tokens", bool details = true)
    {
        var usage = new JsonObject { ["type"] = type };
        if (input is not null)
        {
            usage["input_tokens"] = input;
        }

        if (output is not null)
        {
            usage["output_tokens"] = output;
        }

        if (total is not null)
        {
            usage["total_tokens"] = total;
        }

        if (details)
        {
            var d = new JsonObject();
            if (text is not null)
            {
                d["text_tokens"] = text;
            }

            if (audio is not null)
            {
                d["audio_tokens"] = audio;
            }

            usage["input_token_details"] = d;
        }

        return usage;
    }

    [Fact]
    public async Task ChunksAreCutExactlyAtTheLimits_WhenThereIsNoSearchWindow()
    {
        Answer(new JsonObject { ["text"] = "a" }, new JsonObject { ["text"] = "b" }, new JsonObject { ["text"] = "c" });

        var t = await Client.TranscribeLongAsync(ThreeSeconds(), Verbose, ThreeChunks);

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)], Server.Requests.Select(r => r.Audio!.Duration));
        Assert.Equal(["talk.part001.wav", "talk.part002.wav", "talk.part003.wav"], Server.Requests.Select(r => r.Audio!.FileName));
        Assert.All(Server.Requests, r => Assert.Equal("audio/wav", r.Audio!.ContentType));
        Assert.Equal("a b c", t.Text);
        Assert.Equal(TimeSpan.FromSeconds(3), t.Duration);
    }

    [Fact]
    public async Task Text_IsTrimmedPerChunk_JoinedWithOneSpace_AndEmptyChunksLeaveNoGap()
    {
        Answer(new JsonObject { ["text"] = "  Hello there. " }, new JsonObject { ["text"] = " \n " }, new JsonObject { ["text"] = "\tGeneral Kenobi." });

        var t = await Client.TranscribeLongAsync(ThreeSeconds(), Verbose, ThreeChunks);

        Assert.Equal("Hello there. General Kenobi.", t.Text);
    }

    [Fact]
    public async Task Segments_AreShiftedByTheirChunksStart_AndRenumberedFromZero()
    {
        Answer(
            new JsonObject { ["text"] = "one two", ["task"] = "transcribe", ["segments"] = new JsonArray(Segment(0, 0.1, 0.4, "one"), Segment(1, 0.5, 0.9, "two")) },
            new JsonObject { ["text"] = "three", ["task"] = "other", ["segments"] = new JsonArray(Segment(0, 0.25, 0.75, "three")) },
            new JsonObject { ["text"] = "four", ["segments"] = new JsonArray(Segment(7, 0.0, 0.5, "four")) });

        var t = await Client.TranscribeLongAsync(ThreeSeconds(), Verbose, ThreeChunks);

        Assert.Equal([0, 1, 2, 3], t.Segments.Select(s => s.Id));
        Assert.Equal([0.1, 0.5, 1.25, 2.0], t.Segments.Select(s => Math.Round(s.Start.TotalSeconds, 3)));
        Assert.Equal([0.4, 0.9, 1.75, 2.5], t.Segments.Select(s => Math.Round(s.End.TotalSeconds, 3)));
        Assert.Equal([0, 0, 100, 200], t.Segments.Select(s => s.Seek));
        Assert.Equal("transcribe", t.Task);
    }

    [Fact]
    public async Task Words_DiarizedSegments_AndLogProbabilities_AreShiftedOrConcatenated()
    {
        JsonObject Chunk(string speaker, string word, double at) => new()
        {
            ["text"] = word,
            ["segments"] = new JsonArray(new JsonObject { ["id"] = "seg_9", ["start"] = at, ["end"] = at + 0.2, ["text"] = word, ["speaker"] = speaker }),
            ["words"] = new JsonArray(new JsonObject { ["word"] = word, ["start"] = at, ["end"] = at + 0.2 }),
            ["logprobs"] = new JsonArray(new JsonObject { ["token"] = word, ["logprob"] = -at, ["bytes"] = new JsonArray() }),
        };
        Answer(Chunk("A", "hi", 0.5), Chunk("B", "yo", 0.25), Chunk("A", "ok", 0.75));

        var t = await Client.TranscribeLongAsync(ThreeSeconds(), Verbose with { ResponseFormat = TranscriptionFormat.DiarizedJson, Model = "gpt-4o-transcribe-diarize" }, ThreeChunks);

        Assert.Equal(["seg_001", "seg_002", "seg_003"], t.DiarizedSegments.Select(d => d.Id));
        Assert.Equal(["A", "B", "A"], t.DiarizedSegments.Select(d => d.Speaker));
        Assert.Equal([0.5, 1.25, 2.75], t.DiarizedSegments.Select(d => Math.Round(d.Start.TotalSeconds, 3)));
        Assert.Equal([0.7, 1.45, 2.95], t.DiarizedSegments.Select(d => Math.Round(d.End.TotalSeconds, 3)));
        Assert.Equal(["hi", "yo", "ok"], t.Words.Select(w => w.Word));
        Assert.Equal([0.5, 1.25, 2.75], t.Words.Select(w => Math.Round(w.Start.TotalSeconds, 3)));
        Assert.Equal([0.7, 1.45, 2.95], t.Words.Select(w => Math.Round(w.End.TotalSeconds, 3)));
        Assert.Equal(["hi", "yo", "ok"], t.LogProbabilities.Select(l => l.Token));
        Assert.Empty(t.Segments);
    }

    [Fact]
    public async Task Language_IsTheFirstOneReported_AndDetectedLanguagesAreListedOnce_InOrderOfAppearance()
    {
        Answer(
            new JsonObject { ["text"] = "a", ["languages"] = new JsonArray(new JsonObject { ["code"] = "de" }) },
            new JsonObject { ["text"] = "b", ["language"] = "french", ["languages"] = new JsonArray(new JsonObject { ["code"] = "fr" }, new JsonObject { ["code"] = "de" }) },
            new JsonObject { ["text"] = "c", ["language"] = "german", ["languages"] = new JsonArray(new JsonObject { ["code"] = "en" }) });

        var t = await Client.TranscribeLongAsync(ThreeSeconds(), Verbose, ThreeChunks);

        Assert.Equal("french", t.Language);
        Assert.Equal(["de", "fr", "en"], t.DetectedLanguages.Select(l => l.Code));
    }

    [Fact]
    public async Task TokenUsage_IsSummed_FieldByField_WhenEveryChunkReportsIt()
    {
        Answer(
            new JsonObject { ["text"] = "a", ["usage"] = Usage(10, 1, 11, text: 2, audio: 8) },
            new JsonObject { ["text"] = "b", ["usage"] = Usage(20, 2, 22, text: 3, audio: 17) },
            new JsonObject { ["text"] = "c", ["usage"] = Usage(30, 3, 33, text: 4, audio: 26) });

        var t = await Client.TranscribeLongAsync(ThreeSeconds(), Verbose, ThreeChunks);

        var usage = t.Usage!;
        Assert.Equal("tokens", usage.Type);
        Assert.Equal(60, usage.InputTokens);
        Assert.Equal(6, usage.OutputTokens);
        Assert.Equal(66, usage.TotalTokens);
        Assert.Equal(9, usage.InputTokenDetails!.TextTokens);
        Assert.Equal(51, usage.InputTokenDetails.AudioTokens);
        Assert.Null(usage.Duration);
    }

    [Fact]
    public async Task TokenUsage_AFieldMissingFromOneChunk_IsUnknown_NotUndercounted()
    {
        Answer(
            new JsonObject { ["text"] = "a", ["usage"] = Usage(10, 1, 11, text: 2, audio: 8) },
            new JsonObject { ["text"] = "b", ["usage"] = Usage(20, null, 22, text: null, audio: 17) },
            new JsonObject { ["text"] = "c", ["usage"] = Usage(30, 3, null, text: 4, audio: 26) });

        var t = await Client.TranscribeLongAsync(ThreeSeconds(), Verbose, ThreeChunks);

        var usage = t.Usage!;
        Assert.Equal(60, usage.InputTokens);
        Assert.Null(usage.OutputTokens);
        Assert.Null(usage.TotalTokens);
        Assert.Null(usage.InputTokenDetails!.TextTokens);
        Assert.Equal(51, usage.InputTokenDetails.AudioTokens);
    }

    [Fact]
    public async Task TokenUsage_DetailsMissingFromOneChunk_AreLeftOut()
    {
        Answer(
            new JsonObject { ["text"] = "a", ["usage"] = Usage(10, 1, 11, text: 2, audio: 8) },
            new JsonObject { ["text"] = "b", ["usage"] = Usage(20, 2, 22, details: false) },
            new JsonObject { ["text"] = "c", ["usage"] = Usage(30, 3, 33, text: 4, audio: 26) });

        var t = await Client.TranscribeLongAsync(ThreeSeconds(), Verbose, ThreeChunks);

        Assert.Equal(66, t.Usage!.TotalTokens);
        Assert.Null(t.Usage.InputTokenDetails);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("mixed")]
    public async Task Usage_IsDropped_WhenAChunkHasNone_OrTheChunksDisagreeOnItsKind(string how)
    {
        var second = how == "missing" ? new JsonObject { ["text"] = "b" } : new JsonObject { ["text"] = "b", ["usage"] = new JsonObject { ["type"] = "duration", ["seconds"] = 1 } };
        Answer(
            new JsonObject { ["text"] = "a", ["usage"] = Usage(10, 1, 11) },
            second,
            new JsonObject { ["text"] = "c", ["usage"] = Usage(30, 3, 33) });

        var t = await Client.TranscribeLongAsync(ThreeSeconds(), Verbose, ThreeChunks);

        Assert.Null(t.Usage);
        Assert.Equal("a b c", t.Text);
    }

    [Fact]
    public async Task DurationUsage_IsSummed()
    {
        Answer(
            new JsonObject { ["text"] = "a", ["usage"] = new JsonObject { ["type"] = "duration", ["seconds"] = 1 } },
            new JsonObject { ["text"] = "b", ["usage"] = new JsonObject { ["type"] = "duration", ["seconds"] = 2 } },
            new JsonObject { ["text"] = "c", ["usage"] = new JsonObject { ["type"] = "duration", ["seconds"] = 4 } });

        var t = await Client.TranscribeLongAsync(ThreeSeconds(), Verbose, ThreeChunks);

        Assert.Equal("duration", t.Usage!.Type);
        Assert.Equal(TimeSpan.FromSeconds(7), t.Usage.Duration);
        Assert.Null(t.Usage.InputTokens);
        Assert.Null(t.Usage.InputTokenDetails);
    }

    [Fact]
    public async Task FirstChunksMetadataAndExtraFields_AreKept()
    {
        Answer(
            new JsonObject { ["text"] = "a", ["routed_model"] = "first" },
            new JsonObject { ["text"] = "b", ["routed_model"] = "second" },
            new JsonObject { ["text"] = "c" });

        var t = await Client.TranscribeLongAsync(ThreeSeconds(), Verbose, ThreeChunks);

        Assert.Equal("first", t.AdditionalProperties["routed_model"].GetString());
        Assert.Equal(Server.Requests[0].Id, t.Metadata.RequestId);
    }

    [Fact]
    public async Task PartialTranscription_OfAFailedRun_HasTheSucceededChunksDuration_AndUsage()
    {
        Answer(
            new JsonObject { ["text"] = "a", ["duration"] = 0.75, ["usage"] = new JsonObject { ["type"] = "duration", ["seconds"] = 1 } },
            new JsonObject { ["text"] = "b", ["duration"] = 1.5, ["usage"] = new JsonObject { ["type"] = "duration", ["seconds"] = 2 } });
        Server.Enqueue(ScriptedResponse.Error(400, AudioErrorCodes.InvalidFile, "Chunk rejected."));

        var ex = await Assert.ThrowsAsync<LongFormChunkException>(() => Client.TranscribeLongAsync(ThreeSeconds(), Verbose, ThreeChunks));

        Assert.Equal(2, ex.FailedChunk.Index);
        Assert.Equal(TimeSpan.FromSeconds(2), ex.FailedChunk.Start);
        Assert.Equal(TimeSpan.FromSeconds(3), ex.FailedChunk.End);
        Assert.Null(ex.FailedChunk.Text);
        Assert.Equal(3, ex.ChunkCount);
        Assert.Equal($"Chunk 3 of 3 (00:00:02.000 to 00:00:03.000) failed: {ex.InnerException!.Message}", ex.Message);
        Assert.Equal(AudioErrorCodes.InvalidFile, Assert.IsType<AudioServiceException>(ex.InnerException).Code);
        Assert.Equal(["a", "b"], ex.CompletedChunks.Select(c => c.Text));
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1)], ex.CompletedChunks.Select(c => c.Start));
        Assert.Equal("a b", ex.PartialTranscription!.Text);
        Assert.Equal(TimeSpan.FromSeconds(2.25), ex.PartialTranscription.Duration);
        Assert.Equal(TimeSpan.FromSeconds(3), ex.PartialTranscription.Usage!.Duration);
        Assert.Null(ex.PartialText);
        Assert.Null(ex.PartialTranslation);
    }

    [Fact]
    public async Task PartialTranscription_WithoutDurations_HasNone_AndOnlyTheKnownOnesAreAdded()
    {
        Answer(new JsonObject { ["text"] = "a" }, new JsonObject { ["text"] = "b" });
        Server.Enqueue(ScriptedResponse.Error(400, AudioErrorCodes.InvalidFile, "Chunk rejected."));
        var none = await Assert.ThrowsAsync<LongFormChunkException>(() => Client.TranscribeLongAsync(ThreeSeconds(), Verbose, ThreeChunks));

        Answer(new JsonObject { ["text"] = "a" }, new JsonObject { ["text"] = "b", ["duration"] = 0.5 });
        Server.Enqueue(ScriptedResponse.Error(400, AudioErrorCodes.InvalidFile, "Chunk rejected."));
        var some = await Assert.ThrowsAsync<LongFormChunkException>(() => Client.TranscribeLongAsync(ThreeSeconds(), Verbose, ThreeChunks));

        Assert.Null(none.PartialTranscription!.Duration);
        Assert.Equal(TimeSpan.FromSeconds(0.5), some.PartialTranscription!.Duration);
    }

    [Fact]
    public async Task Translation_TextSegmentsLanguageAndUsage_AreStitched()
    {
        Answer(
            new JsonObject { ["text"] = " Good ", ["language"] = "english", ["task"] = "translate", ["segments"] = new JsonArray(Segment(0, 0.5, 0.9, "Good")), ["usage"] = new JsonObject { ["type"] = "duration", ["seconds"] = 1 }, ["routed_model"] = "x" },
            new JsonObject { ["text"] = "", ["language"] = "german", ["segments"] = new JsonArray(), ["usage"] = new JsonObject { ["type"] = "duration", ["seconds"] = 1 } },
            new JsonObject { ["text"] = "morning", ["segments"] = new JsonArray(Segment(0, 0.25, 0.5, "morning")), ["usage"] = new JsonObject { ["type"] = "duration", ["seconds"] = 1 } });

        var t = await Client.TranslateLongAsync(ThreeSeconds(), new TranslationOptions { Model = "whisper-1" }, ThreeChunks);

        Assert.Equal("Good morning", t.Text);
        Assert.Equal("english", t.Language);
        Assert.Equal("translate", t.Task);
        Assert.Equal(TimeSpan.FromSeconds(3), t.Duration);
        Assert.Equal([0, 1], t.Segments.Select(s => s.Id));
        Assert.Equal([0.5, 2.25], t.Segments.Select(s => Math.Round(s.Start.TotalSeconds, 3)));
        Assert.Equal(TimeSpan.FromSeconds(3), t.Usage!.Duration);
        Assert.Equal(Server.Requests[0].Id, t.Metadata.RequestId);
    }

    [Fact]
    public async Task PartialTranslation_OfAFailedRun_HasTheSucceededChunksDuration()
    {
        Answer(new JsonObject { ["text"] = "a", ["duration"] = 1.0 }, new JsonObject { ["text"] = "b", ["duration"] = 0.5 });
        Server.Enqueue(ScriptedResponse.Error(400, AudioErrorCodes.InvalidFile, "Chunk rejected."));

        var ex = await Assert.ThrowsAsync<LongFormChunkException>(() => Client.TranslateLongAsync(ThreeSeconds(), new TranslationOptions { Model = "whisper-1" }, ThreeChunks));

        Assert.Equal("a b", ex.PartialTranslation!.Text);
        Assert.Equal(TimeSpan.FromSeconds(1.5), ex.PartialTranslation.Duration);
        Assert.Null(ex.PartialTranscription);
    }

    [Fact]
    public async Task PlainText_IsJoined_AndEndsWithOneNewline()
    {
        foreach (var body in new[] { " one \n", "\n", "two" })
        {
            Server.Enqueue(new ScriptedResponse { Status = 200, ContentType = "text/plain", Body = body });
        }

        var result = await Client.TranscribeLongToTextAsync(ThreeSeconds(), new TranscriptionOptions { Model = "whisper-1" }, ThreeChunks);

        Assert.Equal("one two\n", result.Text);
        Assert.Equal("text", result.Format);
        Assert.Equal(Server.Requests[0].Id, result.Metadata.RequestId);
    }

    [Fact]
    public async Task WebVtt_ChunksAreShifted_AndAnEmptyOrBareChunkIsAccepted()
    {
        foreach (var body in new[] { "WEBVTT\n\n00:00:00.100 --> 00:00:00.400\nfirst\n", "WEBVTT\n\n", "WEBVTT\n\n00:00:00.250 --> 00:00:00.500\nthird\n" })
        {
            Server.Enqueue(new ScriptedResponse { Status = 200, ContentType = "text/vtt", Body = body });
        }

        var result = await Client.TranscribeLongToTextAsync(ThreeSeconds(), new TranscriptionOptions { Model = "whisper-1", ResponseFormat = TranscriptionFormat.Vtt }, ThreeChunks);

        Assert.StartsWith("WEBVTT", result.Text);
        var cues = AudioSdk.Subtitles.SubtitleFile.ParseVtt(result.Text);
        Assert.Equal(["first", "third"], cues.Select(c => c.Text));
        Assert.Equal([0.1, 2.25], cues.Select(c => Math.Round(c.Start.TotalSeconds, 3)));
    }

    [Fact]
    public async Task Srt_AnEmptyChunkIsAccepted_AndTheCuesAreRenumbered()
    {
        foreach (var body in new[] { "1\n00:00:00,100 --> 00:00:00,400\nfirst\n", " \n", "1\n00:00:00,250 --> 00:00:00,500\nthird\n" })
        {
            Server.Enqueue(new ScriptedResponse { Status = 200, ContentType = "text/plain", Body = body });
        }

        var result = await Client.TranscribeLongToTextAsync(ThreeSeconds(), new TranscriptionOptions { Model = "whisper-1", ResponseFormat = TranscriptionFormat.Srt }, ThreeChunks);

        Assert.Equal("srt", result.Format);
        Assert.Equal("1\n00:00:00,100 --> 00:00:00,400\nfirst\n\n2\n00:00:02,250 --> 00:00:02,500\nthird\n\n", result.Text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task AVttChunkThatIsNotWebVtt_IsAnInvalidResponse_NamingTheChunkAndTheProblem()
    {
        Server.Enqueue(new ScriptedResponse { Status = 200, ContentType = "text/vtt", Body = "WEBVTT\n\n00:00:00.100 --> 00:00:00.400\nfirst\n" });
        Server.Enqueue(new ScriptedResponse { Status = 200, ContentType = "text/plain", Body = "no cues, just words" });

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => Client.TranscribeLongToTextAsync(ThreeSeconds(), new TranscriptionOptions { Model = "whisper-1", ResponseFormat = TranscriptionFormat.Vtt }, ThreeChunks));

        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
        Assert.Contains("Chunk 2 of 3 (00:00:01 to 00:00:02)", ex.Message);
        Assert.Contains("WebVTT", ex.Message);
        Assert.Equal(System.Net.HttpStatusCode.OK, ex.Status);
        Assert.Equal(Server.Requests[1].Id, ex.RequestId);
    }

    [Fact]
    public async Task AVttChunkWithTextButNoCue_IsAnInvalidResponse_SayingSo()
    {
        Server.Enqueue(new ScriptedResponse { Status = 200, ContentType = "text/vtt", Body = "WEBVTT\n\nNOTE only a note, no cue\n" });

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => Client.TranscribeLongToTextAsync(ThreeSeconds(), new TranscriptionOptions { Model = "whisper-1", ResponseFormat = TranscriptionFormat.Vtt }, ThreeChunks));

        Assert.Equal("Chunk 1 of 3 (00:00:00 to 00:00:01) was answered with a body that is not WebVTT subtitles: it has text but no cue", ex.Message);
        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
    }
}
