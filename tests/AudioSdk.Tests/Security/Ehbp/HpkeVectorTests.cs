using System.Text;
using System.Text.Json;
using AudioSdk.Security.Ehbp;

namespace AudioSdk.Tests.Security.Ehbp;

/// <summary>Every known-answer vector of ehbp-vectors.json (produced by the official ehbp 0.1.7 client), with every intermediate value.</summary>
public sealed class HpkeVectorTests
{
    private static readonly JsonElement Vectors = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Assets", "ehbp-vectors.json"))).RootElement;

    private static byte[] H(JsonElement e, string name) => Convert.FromHexString(e.GetProperty(name).GetString()!);

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    [Fact]
    public void RepositoryDeriveVector_GivesKeyAndNonceBase()
    {
        var v = Vectors.GetProperty("repository_vectors").GetProperty("derive");
        var (key, nonceBase) = EhbpProtocol.DeriveResponseKeys(H(v, "exportedSecret"), H(v, "requestEnc"), H(v, "responseNonce"));
        Assert.Equal(v.GetProperty("derivedKey").GetString(), Hex(key));
        Assert.Equal(v.GetProperty("derivedNonceBase").GetString(), Hex(nonceBase));
    }

    [Fact]
    public async Task RepositoryResponseDecryptionVector_Opens()
    {
        var v = Vectors.GetProperty("repository_vectors").GetProperty("response_decryption");
        var plain = await OpenAsync(EhbpProtocol.ResponseCipher(H(v, "exportedSecret"), H(v, "requestEnc"), H(v, "responseNonce")), H(v, "encryptedResponse"));
        Assert.Equal(v.GetProperty("plaintext").GetString(), Hex(plain));
    }

    [Fact]
    public void RepositoryFrameNonces_XorTheSequence()
    {
        foreach (var v in Vectors.GetProperty("repository_vectors").GetProperty("frame_nonces").EnumerateArray())
        {
            var nonce = new byte[12];
            FrameCipher.ComputeNonce(H(v, "nonce_base"), ulong.Parse(v.GetProperty("seq").GetString()!, System.Globalization.CultureInfo.InvariantCulture), nonce);
            Assert.Equal(v.GetProperty("nonce").GetString(), Hex(nonce));
        }
    }

    [Fact]
    public void ServerKeyPair_DerivesFromIkm_AndEncodesTheKeyConfig()
    {
        var s = Vectors.GetProperty("server");
        var (sk, pk) = Hpke.DeriveKeyPair(H(s, "ikm"));
        Assert.Equal(s.GetProperty("skR").GetString(), Hex(sk));
        Assert.Equal(s.GetProperty("pkR").GetString(), Hex(pk));
        Assert.Equal(s.GetProperty("key_config").GetString(), Hex(EhbpProtocol.EncodeKeyConfig(pk)));
        Assert.Equal(pk, EhbpProtocol.TryParseKeyConfig(H(s, "key_config")));
    }

