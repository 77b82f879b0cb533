using AudioSdk.Speech;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AudioSdk.Tests.Extensions;

/// <summary>
/// Under dependency injection with logging at Trace, no record caused by the SDK's registration (IHttpClientFactory's
/// own request and header logging, the SDK's logs) carries the key or a secret default header in its message, its
/// structured state, its scopes or its exception, while the factory's useful logs are still written.
/// </summary>
public sealed class DependencyInjectionLoggingTests : ServerTest
{
    private const string HeaderSecret = "azure-key-7c1e9d0f5b2a";
    private const string UserSecret = "tenant-token-39d8e1";
    private const string ConfiguredSecret = "seal-5512aa90";

    [Fact]
    public async Task AtTrace_NoRecordCarriesASecret_InItsMessageStateScopesOrException()
    {
        var recorder = new RecordingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(recorder));
        services.AddAudioClient(o =>
        {
            o.Endpoint = Server.Endpoint;
            o.ApiKey = ApiKey;
            o.DefaultHeaders["api-key"] = HeaderSecret;
            o.DefaultHeaders["X-Tenant-Token"] = UserSecret;
            o.DefaultHeaders["X-Org-Seal"] = ConfiguredSecret;
            o.DefaultHeaders["X-Tenant"] = "blue";
            o.Retry = new AudioClientRetryOptions { MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(1), UseJitter = false };
        }).RedactLoggedHeaders(["X-Org-Seal"]);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<AudioClient>();

        // A REST call, a streamed call, and an error after a retry.
        await client.ListModelsAsync();
        var audio = 0;
        await foreach (var chunk in client.StreamSpeechAsync("Hello there.", new SpeechOptions { Model = "tts-1", Voice = SpeechVoice.Alloy, ResponseFormat = SpeechFormat.Pcm }))
        {
            audio += chunk.Length;
        }

        Server.Enqueue(ScriptedResponse.Error(500, "upstream_error", "first"));
        Server.Enqueue(ScriptedResponse.Error(500, "upstream_error", "second"));
        var error = await Assert.ThrowsAsync<AudioServiceException>(() => client.ListModelsAsync());

        Assert.True(audio > 0);
        Assert.Equal("Bearer " + ApiKey, Server.Requests[0].GetHeader("Authorization"));
        Assert.Equal(HeaderSecret, Server.Requests[0].GetHeader("api-key"));
        var records = recorder.Records.ToList();

        // The factory's useful logs are still there: requests, statuses and (redacted) headers at Trace.
        var http = records.Where(r => r.Category.StartsWith("System.Net.Http.HttpClient.", StringComparison.Ordinal)).ToList();
        Assert.Contains(http, r => r.Message.Contains("GET", StringComparison.Ordinal) && r.Message.Contains("/models", StringComparison.Ordinal));
        Assert.Contains(http, r => r.Message.Contains("500", StringComparison.Ordinal));
        Assert.Contains(http, r => r.Level == LogLevel.Trace && r.Message.Contains("Authorization", StringComparison.Ordinal));
        Assert.Contains(http, r => r.Level == LogLevel.Trace && r.Message.Contains("X-Tenant: blue", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Category.StartsWith("AudioSdk", StringComparison.Ordinal));

        string[] secrets = [ApiKey, "Bearer sk-", HeaderSecret, UserSecret, ConfiguredSecret];
        var leaks = (from record in records
                     from text in RecordingLoggerProvider.Texts(record)
                     where secrets.Any(secret => text.Contains(secret, StringComparison.Ordinal))
                     select $"{record.Category} [{record.EventId}]: {text}").ToList();
        Assert.True(leaks.Count == 0, "Records carry a secret:\n" + string.Join("\n", leaks));

        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, error.ToString(), StringComparison.Ordinal);
        }
    }
}
