using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioSdk.Speech;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Speech;

public sealed class SpeechTests : ServerTest
{
    [Fact]
    public async Task EveryField_ReachesTheWire_AsOpenAIsJson()
    {
        await Client.GenerateSpeechAsync("Hello there", new SpeechOptions
        {
            Model = "gpt-4o-mini-tts",
            Voice = SpeechVoice.Coral,
            Instructions = "Cheerful.",
            ResponseFormat = SpeechFormat.Wav,
            Speed = 1.25,
            StreamFormat = SpeechStreamFormat.Audio,
            AdditionalProperties = { ["seed"] = 42, ["language"] = "en" },
        });

        var request = Assert.Single(Server.Requests);
        Assert.Equal("/v1/audio/speech", request.Path);
        Assert.StartsWith("application/json", request.ContentType);
        using var body = JsonDocument.Parse(request.JsonBody!);
        var root = body.RootElement;
        Assert.Equal("gpt-4o-mini-tts", root.GetProperty("model").GetString());
        Assert.Equal("Hello there", root.GetProperty("input").GetString());
        Assert.Equal("coral", root.GetProperty("voice").GetString());
        Assert.Equal("Cheerful.", root.GetProperty("instructions").GetString());
        Assert.Equal("wav", root.GetProperty("response_format").GetString());
        Assert.Equal(1.25, root.GetProperty("speed").GetDouble());
        Assert.Equal("audio", root.GetProperty("stream_format").GetString());
        Assert.Equal(42, root.GetProperty("seed").GetInt32());
        Assert.Equal("en", root.GetProperty("language").GetString());
        Assert.Equal(9, root.EnumerateObject().Count());
    }

    [Fact]
    public async Task CustomVoice_IsSentAsAnObject()
    {
        await Client.GenerateSpeechAsync("Hi", new SpeechOptions { Model = "gpt-4o-mini-tts", Voice = SpeechVoice.Custom("voice_1234") });

        var voice = JsonNode.Parse(Server.Requests[0].JsonBody!)!["voice"]!;
        Assert.Equal("voice_1234", voice["id"]!.GetValue<string>());
        Assert.Equal(["model", "input", "voice"], JsonNode.Parse(Server.Requests[0].JsonBody!)!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Wav_IsARealWav_WithContentType_AndCanBeSaved()
    {
        var result = await Client.GenerateSpeechAsync(new string('a', 50), new SpeechOptions { Model = "tts-1", Voice = SpeechVoice.Alloy, ResponseFormat = SpeechFormat.Wav });

        Assert.Equal("audio/wav", result.ContentType);
        var bytes = result.Audio.ToArray();
        Assert.Equal("RIFF"u8.ToArray(), bytes[..4]);
        Assert.Equal(24000, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(24)));
        Assert.Equal(bytes.Length - 44, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(40)));
        Assert.Equal(3.0, (bytes.Length - 44) / 48000.0, 2);
        Assert.Equal(Server.Requests[0].Id, result.Metadata.RequestId);

        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".wav");
        try
        {
            await result.SaveAsync(path);
            Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
            using var stream = result.ToStream();
            var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            Assert.Equal(bytes, copy.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("mp3", "audio/mpeg")]
    [InlineData("opus", "audio/ogg")]
    [InlineData("aac", "audio/aac")]
    [InlineData("flac", "audio/flac")]
    [InlineData("pcm", "audio/pcm")]
    public async Task EveryFormat_ComesBackWithItsContentType(string format, string contentType)
    {
        var result = await Client.GenerateSpeechAsync("Hello", new SpeechOptions { Model = "tts-1", Voice = "alloy", ResponseFormat = format });
        Assert.Equal(contentType, result.ContentType);
        Assert.True(result.Audio.Length > 1000);
    }

    [Fact]
    public async Task Streaming_FirstChunkArrivesBeforeTheServerHasFinished()
    {
        var release = new TaskCompletionSource();
        Server.Enqueue(new ScriptedResponse { PauseAfterFirstChunk = release.Task });

        var stream = Client.StreamSpeechAsync(new string('x', 100), new SpeechOptions { Model = "tts-1", Voice = SpeechVoice.Nova, ResponseFormat = SpeechFormat.Pcm });
        await using var chunks = stream.GetAsyncEnumerator();
        Assert.True(await chunks.MoveNextAsync());
        var total = chunks.Current.Length;

        Assert.Equal(1, Server.ActiveResponses);
        Assert.Equal(0, Server.CompletedResponses);
        Assert.Equal("audio/pcm", stream.ContentType);
        Assert.Equal(Server.Requests[0].Id, stream.Metadata!.RequestId);

        release.SetResult();
        while (await chunks.MoveNextAsync())
        {
            total += chunks.Current.Length;
        }

        Assert.Equal(24000 * 2 * 6, total);
    }

    [Fact]
    public async Task Streaming_SseForm_DecodesDeltasAndReportsUsage()
    {
        var stream = Client.StreamSpeechAsync("Hello world", new SpeechOptions { Model = "gpt-4o-mini-tts", Voice = SpeechVoice.Ash, ResponseFormat = SpeechFormat.Pcm, StreamFormat = SpeechStreamFormat.Sse });
        var audio = new MemoryStream();
        var chunks = 0;
        await foreach (var chunk in stream)
        {
            audio.Write(chunk.Span);
            chunks++;
        }

        Assert.Equal((int)(11 * 0.06 * 24000) * 2, audio.Length);
        Assert.True(chunks > 1);
        Assert.Equal("audio/pcm", stream.ContentType);
        Assert.Equal(2, stream.Usage!.InputTokens);
        Assert.Equal(stream.Usage.InputTokens + stream.Usage.OutputTokens, stream.Usage.TotalTokens);
        Assert.Equal("sse", JsonNode.Parse(Server.Requests[0].JsonBody!)!["stream_format"]!.GetValue<string>());
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await stream.GetAsyncEnumerator().MoveNextAsync());
    }