    [Fact]
    public async Task SingleFrameRequest_EveryIntermediate_BodyAndResponse()
    {
        var s = Vectors.GetProperty("server");
        var v = Vectors.GetProperty("single_frame_request");
        var i = v.GetProperty("intermediates");
        var (skE, _) = Hpke.DeriveKeyPair(H(v, "ikmE"));
        Assert.Equal(v.GetProperty("skE").GetString(), Hex(skE));

        var dh = Hpke.Dh(skE, H(s, "pkR"));
        Assert.Equal(i.GetProperty("dh").GetString(), Hex(dh));
        var enc = Hpke.PublicKeyOf(skE);
        Assert.Equal(v.GetProperty("enc").GetString(), Hex(enc));
        var shared = Hpke.ExtractAndExpand(dh, enc, H(s, "pkR"));
        Assert.Equal(i.GetProperty("shared_secret").GetString(), Hex(shared));

        // Seal the request exactly as the official client did; the recipient opens it.
        using var sender = Hpke.SetupSender(H(s, "pkR"), EhbpProtocol.RequestInfo, skE, out var enc2);
        Assert.Equal(enc, enc2);
        Assert.Equal(i.GetProperty("exporter_secret").GetString(), Hex(sender.ExporterSecret));
        var body = Seal(sender.Frames, H(v, "request_plaintext"));
        Assert.Equal(v.GetProperty("request_body").GetString(), Hex(body));
        var exported = sender.Export(EhbpProtocol.ResponseExportLabel, 32);
        Assert.Equal(v.GetProperty("exported_secret").GetString(), Hex(exported));

        using var recipient = Hpke.SetupRecipient(enc, H(s, "skR"), EhbpProtocol.RequestInfo);
        Assert.Equal(v.GetProperty("request_plaintext_utf8").GetString(), Encoding.UTF8.GetString(await OpenAsync(recipient.Frames, body)));
        Assert.Equal(exported, recipient.Export(EhbpProtocol.ResponseExportLabel, 32));

        var r = v.GetProperty("response");
        var (key, nonceBase) = EhbpProtocol.DeriveResponseKeys(exported, enc, H(r, "response_nonce"));
        Assert.Equal(r.GetProperty("aead_key").GetString(), Hex(key));
        Assert.Equal(r.GetProperty("aead_nonce_base").GetString(), Hex(nonceBase));
        var frameNonces = r.GetProperty("frame_nonces").EnumerateArray().Select(e => e.GetString()).ToArray();
        for (var n = 0; n < frameNonces.Length; n++)
        {
            var nonce = new byte[12];
            FrameCipher.ComputeNonce(nonceBase, (ulong)n, nonce);
            Assert.Equal(frameNonces[n], Hex(nonce));
        }

        // The server side seals the two response frames to the vector's bytes; the client side opens them.
        var frames = r.GetProperty("plaintext_frames_utf8").EnumerateArray().Select(e => Encoding.UTF8.GetBytes(e.GetString()!)).ToArray();
        using var serverCipher = EhbpProtocol.ResponseCipher(exported, enc, H(r, "response_nonce"));
        Assert.Equal(r.GetProperty("response_body").GetString(), Hex(Seal(serverCipher, frames)));
        var opened = await OpenAsync(EhbpProtocol.ResponseCipher(exported, enc, H(r, "response_nonce")), H(r, "response_body"));
        Assert.Equal(string.Concat(frames.Select(Encoding.UTF8.GetString)), Encoding.UTF8.GetString(opened));
    }

    [Fact]
    public async Task ThreeFrameRequest_SealsAndOpensInSequence()
    {
        var s = Vectors.GetProperty("server");
        var v = Vectors.GetProperty("three_frame_request");
        var (skE, _) = Hpke.DeriveKeyPair(H(v, "ikmE"));
        Assert.Equal(v.GetProperty("skE").GetString(), Hex(skE));
        using var sender = Hpke.SetupSender(H(s, "pkR"), EhbpProtocol.RequestInfo, skE, out var enc);
        Assert.Equal(v.GetProperty("enc").GetString(), Hex(enc));
        Assert.Equal(v.GetProperty("intermediates").GetProperty("exporter_secret").GetString(), Hex(sender.ExporterSecret));
        var frames = v.GetProperty("plaintext_frames_hex").EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!)).ToArray();
        var body = Seal(sender.Frames, frames);
        Assert.Equal(v.GetProperty("request_body").GetString(), Hex(body));
        var exported = sender.Export(EhbpProtocol.ResponseExportLabel, 32);
        Assert.Equal(v.GetProperty("exported_secret").GetString(), Hex(exported));
        var (key, nonceBase) = EhbpProtocol.DeriveResponseKeys(exported, enc, H(v, "response_nonce"));
        Assert.Equal(v.GetProperty("aead_key").GetString(), Hex(key));
        Assert.Equal(v.GetProperty("aead_nonce_base").GetString(), Hex(nonceBase));

        using var recipient = Hpke.SetupRecipient(enc, H(s, "skR"), EhbpProtocol.RequestInfo);
        Assert.Equal(frames.SelectMany(f => f).ToArray(), await OpenAsync(recipient.Frames, body));
    }

    [Fact]
    public void LowOrderPublicKey_IsRefused()
    {
        var (sk, _) = Hpke.GenerateKeyPair();
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => Hpke.Dh(sk, new byte[32]));
    }

    internal static byte[] Seal(FrameCipher cipher, params byte[][] frames)
    {
        var output = new MemoryStream();
        foreach (var frame in frames)
        {
            var sealedFrame = new byte[4 + frame.Length + 16];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(sealedFrame, (uint)(frame.Length + 16));
            cipher.Seal(frame, sealedFrame.AsSpan(4));
            output.Write(sealedFrame);
        }

        return output.ToArray();
    }

    private static async Task<byte[]> OpenAsync(FrameCipher cipher, byte[] body)
    {
        await using var reader = new EhbpFrameReader(new MemoryStream(body), cipher, reason => new InvalidDataException(reason));
        var output = new MemoryStream();
        await reader.CopyToAsync(output);
        return output.ToArray();
    }
}
