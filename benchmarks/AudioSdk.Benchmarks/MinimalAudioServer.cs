using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AudioSdk.Benchmarks;

/// <summary>
/// The least a server can do, so client costs are what the REST benchmarks see: transcription drains the upload and
/// answers a fixed JSON body; speech answers <see cref="SpeechBytes"/> of audio in 16 KiB writes.
/// </summary>
internal sealed class MinimalAudioServer : IAsyncDisposable
{
    public const int SpeechBytes = 1024 * 1024;
    private static readonly byte[] TranscriptJson = """{"text":"The quick brown fox jumps over the lazy dog.","usage":{"type":"duration","seconds":3}}"""u8.ToArray();
    private static readonly byte[] Audio = Enumerable.Range(0, SpeechBytes).Select(i => (byte)i).ToArray();
    private readonly WebApplication _app;

    private MinimalAudioServer(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public static async Task<MinimalAudioServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        app.Run(async context =>
        {
            context.Response.Headers["x-request-id"] = "req_bench";
            if (context.Request.Path.Value!.EndsWith("/audio/transcriptions", StringComparison.Ordinal))
            {
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = TranscriptJson.Length;
                await context.Response.Body.WriteAsync(TranscriptJson, context.RequestAborted);
            }
            else if (context.Request.Path.Value!.EndsWith("/audio/speech", StringComparison.Ordinal))
            {
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
                context.Response.ContentType = "audio/pcm";
                for (var at = 0; at < Audio.Length; at += 16 * 1024)
                {
                    await context.Response.Body.WriteAsync(Audio.AsMemory(at, Math.Min(16 * 1024, Audio.Length - at)), context.RequestAborted);
                }
            }
            else
            {
                context.Response.StatusCode = 404;
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new MinimalAudioServer(app, new Uri(address.TrimEnd('/') + "/v1/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
