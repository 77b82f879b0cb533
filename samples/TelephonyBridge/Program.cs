// TelephonyBridge: a phone call's media stream (Twilio Media Streams' shape: JSON frames, base64 μ-law at 8 kHz,
// start/media/mark/stop events; the bridge answers with media, mark and clear) bridged to a realtime conversation.
//   dotnet run --project samples/TelephonyBridge                 offline: the bridge, the in-process test server and a
//                                                               scripted caller who asks, listens and interrupts
//   dotnet run --project samples/TelephonyBridge -- --serve [--port 5050]
//                                                               the bridge alone at ws://127.0.0.1:5050/media (put your
//                                                               phone provider's stream URL through a tunnel to it)
// With no AUDIO_API_BASE_URL it talks to the in-process test server; set AUDIO_API_BASE_URL, AUDIO_API_KEY and
// AUDIO_REALTIME_MODEL for a real service.
using AudioSdk;
using AudioSdk.Testing;
using TelephonyBridge;

var serve = args.Contains("--serve");
var port = Array.IndexOf(args, "--port") is var p and >= 0 && p + 1 < args.Length ? int.Parse(args[p + 1], System.Globalization.CultureInfo.InvariantCulture) : serve ? 5050 : 0;
var baseUrl = Environment.GetEnvironmentVariable("AUDIO_API_BASE_URL");
await using var server = string.IsNullOrEmpty(baseUrl) ? await AudioTestServer.StartAsync() : null;
server?.EnqueueConversationReply(new ConversationReply { Text = "Thanks for calling the support line. I can help you with your order, your invoice or a delivery that has not arrived yet, so tell me which one it is and I will look it up for you right away." });
using var client = new AudioClient(new AudioClientOptions
{
    Endpoint = server?.Endpoint ?? new Uri(baseUrl!),
    ApiKey = Environment.GetEnvironmentVariable("AUDIO_API_KEY"),
});
var model = Environment.GetEnvironmentVariable("AUDIO_REALTIME_MODEL") ?? "gpt-realtime";
var bridge = new MediaStreamBridge(client, MediaStreamBridge.PhoneCall(model, "You answer a phone line. Be brief."));

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
await using var app = builder.Build();
app.UseWebSockets();
app.Map("/media", async context =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }

    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    await bridge.RunAsync(socket, context.RequestAborted);
});
await app.StartAsync();
var address = new Uri(app.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/media");
Console.WriteLine($"Media-stream bridge at {address} -> {client.Endpoint}{(server is null ? string.Empty : " (in-process test server)")}");
if (serve)
{
    await app.WaitForShutdownAsync();
    return 0;
}

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
var outcome = await new ScriptedCaller(address).CallAsync(timeout.Token);
Console.WriteLine($"[caller] heard {outcome.AnswerReceived.TotalSeconds:0.00} s of answer (RMS {outcome.AnswerRms:0.000}), interrupted after playing {outcome.PlayedAtInterruption.TotalSeconds:0.00} s");
Console.WriteLine(outcome.Cleared ? $"[bridge] clear {outcome.ClearAfterInterruption.TotalMilliseconds:0} ms after the interruption; the answer was truncated at what was played" : "[bridge] no clear came");
await app.StopAsync();
return outcome.Cleared && outcome.AnswerRms > 0.01 ? 0 : 1;
