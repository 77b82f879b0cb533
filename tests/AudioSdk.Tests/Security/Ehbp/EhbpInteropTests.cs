using System.Text.Json;
using AudioSdk.Security;
using AudioSdk.Security.Ehbp;
using AudioSdk.Speech;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.Security.Ehbp;

/// <summary>EHBP against code we did not write: the official ehbp 0.1.7 npm client, and an origin on @hpke/core.</summary>
public sealed class EhbpInteropTests
{
    private const string Key = "sk-interop-secret";

    [NodeInteropFact]
    public async Task OfficialNpmClient_SpeaksToTheTestServer_OnEveryRoute()
    {
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Ehbp = true });
        var wav = Path.Combine(Path.GetTempPath(), $"ehbp-interop-{Guid.NewGuid():N}.wav");
        await File.WriteAllBytesAsync(wav, TestAudio.SineWav(0.5));
        try
        {
            using var node = NodeInterop.Start("client.mjs", server.BaseAddress.ToString().TrimEnd('/'), Key, wav);
            var stdout = node.StandardOutput.ReadToEndAsync();
            var stderr = node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(node.ExitCode == 0, await stderr);
            var r = JsonDocument.Parse(await stdout).RootElement;

            Assert.Equal(Convert.ToHexString(server.HpkePublicKey.Span).ToLowerInvariant(), r.GetProperty("serverKey").GetString());
            Assert.Equal(200, r.GetProperty("speech").GetProperty("status").GetInt32());
            Assert.Equal("RIFF", r.GetProperty("speech").GetProperty("head").GetString());
            Assert.True(r.GetProperty("speechSse").GetProperty("done").GetBoolean(), r.GetProperty("speechSse").ToString());
            Assert.StartsWith("Segment 1", r.GetProperty("transcription").GetProperty("text").GetString());
            Assert.True(r.GetProperty("transcriptionStream").GetProperty("done").GetBoolean(), r.GetProperty("transcriptionStream").ToString());
            Assert.False(string.IsNullOrEmpty(r.GetProperty("translation").GetProperty("text").GetString()));
            Assert.True(r.GetProperty("clientSecret").GetProperty("hasValue").GetBoolean(), r.GetProperty("clientSecret").ToString());
            Assert.Equal(400, r.GetProperty("error").GetProperty("status").GetInt32());
            Assert.Contains("input", r.GetProperty("error").GetProperty("body").GetString());
            Assert.True(r.GetProperty("models").GetProperty("count").GetInt32() > 0);
            Assert.Equal(200, r.GetProperty("usage").GetProperty("status").GetInt32());

            var posts = server.Requests.Where(q => q.Method == "POST").ToList();
            Assert.Equal(7, posts.Count);
            Assert.All(posts, q => Assert.True(q.Headers.ContainsKey(EhbpProtocol.EncapsulatedKeyHeader), q.Path));
            Assert.Contains(posts, q => q.JsonBody?.Contains("hello from node", StringComparison.Ordinal) == true);
        }
        finally
        {
            File.Delete(wav);
        }
    }

    [NodeInteropFact]
    public async Task Sdk_SpeaksToAnHpkeCoreOrigin()
    {
        using var node = NodeInterop.Start("origin.mjs");
        try
        {
            var first = await node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var hello = JsonDocument.Parse(first!).RootElement;
            var endpoint = new Uri($"http://127.0.0.1:{hello.GetProperty("port").GetInt32()}/v1");
            var key = Convert.FromHexString(hello.GetProperty("publicKey").GetString()!);
            using var client = new AudioClient(new AudioClientOptions
            {
                Endpoint = endpoint,
                ApiKey = Key,
                Retry = AudioClientRetryOptions.None,
                HttpHandler = new EhbpHttpHandler(endpoint, new StaticPinAttestor([TlsPin.FromBytes(new byte[32])], key), new SocketsHttpHandler(), null, TimeProvider.System),
            });
            var wav = TestAudio.SineWav(0.5);

            var speech = await client.GenerateSpeechAsync("hello node", new SpeechOptions { Model = "tts-1", Voice = "alloy", ResponseFormat = SpeechFormat.Wav });
            Assert.Equal("RIFF"u8.ToArray(), speech.Audio[..4].ToArray());
            Assert.Equal(44 + 24000, speech.Audio.Length);

            var transcription = await client.TranscribeAsync(AudioInput.FromBytes(wav, "a.wav"), new TranscriptionOptions { Model = "whisper-1" });
            Assert.Equal($"node heard {wav.Length} bytes", transcription.Text);

            var updates = new List<TranscriptionUpdate>();
            await foreach (var update in client.TranscribeStreamingAsync(AudioInput.FromStream(new ForwardOnlyStream(new MemoryStream(wav)), "a.wav", "audio/wav"), new TranscriptionOptions { Model = "gpt-4o-transcribe" }))
            {
                updates.Add(update);
            }

            Assert.Equal(["node ", $"heard {wav.Length} bytes"], updates.Where(u => u.Delta is not null).Select(u => u.Delta!));
            Assert.Equal($"node heard {wav.Length} bytes", updates[^1].Text);

            var error = await Assert.ThrowsAsync<AudioServiceException>(() => client.GenerateSpeechAsync("fail please", new SpeechOptions { Model = "tts-1", Voice = "alloy" }));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.Status);
            Assert.Equal("missing_input", error.Code);
            Assert.Equal("req_node", error.RequestId);
            Assert.DoesNotContain("Unauthenticated", error.Message);

            Assert.Equal("node-whisper", Assert.Single(await client.ListModelsAsync()).Id);
        }
        finally
        {
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
        }
    }
}
