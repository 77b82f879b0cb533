using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AudioSdk.Security.Ehbp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AudioSdk.Benchmarks;

/// <summary>
/// A TLS server that drains an upload without reading it, so only the client's costs are measured: over TLS it discards
/// the plaintext body, over EHBP it discards the sealed body (never opening a frame) and answers with a sealed JSON
/// transcript under a fresh response nonce, as the EHBP server must. Serves its key configuration and a model list.
/// </summary>
internal sealed class DiscardingUploadServer : IAsyncDisposable
{
    private static readonly byte[] TranscriptJson = """{"text":"discarded","usage":{"type":"duration","seconds":1}}"""u8.ToArray();
    private static readonly byte[] Models = """{"object":"list","data":[{"id":"whisper-1","object":"model","created":0,"owned_by":"bench"}]}"""u8.ToArray();
    private readonly WebApplication _app;
    private readonly byte[] _privateKey;

    private DiscardingUploadServer(WebApplication app, Uri endpoint, byte[] privateKey, byte[] publicKey)
    {
        _app = app;
        Endpoint = endpoint;
        _privateKey = privateKey;
        HpkePublicKey = publicKey;
    }

    public Uri Endpoint { get; }

    public byte[] HpkePublicKey { get; }

    public static async Task<DiscardingUploadServer> StartAsync(X509Certificate2 certificate)
    {
        var (privateKey, publicKey) = Hpke.GenerateKeyPair();
        var keyConfig = EhbpProtocol.EncodeKeyConfig(publicKey);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate));
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
        });
        var app = builder.Build();
        DiscardingUploadServer? server = null;
        app.Run(context => server!.HandleAsync(context, keyConfig));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new DiscardingUploadServer(app, new Uri(address.TrimEnd('/') + "/v1/"), privateKey, publicKey);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context, byte[] keyConfig)
    {
        var path = context.Request.Path.Value!;
        if (path == EhbpProtocol.KeyConfigPath)
        {
            context.Response.ContentType = EhbpProtocol.KeyConfigMediaType;
            await context.Response.Body.WriteAsync(keyConfig, context.RequestAborted);
            return;
        }

        if (path.EndsWith("/models", StringComparison.Ordinal))
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(Models, context.RequestAborted);
            return;
        }

        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        context.Response.ContentType = "application/json";
        if (EhbpProtocol.TryDecodeHex32(context.Request.Headers[EhbpProtocol.EncapsulatedKeyHeader].ToString()) is not { } enc)
        {
            await context.Response.Body.WriteAsync(TranscriptJson, context.RequestAborted);
            return;
        }

        using var hpke = Hpke.SetupRecipient(enc, _privateKey, EhbpProtocol.RequestInfo);
        var nonce = RandomNumberGenerator.GetBytes(EhbpProtocol.ResponseNonceLength);
        context.Response.Headers[EhbpProtocol.ResponseNonceHeader] = Convert.ToHexString(nonce).ToLowerInvariant();
        var writer = new EhbpFrameWriter(context.Response.Body, EhbpProtocol.ResponseCipher(hpke.Export(EhbpProtocol.ResponseExportLabel, 32), enc, nonce), EhbpProtocol.RequestFramePlaintext);
        await using (writer)
        {
            await writer.WriteAsync(TranscriptJson, context.RequestAborted);
            await writer.CompleteAsync(context.RequestAborted);
        }
    }
}
