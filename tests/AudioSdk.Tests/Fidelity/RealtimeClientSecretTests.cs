using System.Text.Json;
using System.Text.Json.Nodes;
using AudioSdk.Realtime;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Tests.Realtime;

namespace AudioSdk.Tests.Fidelity;

public sealed class RealtimeClientSecretTests : RealtimeTestBase
{
    private readonly ManualTimeProvider _serverClock = new();

    protected override void Configure(AudioTestServerOptions options) => options.TimeProvider = _serverClock;

    [Fact]
    public async Task Mint_SendsTheGaShape_AndReturnsTheKeyWithItsExpiry()
    {
        var secret = await Client.CreateRealtimeClientSecretAsync(new RealtimeClientSecretOptions
        {
            ExpiresAfter = TimeSpan.FromMinutes(5),
            Model = "gpt-4o-transcribe",
            Session = new JsonObject { ["audio"] = new JsonObject { ["input"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "audio/pcm", ["rate"] = 24000 } } } },
        });

        Assert.StartsWith("ek_", secret.Value);
        Assert.Equal(_serverClock.GetUtcNow().AddMinutes(5).ToUnixTimeSeconds(), secret.ExpiresAt!.Value.ToUnixTimeSeconds());
        Assert.Equal("realtime.session", secret.Session!.Value.GetProperty("object").GetString());
        Assert.DoesNotContain(secret.Value, secret.ToString(), StringComparison.Ordinal);

        var sent = JsonNode.Parse(Server.Requests[0].JsonBody!)!;
        Assert.Equal("POST", Server.Requests[0].Method);
        Assert.Equal("/v1/realtime/client_secrets", Server.Requests[0].Path);
        Assert.Equal("created_at", sent["expires_after"]!["anchor"]!.GetValue<string>());
        Assert.Equal(300, sent["expires_after"]!["seconds"]!.GetValue<long>());
        Assert.Equal("transcription", sent["session"]!["type"]!.GetValue<string>());
        Assert.Equal("gpt-4o-transcribe", sent["session"]!["audio"]!["input"]!["transcription"]!["model"]!.GetValue<string>());
        Assert.Equal(24000, sent["session"]!["audio"]!["input"]!["format"]!["rate"]!.GetValue<int>());
    }

    [Fact]
    public async Task Secret_OpensRealtimeSessions_WithoutTheApiKey_UntilItExpires()
    {
        var secret = await Client.CreateRealtimeClientSecretAsync();
        using var browser = new AudioClient(new AudioClientOptions { Endpoint = Server.Endpoint, Retry = AudioClientRetryOptions.None });
        var options = OpenAI() with { ClientSecret = secret.Value };

        await using (var rt = await browser.StartRealtimeSessionAsync(options))
        {
            await rt.SendAudioAsync(Tone(0.5));
            var committed = await rt.CommitAsync();
            var done = await rt.WaitForTranscriptAsync(committed.ItemId);
            Assert.Contains("Heard 0.5", done.Transcript);
        }

        Assert.Equal("Bearer " + secret.Value, Connection(0).Headers["Authorization"]);
        Assert.DoesNotContain(secret.Value, options.ToString(), StringComparison.Ordinal);

        // The key is for realtime only: REST with it is refused.
        var rest = await Assert.ThrowsAsync<AudioServiceException>(() => new AudioClient(new AudioClientOptions { Endpoint = Server.Endpoint, ApiKey = secret.Value, Retry = AudioClientRetryOptions.None }).ListModelsAsync());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, rest.Status);

        // Past its expiry on the server's clock, no new session opens with it.
        _serverClock.Advance(TimeSpan.FromMinutes(11));
        await Assert.ThrowsAnyAsync<Exception>(() => browser.StartRealtimeSessionAsync(options));
        Assert.Single(Server.RealtimeSessions);
    }

    [Fact]
    public async Task ExpiredSecret_WithAKnownExpiry_FailsBeforeConnecting()
    {
        var options = OpenAI() with { ClientSecret = new RealtimeClientSecret("ek_old", DateTimeOffset.UtcNow.AddMinutes(-1)) };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Client.StartRealtimeSessionAsync(options));

        Assert.Contains("expired", ex.Message);
        Assert.DoesNotContain("ek_old", ex.Message);
        Assert.Empty(Server.Requests);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(7201)]
    public async Task Lifetime_OutsideTheServiceRange_IsRejectedBeforeSending(int seconds)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client.CreateRealtimeClientSecretAsync(new RealtimeClientSecretOptions { ExpiresAfter = TimeSpan.FromSeconds(seconds) }));
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Answer_WithoutAKey_IsAnInvalidResponse()
    {
        Server.Enqueue(new ScriptedResponse { Status = 200, Body = """{"expires_at":1}""" });

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => Client.CreateRealtimeClientSecretAsync());

        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
    }
}
