using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using AudioSdk.Security;
using AudioSdk.Security.Ehbp;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Security.Ehbp;

/// <summary>
/// An EHBP origin on a raw <see cref="RawHttpServer"/> socket that opens sealed requests with its own key and then
/// answers as the test's script says, byte for byte: sealed, unsealed, cut, tampered, reordered.
/// </summary>
internal sealed class RawEhbpOrigin : IAsyncDisposable
{
    private readonly RawHttpServer _server;

    public RawEhbpOrigin(Func<Exchange, Task> answer, byte[]? servedKey = null)
    {
        (PrivateKey, PublicKey) = Hpke.GenerateKeyPair();
        var served = servedKey ?? PublicKey;
        _server = new RawHttpServer(async x =>
        {
            if (x.Request.Target == EhbpProtocol.KeyConfigPath)
            {
                KeyConfigRequests++;
                var config = EhbpProtocol.EncodeKeyConfig(served);
                await x.WriteAsync($"HTTP/1.1 200 OK\r\nContent-Type: application/ohttp-keys\r\nContent-Length: {config.Length}\r\nConnection: close\r\n\r\n");
                await x.WriteAsync(config);
                return;
            }

            var body = await x.ReadBodyBytesAsync();
            var exchange = new Exchange(x, body, x.Request.Headers.TryGetValue(EhbpProtocol.EncapsulatedKeyHeader, out var enc) ? Convert.FromHexString(enc) : null, PrivateKey);
            Exchanges.Enqueue(exchange);
            await answer(exchange);
        });
    }

    public byte[] PrivateKey { get; }

    public byte[] PublicKey { get; }

    public int KeyConfigRequests { get; private set; }

    public System.Collections.Concurrent.ConcurrentQueue<Exchange> Exchanges { get; } = new();

    public Uri Endpoint => _server.Endpoint;

    public RawHttpServer Server => _server;

    /// <summary>A client whose REST requests go through the EHBP stage, sealed to <paramref name="attestedKey"/> (the origin's by default).</summary>
    public AudioClient Client(IEndpointAttestor? attestor = null, byte[]? attestedKey = null, AudioClientRetryOptions? retry = null) =>
        new(new AudioClientOptions
        {
            Endpoint = Endpoint,
            ApiKey = "sk-ehbp-secret",
            Retry = retry ?? AudioClientRetryOptions.None,
            HttpHandler = new EhbpHttpHandler(Endpoint, attestor ?? Attestor(attestedKey ?? PublicKey), new SocketsHttpHandler(), null, TimeProvider.System),
        });

    public static StaticPinAttestor Attestor(byte[] key) => new([TlsPin.FromBytes(new byte[32])], key);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    public sealed class Exchange
    {
        private readonly RawExchange _raw;

        public Exchange(RawExchange raw, byte[] body, byte[]? enc, byte[] privateKey)
        {
            _raw = raw;
            Raw = raw;
            SealedBody = body;
            Enc = enc;
            if (enc is not null && body.Length > 0)
            {
                using var hpke = Hpke.SetupRecipient(enc, privateKey, EhbpProtocol.RequestInfo);
                Exported = hpke.Export(EhbpProtocol.ResponseExportLabel, 32);
                try
                {
                    Plaintext = Open(hpke.CreateFrames(), body);
                }
                catch (InvalidDataException)
                {
                    Plaintext = null;
                }
            }
        }

        public RawExchange Raw { get; }

        public byte[] SealedBody { get; }

        public byte[]? Enc { get; }

        public byte[]? Exported { get; }

        /// <summary>The opened request body; null when it was not sealed or did not open.</summary>
        public byte[]? Plaintext { get; }

        public string PlaintextText => Encoding.UTF8.GetString(Plaintext ?? []);

        /// <summary>Response frames sealed to this request, each with its length prefix, under <paramref name="nonce"/>.</summary>
        public byte[][] SealFrames(byte[] nonce, params byte[][] frames)
        {
            using var cipher = EhbpProtocol.ResponseCipher(Exported!, Enc!, nonce);
            return frames.Select(f =>
            {
                var framed = new byte[4 + f.Length + 16];
                BinaryPrimitives.WriteUInt32BigEndian(framed, (uint)(f.Length + 16));
                cipher.Seal(f, framed.AsSpan(4));
                return framed;
            }).ToArray();
        }

        /// <summary>Answers with <paramref name="body"/> as the whole body (Content-Length), with a nonce header when given.</summary>
        public async Task AnswerAsync(int status, string contentType, byte[] body, byte[]? nonce, params string[] headers)
        {
            var head = new StringBuilder($"HTTP/1.1 {status} X\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\nx-request-id: req_raw\r\n");
            if (nonce is not null)
            {
                head.Append(EhbpProtocol.ResponseNonceHeader).Append(": ").Append(Convert.ToHexString(nonce).ToLowerInvariant()).Append("\r\n");
            }

            foreach (var header in headers)
            {
                head.Append(header).Append("\r\n");
            }

            await _raw.WriteAsync(head.Append("\r\n").ToString());
            await _raw.WriteAsync(body);
        }

        /// <summary>Answers 200 with the plaintext sealed in the given frame sizes.</summary>
        public Task AnswerSealedAsync(string contentType, params string[] frames)
        {
            var nonce = RandomNumberGenerator.GetBytes(32);
            return AnswerAsync(200, contentType, SealFrames(nonce, frames.Select(Encoding.UTF8.GetBytes).ToArray()).SelectMany(f => f).ToArray(), nonce);
        }
    }

    public static byte[] Open(FrameCipher cipher, byte[] body)
    {
        using var reader = new EhbpFrameReader(new MemoryStream(body), cipher, reason => new InvalidDataException(reason));
        var output = new MemoryStream();
        reader.CopyTo(output);
        return output.ToArray();
    }
}