    [Fact]
    public async Task Generate_WithSseForm_CollectsTheAudio()
    {
        var result = await Client.GenerateSpeechAsync("Hello", new SpeechOptions { Model = "gpt-4o-mini-tts", Voice = "ash", ResponseFormat = SpeechFormat.Wav, StreamFormat = SpeechStreamFormat.Sse });

        Assert.Equal("audio/wav", result.ContentType);
        Assert.Equal("RIFF"u8.ToArray(), result.Audio[..4].ToArray());
        Assert.NotNull(result.Usage);
    }

    [Fact]
    public async Task Streaming_ErrorEvent_Throws_AfterTheAudioBeforeIt()
    {
        Server.Enqueue(new ScriptedResponse
        {
            Status = 200,
            ContentType = "text/event-stream",
            Body = "data: {\"type\":\"speech.audio.delta\",\"audio\":\"AQID\"}\n\ndata: {\"type\":\"error\",\"error\":{\"message\":\"voice crashed\",\"code\":\"upstream_error\"}}\n\n",
        });

        var received = new List<byte>();
        var ex = await Assert.ThrowsAsync<AudioServiceException>(async () =>
        {
            await foreach (var chunk in Client.StreamSpeechAsync("Hi", new SpeechOptions { Model = "m", Voice = "alloy", StreamFormat = SpeechStreamFormat.Sse }))
            {
                received.AddRange(chunk.ToArray());
            }
        });

        Assert.Equal([1, 2, 3], received);
        Assert.Equal(AudioErrorCodes.UpstreamError, ex.Code);
        Assert.Contains("voice crashed", ex.Message);
        Assert.Equal(Server.Requests[0].Id, ex.RequestId);
    }

    [Fact]
    public async Task Streaming_ServerError_BeforeTheStream_Throws()
    {
        Server.Enqueue(ScriptedResponse.Error(400, "invalid_value", "Voice not found.", param: "voice"));
        var ex = await Assert.ThrowsAsync<AudioServiceException>(async () =>
        {
            await foreach (var _ in Client.StreamSpeechAsync("Hi", new SpeechOptions { Model = "m", Voice = "nobody" }))
            {
            }
        });
        Assert.Equal("voice", ex.Param);
    }

    [Theory]
    [InlineData(0.24)]
    [InlineData(4.01)]
    [InlineData(double.NaN)]
    public async Task Speed_OutsideRange_IsRejectedBeforeSending(double speed)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client.GenerateSpeechAsync("Hi", new SpeechOptions { Model = "tts-1", Voice = "alloy", Speed = speed }));
        Assert.Throws<ArgumentException>(() => Client.StreamSpeechAsync("Hi", new SpeechOptions { Model = "tts-1", Voice = "alloy", Speed = speed }));
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Speed_AtTheLimits_IsAccepted()
    {
        await Client.GenerateSpeechAsync("Hi", new SpeechOptions { Model = "tts-1", Voice = "alloy", Speed = 0.25 });
        await Client.GenerateSpeechAsync("Hi", new SpeechOptions { Model = "tts-1", Voice = "alloy", Speed = 4.0 });
        Assert.Equal(2, Server.Requests.Count);
    }

    [Fact]
    public async Task Input_Over4096Characters_IsRejectedBeforeSending()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Client.GenerateSpeechAsync(new string('a', 4097), new SpeechOptions { Model = "tts-1", Voice = "alloy" }));
        Assert.Contains("4097", ex.Message);
        await Client.GenerateSpeechAsync(new string('a', 4096), new SpeechOptions { Model = "tts-1", Voice = "alloy", ResponseFormat = SpeechFormat.Pcm });
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task Input_CountsCharactersNotUtf16Units()
    {
        var emoji = string.Concat(Enumerable.Repeat("😀", 4096));
        Assert.Equal(8192, emoji.Length);
        Server.Enqueue(new ScriptedResponse { Status = 200, Body = "ok", ContentType = "audio/mpeg" });
        await Client.GenerateSpeechAsync(emoji, new SpeechOptions { Model = "tts-1", Voice = "alloy" });
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task MissingFields_AreRejectedBeforeSending()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client.GenerateSpeechAsync("", new SpeechOptions { Model = "tts-1", Voice = "alloy" }));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.GenerateSpeechAsync("Hi", new SpeechOptions { Model = " ", Voice = "alloy" }));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.GenerateSpeechAsync("Hi", new SpeechOptions { Model = "tts-1", Voice = "alloy", AdditionalProperties = { ["voice"] = "x" } }));
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public void Voices_CoverTheProvidersDocumentedSets()
    {
        Assert.Equal(13, SpeechVoice.OpenAIVoices.Count);
        Assert.Equal(9, SpeechVoice.Qwen3TtsVoices.Count);
        Assert.Equal(20, SpeechVoice.VoxtralTtsVoices.Count);
        Assert.Equal(42, SpeechVoice.OpenAIVoices.Concat(SpeechVoice.Qwen3TtsVoices).Concat(SpeechVoice.VoxtralTtsVoices).Select(v => v.ToString()).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(SpeechVoice.Alloy, (SpeechVoice)"ALLOY");
        Assert.NotEqual(SpeechVoice.Custom("alloy"), SpeechVoice.Alloy);
        Assert.Equal("uncle_fu", SpeechVoice.UncleFu.ToString());
    }
}
