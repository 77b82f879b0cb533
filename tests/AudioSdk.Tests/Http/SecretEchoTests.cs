using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AudioSdk.Internal;
using AudioSdk.Speech;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AudioSdk.Tests.Http;

/// <summary>A server that echoes the key back, literally and escaped, in every field it controls: none of it may reach an output.</summary>
public sealed class SecretEchoTests
{
    private const string Secret = "sk-ECHO/me+1234567890";

    private static string JsonEscaped(string s) => string.Concat(s.Select((c, i) => i % 2 == 0 ? $"\\u{(int)c:x4}" : c == '/' ? "\\/" : c.ToString()));

    private static string PercentEncoded(string s) => string.Concat(s.Select((c, i) => i % 3 == 0 ? $"%{(int)c:X2}" : Uri.EscapeDataString(c.ToString())));

    private static string HtmlEncoded(string s) => string.Concat(s.Select((c, i) => i % 2 == 0 ? $"&#{(int)c};" : $"&#x{(int)c:x};"));

    /// <summary>Decodes every escape form independently of the SDK, so an escaped echo that survived is found.</summary>
    private static void AssertNoSecret(string? output)
    {
        if (output is null)
        {
            return;
        }

        var forms = new[] { output, Regex.Unescape(output.Replace("\\/", "/", StringComparison.Ordinal)), WebUtility.HtmlDecode(output), Uri.UnescapeDataString(output) };
        Assert.All(forms, f => Assert.DoesNotContain(Secret, f, StringComparison.Ordinal));
    }

    private static IEnumerable<string?> Outputs(AudioServiceException e) =>
        [e.ToString(), e.Message, e.RawBody, e.RequestId, e.Code, e.Param, e.ErrorType, e.Metadata?.ToString(),
            .. e.Metadata?.Headers.SelectMany(h => h.Value.Prepend(h.Key)) ?? []];

    [Theory]
    [InlineData("literal")]
    [InlineData("json")]
    [InlineData("percent")]
    [InlineData("html")]
    public void Redactor_RemovesEveryForm_AndLeavesOtherTextAlone(string form)
    {
        var echoed = form switch
        {
            "literal" => Secret,
            "json" => JsonEscaped(Secret),
            "percent" => PercentEncoded(Secret),
            _ => HtmlEncoded(Secret),
        };

        var redacted = SecretRedactor.Redact($"a \\u0041 %41 &#65; key={echoed}; again {echoed}.", Secret);

        Assert.Equal("a \\u0041 %41 &#65; key=***; again ***.", redacted);
        Assert.Equal("plain", SecretRedactor.Redact("plain", Secret));
        Assert.Equal("x", SecretRedactor.Redact("x", null));
        Assert.Null(SecretRedactor.Redact(null, Secret));
        Assert.Equal("sk-ECHO/me+123456789 (not the key)", SecretRedactor.Redact("sk-ECHO/me+123456789 (not the key)", Secret));
    }

