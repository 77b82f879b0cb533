using System.Security.Cryptography;
using AudioSdk.Security.Ehbp;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AudioSdk.Testing.Internal.Ehbp;

/// <summary>
/// The server side of EHBP, as Tinfoil's Go middleware does it: serves the key configuration, opens sealed request
/// bodies (422 key-config when the first frame does not open under this key, 400 for a malformed key header), and seals
/// every answer to a sealed request, errors included, one frame per write, with a fresh response nonce.
/// Requests without the key header, or with an empty body, pass through in plaintext.
/// </summary>
internal sealed class EhbpServer
{
    private readonly byte[] _privateKey;

    public EhbpServer()
    {
        (_privateKey, PublicKey) = Hpke.GenerateKeyPair();
        KeyConfig = EhbpProtocol.EncodeKeyConfig(PublicKey);
    }

    public byte[] PublicKey { get; }

    public byte[] KeyConfig { get; }

    /// <summary>Handles the exchange when EHBP concerns it; otherwise runs <paramref name="next"/> unchanged.</summary>
    public async Task InvokeAsync(HttpContext context, Func<HttpContext, Task> next)
    {
        var request = context.Request;
        if (request.Path == EhbpProtocol.KeyConfigPath && HttpMethods.IsGet(request.Method))
        {
            context.Response.ContentType = EhbpProtocol.KeyConfigMediaType;
            context.Response.ContentLength = KeyConfig.Length;
            await context.Response.Body.WriteAsync(KeyConfig, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (!request.Headers.TryGetValue(EhbpProtocol.EncapsulatedKeyHeader, out var header) || request.ContentLength == 0
            || !HasBody(context))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var enc = EhbpProtocol.TryDecodeHex32(header.ToString());
        HpkeContext hpke;
        try
        {
            hpke = Hpke.SetupRecipient(enc ?? throw new CryptographicException("bad key header"), _privateKey, EhbpProtocol.RequestInfo);
        }
        catch (CryptographicException)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("invalid encapsulated key", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        using (hpke)
        {
            var body = new EhbpFrameReader(request.Body, hpke.CreateFrames(), reason =>
                new BadHttpRequestException("The sealed request body is invalid.", 400));
            try
            {
                await body.PrimeAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (BadHttpRequestException)
            {
                context.Response.StatusCode = 422;
                context.Response.ContentType = EhbpProtocol.ProblemMediaType;
                await context.Response.WriteAsync(
                    $$"""{"type":"{{EhbpProtocol.KeyConfigProblemType}}","title":"key configuration mismatch"}""",
                    context.RequestAborted).ConfigureAwait(false);
                return;
            }

            request.Body = body;
            request.ContentLength = null;
            var nonce = RandomNumberGenerator.GetBytes(EhbpProtocol.ResponseNonceLength);
            var exported = hpke.Export(EhbpProtocol.ResponseExportLabel, 32);
            var original = context.Response.Body;
            var writer = new EhbpFrameWriter(original, EhbpProtocol.ResponseCipher(exported, enc, nonce),
                EhbpProtocol.RequestFramePlaintext, sealEachWrite: true);
            context.Response.Headers[EhbpProtocol.ResponseNonceHeader] = Convert.ToHexString(nonce).ToLowerInvariant();
            context.Response.OnStarting(static state =>
            {
                ((HttpResponse)state).ContentLength = null; // the sealed body is longer than the plaintext it was set for
                return Task.CompletedTask;
            }, context.Response);
            context.Response.Body = writer;
            try
            {
                await next(context).ConfigureAwait(false);
                await writer.CompleteAsync(context.RequestAborted).ConfigureAwait(false);
            }
            finally
            {
                context.Response.Body = original;
                await writer.DisposeAsync().ConfigureAwait(false);
                await body.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static bool HasBody(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? context.Request.ContentLength > 0;

}
