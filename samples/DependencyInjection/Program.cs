// DependencyInjection: a generic-host program that registers an AudioClient from configuration with
// AddAudioClient, chains a Polly circuit breaker onto its HttpClient, and uses the client from a service.
// Offline: it starts the in-process test server and points the "Audio" section at it.
using AudioSdk;
using AudioSdk.Testing;
using AudioSdk.Transcriptions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

await using var server = await AudioTestServer.StartAsync();

var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Audio:Endpoint"] = server.Endpoint.ToString(),   // in appsettings.json: "Audio": { "Endpoint": "...", "ApiKey": "...", "Retry": { "MaxRetries": 3 } }
    ["Audio:NetworkTimeout"] = "00:05:00",
    ["Audio:Retry:MaxRetries"] = "2",
});
builder.Logging.SetMinimumLevel(LogLevel.Warning);

builder.Services
    .AddAudioClient(builder.Configuration.GetSection("Audio"))
    .AddHttpMessageHandler(() => new CircuitBreakerHandler());   // your own handlers chain onto the client's HttpClient
builder.Services.AddSingleton<MeetingNotes>();

using var host = builder.Build();
await host.StartAsync();                                        // options are validated here, with every problem listed
var notes = host.Services.GetRequiredService<MeetingNotes>();
Console.WriteLine(await notes.SummarizeAsync());
await host.StopAsync();

/// <summary>A service that depends on AudioClient like any other singleton.</summary>
sealed class MeetingNotes(AudioClient audio)
{
    public async Task<string> SummarizeAsync()
    {
        var wav = AudioSdk.Audio.WavFile.Write(Enumerable.Range(0, 48000).Select(i => (float)(0.3 * Math.Sin(2 * Math.PI * 300 * i / 16000))).ToArray(), AudioSdk.Audio.WavFormat.Pcm16Mono(16000));
        var t = await audio.TranscribeAsync(AudioInput.FromBytes(wav, "standup.wav"), new TranscriptionOptions { Model = "whisper-1", ResponseFormat = TranscriptionFormat.VerboseJson });
        return $"{t.Duration?.TotalSeconds:0.0} s transcribed through DI: {t.Text}";
    }
}

/// <summary>A Polly.Core circuit breaker as a DelegatingHandler: after repeated failures, calls fail fast for a while.</summary>
sealed class CircuitBreakerHandler : DelegatingHandler
{
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            FailureRatio = 0.5,
            MinimumThroughput = 10,
            BreakDuration = TimeSpan.FromSeconds(30),
            ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is HttpRequestException || (int?)args.Outcome.Result?.StatusCode >= 500),
        })
        .Build();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(ct => new ValueTask<HttpResponseMessage>(base.SendAsync(request, ct)), cancellationToken).AsTask();
}
