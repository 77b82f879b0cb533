using System.Diagnostics;
using AudioSdk.Extensions.AI;
using AudioSdk.Realtime;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Tests.Realtime;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using MeaiOptions = Microsoft.Extensions.AI.RealtimeSessionOptions;
using RealtimeSessionOptions = AudioSdk.Realtime.RealtimeSessionOptions;

namespace AudioSdk.Tests.Extensions;

/// <summary>
/// Microsoft.Extensions.AI's logging middleware at Trace (it serializes every message and its raw representation) and
/// its OpenTelemetry middleware with sensitive data on, over <c>AsRealtimeClient()</c>, against a server that echoes the
/// bearer (API key or ephemeral client secret) in every event family and encoding: no log message, state pair, scope,
/// exception, activity tag or activity event holds it.
/// </summary>
public sealed class RealtimeClientLeakTests : RealtimeTestBase
{
    private const string SourceName = "AudioSdk.Tests.Realtime.Leak";

    /// <summary>Server messages that carry <paramref name="secret"/> in the forms servers echo it.</summary>
    private static IEnumerable<string> Echoes(string secret)
    {
        var escaped = string.Concat(secret.Select(c => $"\\u{(int)c:x4}"));
        var percent = string.Concat(secret.Select(c => $"%{(int)c:X2}"));
        var html = string.Concat(secret.Select(c => $"&#{(int)c};"));
        yield return "{\"type\":\"session.updated\",\"session\":{\"type\":\"realtime\",\"client_secret\":{\"value\":\"" + secret + "\",\"expires_at\":0}}}";
        yield return $$$"""{"type":"conversation.item.added","item":{"id":"item_echo","type":"message","status":"completed","role":"user","content":[{"type":"input_text","text":"my key is {{{escaped}}}"}]}}""";
        yield return $$$"""{"type":"rate_limits.updated","rate_limits":[{"name":"{{{secret}}}","limit":1,"remaining":0,"reset_seconds":1}]}""";
        yield return $$$"""{"type":"error","error":{"type":"invalid_request_error","code":"invalid_api_key","message":"Incorrect API key provided: {{{secret}}}","param":"{{{percent}}}","event_id":"evt_unrelated"}}""";
        yield return $$$"""{"type":"x.vendor.debug","headers":{"authorization":"Bearer {{{percent}}}","cookie":"{{{html}}}"}}""";
        yield return $$$"""{"type":"conversation.item.input_audio_transcription.failed","item_id":"item_echo","content_index":0,"error":{"type":"server_error","code":"auth","message":"bearer {{{secret}}} rejected"}}""";
        yield return $$$"""{"type":"response.output_item.done","response_id":"resp_echo","output_index":0,"item":{"id":"item_echo2","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"{{{escaped}}}"}]}}""";
    }

    /// <summary>Every form of the secret a sink could end up storing.</summary>
    private static string[] Forms(string secret) =>
        [secret, string.Concat(secret.Select(c => $"%{(int)c:X2}")), string.Concat(secret.Select(c => $"&#{(int)c};")), string.Concat(secret.Select(c => $"\\u{(int)c:x4}"))];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TraceLoggingAndSensitiveTelemetry_NeverRecordTheBearer_WhateverTheServerEchoes(bool ephemeral)
    {
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (activities) { activities.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        var records = new RecordingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(records).SetMinimumLevel(LogLevel.Trace));
        using var client = CreateClient(o => o.LoggerFactory = factory);
        RealtimeClientSecret? clientSecret = ephemeral ? await client.CreateRealtimeClientSecretAsync(new RealtimeClientSecretOptions { SessionType = "realtime", Model = "gpt-realtime" }) : null;
        var secret = clientSecret?.Value ?? ApiKey;
        foreach (var echo in Echoes(secret))
        {
            Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", Send = echo });
        }

        var template = new RealtimeSessionOptions { Dialect = RealtimeDialect.OpenAIConversation, Model = "gpt-realtime", InputSampleRate = 24000, ResponseTimeout = TimeSpan.FromSeconds(20), ClientSecret = clientSecret };
        using var realtime = client.AsRealtimeClient(template).AsBuilder()
            .UseLogging(factory)
            .UseOpenTelemetry(factory, SourceName, c => c.EnableSensitiveData = true)
            .Build();
        var seen = new List<RealtimeServerMessage>();
        await using (var session = await realtime.CreateSessionAsync(new MeaiOptions { Instructions = "Be brief." }))
        {
            await session.SendAsync(new InputAudioBufferAppendRealtimeClientMessage(new DataContent(Tone(0.8, 440, 24000), "audio/pcm")));
            await session.SendAsync(new InputAudioBufferCommitRealtimeClientMessage());
            await session.SendAsync(new CreateResponseRealtimeClientMessage());
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await foreach (var m in session.GetStreamingResponseAsync(cts.Token))
            {
                seen.Add(m);
                if (m is ResponseCreatedRealtimeServerMessage { Status: "completed" } r && r.Type == RealtimeServerMessageType.ResponseDone)
                {
                    break;
                }
            }
        }

        // The echoes arrived and were logged whole (the check below would be empty otherwise).
        Assert.Contains(seen, m => m.RawRepresentation is UnknownMessage { EventType: "x.vendor.debug" });
        Assert.Contains(seen, m => m.RawRepresentation is RateLimitsUpdated);
        Assert.Contains(records.Records, r => r.Level == LogLevel.Trace && r.Message.Contains("x.vendor.debug", StringComparison.Ordinal));
        Assert.Contains(records.Records, r => r.Level == LogLevel.Trace && r.Message.Contains("rate_limits", StringComparison.Ordinal));
        Assert.NotEmpty(activities);

        var texts = records.Records.SelectMany(RecordingLoggerProvider.Texts)
            .Concat(activities.SelectMany(a => a.TagObjects.Select(t => t.Key + "=" + t.Value)))
            .Concat(activities.SelectMany(a => a.Events.SelectMany(e => e.Tags.Select(t => e.Name + ":" + t.Key + "=" + t.Value))))
            .Concat(activities.Select(a => a.DisplayName + " " + a.StatusDescription))
            .Concat(seen.Select(m => m.RawRepresentation is RealtimeEvent e ? e.Raw.ToString() : string.Empty))
            .ToList();
        var forms = Forms(secret);
        Assert.Null(texts.FirstOrDefault(t => forms.Any(f => t.Contains(f, StringComparison.OrdinalIgnoreCase))));
    }
}
