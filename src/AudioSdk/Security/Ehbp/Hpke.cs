using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace AudioSdk.Security.Ehbp;

/// <summary>
/// HPKE (RFC 9180) base mode for the one suite EHBP uses: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM.
/// X25519 comes from BouncyCastle's RFC 7748 code (the BCL has none); HKDF and AES-GCM are the BCL's.
/// </summary>
internal static class Hpke
{
    public const int KeyLength = 32;
    public const int TagLength = 16;
    public const int NonceLength = 12;
    public const ushort KemId = 0x0020;
    public const ushort KdfId = 0x0001;
    public const ushort AeadId = 0x0002;

    private static readonly byte[] Version = "HPKE-v1"u8.ToArray();
    private static readonly byte[] KemSuite = [(byte)'K', (byte)'E', (byte)'M', 0x00, 0x20];
    private static readonly byte[] HpkeSuite = [(byte)'H', (byte)'P', (byte)'K', (byte)'E', 0x00, 0x20, 0x00, 0x01, 0x00, 0x02];

    /// <summary>A fresh X25519 key pair from the system's random generator.</summary>
    public static (byte[] PrivateKey, byte[] PublicKey) GenerateKeyPair()
    {
        var sk = RandomNumberGenerator.GetBytes(KeyLength);
        return (sk, PublicKeyOf(sk));
    }

    /// <summary>RFC 9180 DeriveKeyPair for DHKEM(X25519, HKDF-SHA256).</summary>
    public static (byte[] PrivateKey, byte[] PublicKey) DeriveKeyPair(ReadOnlySpan<byte> ikm)
    {
        var prk = LabeledExtract(KemSuite, [], "dkp_prk", ikm);
        var sk = LabeledExpand(KemSuite, prk, "sk", [], KeyLength);
        return (sk, PublicKeyOf(sk));
    }

    /// <summary>The X25519 public key of a private key.</summary>
    public static byte[] PublicKeyOf(byte[] privateKey)
    {
        var pk = new byte[KeyLength];
        X25519.ScalarMultBase(privateKey, 0, pk, 0);
        return pk;
    }

    /// <summary>SetupBaseS with a fresh ephemeral key: the encapsulated key and the sender's context.</summary>
    public static HpkeContext SetupSender(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info, out byte[] enc) =>
        SetupSender(recipientPublicKey, info, RandomNumberGenerator.GetBytes(KeyLength), out enc);

    /// <summary>SetupBaseS with a given ephemeral private key (known-answer tests).</summary>
    public static HpkeContext SetupSender(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info, byte[] ephemeralPrivateKey,
        out byte[] enc)
    {
        if (recipientPublicKey.Length != KeyLength)
        {
            throw new CryptographicException("An X25519 public key is 32 bytes.");
        }

        enc = PublicKeyOf(ephemeralPrivateKey);
        var dh = Dh(ephemeralPrivateKey, recipientPublicKey);
        var shared = ExtractAndExpand(dh, enc, recipientPublicKey);
        CryptographicOperations.ZeroMemory(dh);
        return KeySchedule(shared, info);
    }

    /// <summary>SetupBaseR: the recipient's context for an encapsulated key.</summary>
    public static HpkeContext SetupRecipient(ReadOnlySpan<byte> enc, byte[] recipientPrivateKey, ReadOnlySpan<byte> info)
    {
        if (enc.Length != KeyLength)
        {
            throw new CryptographicException("An encapsulated X25519 key is 32 bytes.");
        }

        var dh = Dh(recipientPrivateKey, enc);
        var shared = ExtractAndExpand(dh, enc, PublicKeyOf(recipientPrivateKey));
        CryptographicOperations.ZeroMemory(dh);
        return KeySchedule(shared, info);
    }