    [Fact]
    public async Task AnErrorAnswer_EchoingTheKeyEverywhere_LeaksItNowhere()
    {
        var logs = new CapturingLoggerFactory();
        await using var server = new RawHttpServer(x => x.RespondAsync(
            401,
            "Unauthorized " + Secret,
            $"{{\"error\":{{\"message\":\"Incorrect API key provided: {JsonEscaped(Secret)}\",\"code\":\"{Secret}\",\"param\":\"{JsonEscaped(Secret)}\",\"type\":\"{PercentEncoded(Secret)}\"}}}}",
            "application/json",
            "x-request-id: req-" + PercentEncoded(Secret),
            $"WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\", key=\"{Secret}\"",
            $"X-Echo-{Secret.Replace("/", string.Empty, StringComparison.Ordinal)}: {HtmlEncoded(Secret)}"));
        using var client = new AudioClient(new AudioClientOptions { Endpoint = server.Endpoint, ApiKey = Secret, LoggerFactory = logs, Retry = AudioClientRetryOptions.None });

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2)), new TranscriptionOptions { Model = "whisper-1" }));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.Status);
        Assert.Contains("Incorrect API key provided: ***", ex.Message);
        Assert.Equal("req-***", ex.RequestId);
        Assert.Contains("***", ex.Metadata!.GetHeader("WWW-Authenticate"));
        Assert.All(Outputs(ex), AssertNoSecret);
        var answered = Assert.Single(logs.Entries, e => e.EventId.Id == 2);
        Assert.Contains("req-***", answered.Message);
        Assert.All(logs.Entries, e =>
        {
            AssertNoSecret(e.Message);
            Assert.All(e.Values.Values, v => AssertNoSecret(Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)));
        });
    }

    [Fact]
    public async Task ASuccessfulAnswer_EchoingTheKeyInHeaders_KeepsItOutOfMetadata()
    {
        await using var server = new RawHttpServer(x => x.RespondAsync(200, "OK " + Secret, "{\"text\":\"hello\"}", "application/json", "x-request-id: " + Secret, "openai-model: " + JsonEscaped(Secret)));
        using var client = new AudioClient(new AudioClientOptions { Endpoint = server.Endpoint, ApiKey = Secret, Retry = AudioClientRetryOptions.None });

        var result = await client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2)), new TranscriptionOptions { Model = "whisper-1" });

        Assert.Equal("hello", result.Text);
        Assert.Equal("***", result.Metadata.RequestId);
        Assert.Equal("***", result.Metadata.Model);
        Assert.All(result.Metadata.Headers.SelectMany(h => h.Value), AssertNoSecret);
    }

    [Theory]
    [InlineData("transcription")]
    [InlineData("speech")]
    public async Task AnSseErrorEvent_EchoingTheKey_LeaksItNowhere(string stream)
    {
        var logs = new CapturingLoggerFactory();
        var error = $"{{\"type\":\"error\",\"error\":{{\"message\":\"stream broke for {JsonEscaped(Secret)}\",\"code\":\"{Secret}\"}}}}";
        var unknown = $"{{\"type\":\"{JsonEscaped(Secret)}\"}}";
        await using var server = new RawHttpServer(async x =>
        {
            await x.ReadBodyAsync();
            await x.WriteAsync($"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\ndata: {unknown}\n\ndata: {error}\n\n");
        });
        using var client = new AudioClient(new AudioClientOptions { Endpoint = server.Endpoint, ApiKey = Secret, LoggerFactory = logs, Retry = AudioClientRetryOptions.None });

        var ex = await Assert.ThrowsAsync<AudioServiceException>(async () =>
        {
            if (stream == "transcription")
            {
                await foreach (var _ in client.TranscribeStreamingAsync(AudioInput.FromBytes(TestAudio.SineWav(0.2)), new TranscriptionOptions { Model = "whisper-1" }))
                {
                }
            }
            else
            {
                await foreach (var _ in client.StreamSpeechAsync("Hi", new SpeechOptions { Model = "tts-1", Voice = "alloy", StreamFormat = SpeechStreamFormat.Sse }))
                {
                }
            }
        });

        Assert.Contains("stream broke for ***", ex.Message);
        Assert.Equal("***", ex.Code);
        Assert.All(Outputs(ex), AssertNoSecret);
        Assert.All(logs.Entries, e => AssertNoSecret(e.Message));
    }

    [Fact]
    public async Task UnderDependencyInjection_TheFactorysTraceLogs_ShowNoKey()
    {
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Secret });
        var logs = new CapturingLoggerFactory();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddAudioClient(o =>
        {
            o.Endpoint = server.Endpoint;
            o.ApiKey = Secret;
            o.DefaultHeaders["x-api-key"] = Secret;
        }).RedactLoggedHeaders(["X-Other"]);
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<AudioClient>().ListModelsAsync();

        var headerLines = logs.Entries.Where(e => e.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal) && e.Message.Contains("Authorization", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(headerLines);
        Assert.All(logs.Entries, e =>
        {
            AssertNoSecret(e.Message);
            Assert.All(e.Values.Values, v => AssertNoSecret(v is IEnumerable<KeyValuePair<string, IEnumerable<string>>> h ? string.Join(";", h.SelectMany(p => p.Value)) : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)));
        });
        Assert.Equal("Bearer " + Secret, Assert.Single(server.Requests).GetHeader("Authorization"));
    }
}
