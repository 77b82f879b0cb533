using System.Text.Json;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TelephonyBridge;

namespace AudioSdk.Tests.Samples;

/// <summary>
/// The telephony sample's bridge end to end, over real sockets: a scripted caller on the media-stream protocol (JSON
/// frames, base64 μ-law at 8 kHz) talks to the bridge in a Kestrel app on 127.0.0.1, which holds a realtime conversation
/// with the test server (server turn detection, answers, barge-in). The caller asks, hears the answer in μ-law, plays it
/// in real time acknowledging marks, and talks over it: the bridge sends <c>clear</c> and truncates the answer at what
/// the marks said was played.
/// </summary>
public sealed class TelephonyBridgeTests : ServerTest
{
    [Fact]
    public async Task ACaller_HearsTheAnswer_AndInterruptingItClearsAndTruncates()
    {
        Server.EnqueueConversationReply(new ConversationReply { Text = "Thanks for calling the support line. I can help you with your order, your invoice or a delivery that has not arrived yet, so tell me which one it is." });
        var (app, address, _) = await StartBridgeAsync();
        await using var _app = app;

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var outcome = await new ScriptedCaller(address) { InterruptAfter = TimeSpan.FromSeconds(0.8) }.CallAsync(timeout.Token);

        // The answer came back as μ-law the caller could play: seconds of it, at the test server's tone level.
        Assert.InRange(outcome.AnswerReceived.TotalSeconds, 1.0, 10);
        Assert.True(outcome.AnswerRms > 0.05, $"answer RMS {outcome.AnswerRms:0.000}");
        Assert.True(outcome.Cleared, "no clear after the caller talked over the answer");

        // The answer was truncated at what the caller had played when it spoke (marks come back as the audio plays).
        var session = Assert.Single(Server.RealtimeSessions);
        var truncate = await WaitForAsync(session, "conversation.item.truncate");
        var endMs = truncate.GetProperty("audio_end_ms").GetInt32();
        Assert.InRange(endMs, outcome.PlayedAtInterruption.TotalMilliseconds - 100, outcome.PlayedAtInterruption.TotalMilliseconds + 300);
        await app.StopAsync();
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"event\":\"start\"}")]
    [InlineData("{\"event\":\"start\",\"start\":{\"streamSid\":\"MZ1\"}}|{\"event\":\"media\",\"media\":{\"payload\":\"%%% not base64\"}}")]
    [InlineData("{\"event\":\"mark\",\"mark\":{}}")]
    public async Task AFrameThatIsNotTheMediaStreamShape_EndsTheCall_WithPolicyViolation_AndNothingThrown(string frames)
    {
        var (app, address, failures) = await StartBridgeAsync();
        await using var _app = app;
        using var caller = new System.Net.WebSockets.ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await caller.ConnectAsync(address, timeout.Token);
        foreach (var frame in frames.Split('|'))
        {
            await caller.SendAsync(System.Text.Encoding.UTF8.GetBytes(frame), System.Net.WebSockets.WebSocketMessageType.Text, true, timeout.Token);
        }

        var buffer = new byte[4096];
        System.Net.WebSockets.WebSocketReceiveResult result;
        do
        {
            result = await caller.ReceiveAsync(buffer, timeout.Token);
        }
        while (result.MessageType != System.Net.WebSockets.WebSocketMessageType.Close);

        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, result.CloseStatus);
        Assert.Equal("not a media-stream frame", result.CloseStatusDescription);
        await app.StopAsync();
        Assert.Empty(failures);
    }

    /// <summary>The bridge in a Kestrel app on 127.0.0.1; exceptions escaping <see cref="MediaStreamBridge.RunAsync"/> are collected.</summary>
    private async Task<(WebApplication App, Uri Address, System.Collections.Concurrent.ConcurrentQueue<Exception> Failures)> StartBridgeAsync()
    {
        var bridge = new MediaStreamBridge(Client, MediaStreamBridge.PhoneCall("gpt-realtime", "Be brief."));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        app.UseWebSockets();
        app.Map("/media", async context =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            try
            {
                await bridge.RunAsync(socket, context.RequestAborted);
            }
            catch (Exception ex)
            {
                failures.Enqueue(ex);
                throw;
            }
        });
        await app.StartAsync();
        var address = new Uri(app.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/media");
        return (app, address, failures);
    }

    private static async Task<JsonElement> WaitForAsync(ReceivedRealtimeSession session, string type)
    {
        for (var i = 0; i < 200; i++)
        {
            foreach (var message in session.ClientMessages)
            {
                var root = JsonDocument.Parse(message).RootElement;
                if (root.GetProperty("type").GetString() == type)
                {
                    return root.Clone();
                }
            }

            await Task.Delay(25);
        }

        throw new Xunit.Sdk.XunitException($"the bridge sent no {type}");
    }
}
