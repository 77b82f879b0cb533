using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using AudioSdk.Realtime;
using AudioSdk.Speech;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using AudioSdk.Usage;
using Microsoft.Extensions.Logging;

namespace AudioSdk.Tests.Extensions;

/// <summary>Spans, metrics and logs, read with the BCL listeners; runs alone so the process-wide listeners see only this test.</summary>
[Collection(nameof(AudioSdk.Tests.Audio.MemoryMeasurement))]
public sealed class ObservabilityTests : ServerTest
{
    [Fact]
    public async Task SpansAndInstruments_DescribeEachOperation()
    {
        var activities = new ConcurrentQueue<Activity>();
        using var activityListener = ListenToSpans(activities);
        var measurements = new ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "AudioSdk")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tags(tags))));
        meterListener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tags(tags))));
        meterListener.Start();

        await Client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(2)), new TranscriptionOptions { Model = "whisper-1", ResponseFormat = TranscriptionFormat.VerboseJson });
        await Client.GenerateSpeechAsync("Hello world", new SpeechOptions { Model = "tts-1", Voice = "alloy" });
        Server.Enqueue(ScriptedResponse.Error(400, AudioErrorCodes.InvalidFile));
        await Assert.ThrowsAsync<AudioServiceException>(() => Client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(1)), new TranscriptionOptions { Model = "whisper-1" }));
        await using (var rt = await Client.StartRealtimeSessionAsync(new RealtimeSessionOptions { Model = "gpt-4o-transcribe" }))
        {
            await rt.TranscribeUtteranceAsync(new byte[3200]);
        }

        var spans = activities.ToList();
        var transcribe = spans.First(a => a.OperationName == "audiosdk.transcribe" && a.Status == ActivityStatusCode.Ok);
        Assert.Equal(ActivityKind.Client, transcribe.Kind);
        Assert.Equal("transcribe", transcribe.GetTagItem("audiosdk.operation"));
        Assert.Equal("whisper-1", transcribe.GetTagItem("gen_ai.request.model"));
        Assert.Equal("127.0.0.1", transcribe.GetTagItem("server.address"));
        Assert.Equal(Server.Endpoint.Port, transcribe.GetTagItem("server.port"));
        Assert.Equal("POST", transcribe.GetTagItem("http.request.method"));
        Assert.Equal("audio/transcriptions", transcribe.GetTagItem("url.path"));
        Assert.Equal(200, transcribe.GetTagItem("http.response.status_code"));
        Assert.Equal(TestAudio.SineWav(2).LongLength, transcribe.GetTagItem("audiosdk.request.body.size"));
        var failed = spans.Single(a => a.Status == ActivityStatusCode.Error);
        Assert.Equal("400", failed.GetTagItem("error.type"));
        Assert.Equal(nameof(AudioServiceException), failed.StatusDescription);
        Assert.Equal(400, failed.GetTagItem("http.response.status_code"));
        Assert.Equal(AudioErrorCodes.InvalidFile, failed.GetTagItem("audiosdk.error.code"));
        var speech = spans.Single(a => a.OperationName == "audiosdk.speech");
        Assert.Equal("speech", speech.GetTagItem("audiosdk.operation"));
        Assert.Equal("tts-1", speech.GetTagItem("gen_ai.request.model"));
        Assert.Equal("audio/speech", speech.GetTagItem("url.path"));

        meterListener.RecordObservableInstruments();
        var all = measurements.ToList();
        Assert.Equal(3, all.Count(m => m.Name == "audiosdk.client.request.duration"));
        Assert.Contains(all, m => m.Name == "audiosdk.client.request.duration" && (string?)m.Tags["error.type"] == "400");
        var succeeded = all.Single(m => m.Name == "audiosdk.client.request.duration" && (string?)m.Tags["audiosdk.operation"] == "speech");
        Assert.Equal("tts-1", succeeded.Tags["gen_ai.request.model"]);
        Assert.Equal("127.0.0.1", succeeded.Tags["server.address"]);
        Assert.Null(succeeded.Tags["error.type"]);
        var audio = all.Single(m => m.Name == "audiosdk.client.audio.duration");
        Assert.Equal(2.0, audio.Value);
        Assert.Equal("transcribe", audio.Tags["audiosdk.operation"]);
        Assert.Equal(11, all.Single(m => m.Name == "audiosdk.client.speech.characters").Value);
        Assert.Contains(all, m => m.Name == "audiosdk.client.realtime.events" && (string?)m.Tags["audiosdk.realtime.event"] == "TranscriptCompleted");
        Assert.Single(all, m => m.Name == "audiosdk.client.realtime.session.duration");
    }

    [Fact]
    public async Task TheKey_AppearsInNoLogLineAndNoExceptionMessage_FailingOrSucceeding()
    {
        const string secret = "sk-NEVER-LOG-ME-1234567890";
        var logs = new CapturingLoggerFactory();
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = secret });
        using var client = new AudioClient(new AudioClientOptions { Endpoint = server.Endpoint, ApiKey = secret, LoggerFactory = logs, Retry = new AudioClientRetryOptions { MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(1), UseJitter = false } });
        var errors = new List<Exception>();

        await client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(1)), new TranscriptionOptions { Model = "whisper-1" });
        await client.GetUsageAsync(new UsageQuery { AdditionalParameters = { ["api_key"] = secret } });
        await using (var rt = await client.StartRealtimeSessionAsync(new RealtimeSessionOptions { Model = "m", AdditionalQueryParameters = new Dictionary<string, string> { ["key"] = secret } }))
        {
            await rt.TranscribeUtteranceAsync(new byte[3200]);
            errors.Add(await Assert.ThrowsAsync<RealtimeException>(() => rt.CommitAsync()));
        }

        server.Enqueue(ScriptedResponse.Error(500, "upstream_error", "upstream said Bearer " + secret));
        server.Enqueue(ScriptedResponse.Error(400, "invalid_value", "bad key " + secret));
        errors.Add(await Assert.ThrowsAsync<AudioServiceException>(() => client.ListModelsAsync()));
        using var wrong = new AudioClient(new AudioClientOptions { Endpoint = server.Endpoint, ApiKey = secret + "x", LoggerFactory = logs });
        errors.Add(await Assert.ThrowsAsync<AudioServiceException>(() => wrong.GenerateSpeechAsync("hi", new SpeechOptions { Model = "tts-1", Voice = "alloy" })));
        errors.Add(Assert.Throws<ArgumentException>(() => new AudioClient(new AudioClientOptions { ApiKey = secret + "\n" })));

        Assert.Contains(logs.Entries, e => e.EventId.Id == 3);
        Assert.Contains(logs.Entries, e => e.EventId.Id == 6);
        Assert.Contains(logs.Entries, e => e.EventId.Id == 7);
        Assert.All(logs.Entries, e =>
        {
            Assert.DoesNotContain(secret, e.Message);
            Assert.All(e.Values.Values, v => Assert.DoesNotContain(secret, Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
        });
        Assert.All(errors, e => Assert.DoesNotContain(secret, e.ToString()));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("Heard", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EachAttempt_IsLoggedAtDebug_WithItsNumber_ThenItsAnswer()
    {
        var logs = new CapturingLoggerFactory();
        Server.Enqueue(ScriptedResponse.Error(503, "upstream_error"));
        using var client = CreateClient(o =>
        {
            o.LoggerFactory = logs;
            o.Retry = new AudioClientRetryOptions { MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(1), UseJitter = false };
        });

        await client.ListModelsAsync();

        var lines = logs.Entries.Where(e => e.EventId.Id is 1 or 2).Select(e => e.Message).ToList();
        Assert.Equal(4, lines.Count);
        Assert.Equal("Sending GET models (attempt 1).", lines[0]);
        Assert.StartsWith("GET models answered 503 with request id req_", lines[1], StringComparison.Ordinal);
        Assert.Equal("Sending GET models (attempt 2).", lines[2]);
        Assert.StartsWith("GET models answered 200 with request id req_", lines[3], StringComparison.Ordinal);
        Assert.All(logs.Entries.Where(e => e.EventId.Id is 1 or 2), e => Assert.Equal(LogLevel.Debug, e.Level));
    }

    [Fact]
    public async Task AFailureWithoutAResponse_IsTaggedWithItsExceptionType_AndTheDurationIsOnTheClientsClock()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var activityListener = ListenToSpans(spans);
        var durations = new ConcurrentQueue<(double Seconds, Dictionary<string, object?> Tags)>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "AudioSdk" && instrument.Name == "audiosdk.client.request.duration")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<double>((_, v, tags, _) => durations.Enqueue((v, Tags(tags))));
        meterListener.Start();

        // Nothing listens on the port: the connection is refused.
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        using (var refused = new AudioClient(new AudioClientOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/v1"), ApiKey = ApiKey, Retry = AudioClientRetryOptions.None }))
        {
            var transport = await Assert.ThrowsAsync<AudioTransportException>(() => refused.ListModelsAsync());
            Assert.IsType<HttpRequestException>(transport.InnerException);
        }

        var failed = spans.Single(a => a.Status == ActivityStatusCode.Error);
        Assert.Equal(nameof(HttpRequestException), failed.StatusDescription);
        Assert.Equal(typeof(HttpRequestException).FullName, failed.GetTagItem("error.type"));
        Assert.Null(failed.GetTagItem("http.response.status_code"));
        Assert.Equal(typeof(HttpRequestException).FullName, Assert.Single(durations).Tags["error.type"]);

        // A 429 asks for 45 s; the client waits them on its own clock, and the duration is measured on that clock.
        var clock = new ManualTimeProvider();
        Server.Enqueue(ScriptedResponse.RateLimited(45));
        using var client = CreateClient(o =>
        {
            o.TimeProvider = clock;
            o.Retry = new AudioClientRetryOptions { MaxRetries = 1, MaxRetryAfter = TimeSpan.FromMinutes(1) };
        });
        var call = client.ListModelsAsync();
        await Poll.UntilAsync(() => clock.PendingDelays.Contains(TimeSpan.FromSeconds(45)));
        clock.Advance(TimeSpan.FromSeconds(45));
        await call.WaitAsync(TimeSpan.FromSeconds(10));

        var (seconds, tags) = durations.Last();
        Assert.Equal(45.0, seconds);
        Assert.Null(tags["error.type"]);
        Assert.Equal("models.list", tags["audiosdk.operation"]);
    }

    /// <summary>Records every span of the SDK's source as it stops.</summary>
    private static ActivityListener ListenToSpans(ConcurrentQueue<Activity> stopped)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "AudioSdk",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var d = new Dictionary<string, object?>();
        foreach (var t in tags)
        {
            d[t.Key] = t.Value;
        }

        return d;
    }
}