    /// <summary>The X25519 shared secret; an all-zero result (a low-order point) is refused as RFC 9180 requires.</summary>
    internal static byte[] Dh(byte[] privateKey, ReadOnlySpan<byte> publicKey)
    {
        var result = new byte[KeyLength];
        if (!X25519.CalculateAgreement(privateKey, 0, publicKey.ToArray(), 0, result, 0))
        {
            throw new CryptographicException("The X25519 key agreement produced the zero value.");
        }

        return result;
    }

    internal static byte[] ExtractAndExpand(ReadOnlySpan<byte> dh, ReadOnlySpan<byte> enc, ReadOnlySpan<byte> recipientPublicKey)
    {
        var eaePrk = LabeledExtract(KemSuite, [], "eae_prk", dh);
        Span<byte> kemContext = stackalloc byte[KeyLength * 2];
        enc.CopyTo(kemContext);
        recipientPublicKey.CopyTo(kemContext[KeyLength..]);
        return LabeledExpand(KemSuite, eaePrk, "shared_secret", kemContext, KeyLength);
    }

    internal static HpkeContext KeySchedule(byte[] sharedSecret, ReadOnlySpan<byte> info)
    {
        var pskIdHash = LabeledExtract(HpkeSuite, [], "psk_id_hash", []);
        var infoHash = LabeledExtract(HpkeSuite, [], "info_hash", info);
        var context = new byte[1 + pskIdHash.Length + infoHash.Length];
        context[0] = 0x00; // mode_base
        pskIdHash.CopyTo(context, 1);
        infoHash.CopyTo(context, 1 + pskIdHash.Length);
        var secret = LabeledExtract(HpkeSuite, sharedSecret, "secret", []);
        var key = LabeledExpand(HpkeSuite, secret, "key", context, KeyLength);
        var baseNonce = LabeledExpand(HpkeSuite, secret, "base_nonce", context, NonceLength);
        var exporter = LabeledExpand(HpkeSuite, secret, "exp", context, 32);
        CryptographicOperations.ZeroMemory(secret);
        CryptographicOperations.ZeroMemory(sharedSecret);
        return new HpkeContext(key, baseNonce, exporter);
    }

    /// <summary>LabeledExport(exporter_secret, context, L).</summary>
    internal static byte[] Export(ReadOnlySpan<byte> exporterSecret, ReadOnlySpan<byte> exporterContext, int length) =>
        LabeledExpand(HpkeSuite, exporterSecret, "sec", exporterContext, length);

    private static byte[] LabeledExtract(byte[] suite, ReadOnlySpan<byte> salt, string label, ReadOnlySpan<byte> ikm)
    {
        var labeled = new byte[Version.Length + suite.Length + label.Length + ikm.Length];
        var at = Concat(labeled, 0, Version);
        at = Concat(labeled, at, suite);
        at += Encoding.ASCII.GetBytes(label, labeled.AsSpan(at));
        ikm.CopyTo(labeled.AsSpan(at));
        var prk = new byte[32];
        HKDF.Extract(HashAlgorithmName.SHA256, labeled, salt, prk);
        CryptographicOperations.ZeroMemory(labeled);
        return prk;
    }

    private static byte[] LabeledExpand(byte[] suite, ReadOnlySpan<byte> prk, string label, ReadOnlySpan<byte> info, int length)
    {
        var labeled = new byte[2 + Version.Length + suite.Length + label.Length + info.Length];
        BinaryPrimitives.WriteUInt16BigEndian(labeled, (ushort)length);
        var at = Concat(labeled, 2, Version);
        at = Concat(labeled, at, suite);
        at += Encoding.ASCII.GetBytes(label, labeled.AsSpan(at));
        info.CopyTo(labeled.AsSpan(at));
        var output = new byte[length];
        HKDF.Expand(HashAlgorithmName.SHA256, prk, output, labeled);
        return output;
    }

    private static int Concat(byte[] target, int at, byte[] part)
    {
        part.CopyTo(target, at);
        return at + part.Length;
    }
}
