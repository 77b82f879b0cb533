using System.Buffers.Binary;
using System.Security.Cryptography;

namespace AudioSdk.Security.Ehbp;

/// <summary>The wire constants and the pure steps of EHBP (Tinfoil's Encrypted HTTP Body Protocol), socket-free.</summary>
internal static class EhbpProtocol
{
    public const string EncapsulatedKeyHeader = "Ehbp-Encapsulated-Key";
    public const string ResponseNonceHeader = "Ehbp-Response-Nonce";
    public const string KeyConfigPath = "/.well-known/hpke-keys";
    public const string KeyConfigMediaType = "application/ohttp-keys";
    public const string ProblemMediaType = "application/problem+json";
    public const string KeyConfigProblemType = "urn:ietf:params:ehbp:error:key-config";
    public const int KeyConfigLength = 41;
    public const int ResponseNonceLength = 32;
    public const int FramePrefixLength = 4;

    /// <summary>The largest frame (ciphertext) accepted: refused before anything is allocated for it.</summary>
    public const int MaxFrameLength = 64 * 1024 * 1024;

    /// <summary>
    /// Plaintext bytes per request frame the client sends: 64 KiB, the top of the 16-64 KiB range a streaming client
    /// should use (the Go client sends 8 KiB): half the AES-GCM calls and chunk headers of 32 KiB, one frame per block
    /// the multipart writer reads.
    /// </summary>
    public const int RequestFramePlaintext = 64 * 1024;

    public static ReadOnlySpan<byte> RequestInfo => "ehbp request"u8;

    public static ReadOnlySpan<byte> ResponseExportLabel => "ehbp response"u8;

    /// <summary>The 41-byte key_config for an X25519 key (key_id 0, one suite).</summary>
    public static byte[] EncodeKeyConfig(ReadOnlySpan<byte> publicKey)
    {
        var config = new byte[KeyConfigLength];
        config[0] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(config.AsSpan(1), Hpke.KemId);
        publicKey.CopyTo(config.AsSpan(3));
        BinaryPrimitives.WriteUInt16BigEndian(config.AsSpan(35), 4);
        BinaryPrimitives.WriteUInt16BigEndian(config.AsSpan(37), Hpke.KdfId);
        BinaryPrimitives.WriteUInt16BigEndian(config.AsSpan(39), Hpke.AeadId);
        return config;
    }

    /// <summary>The public key of a key_config for this suite; <see langword="null"/> for any other shape or suite.</summary>
    public static byte[]? TryParseKeyConfig(ReadOnlySpan<byte> config)
    {
        if (config.Length < KeyConfigLength
            || BinaryPrimitives.ReadUInt16BigEndian(config[1..]) != Hpke.KemId
            || BinaryPrimitives.ReadUInt16BigEndian(config[35..]) is var suites
                && (suites < 4 || suites % 4 != 0 || config.Length < 37 + suites)
            || BinaryPrimitives.ReadUInt16BigEndian(config[37..]) != Hpke.KdfId
            || BinaryPrimitives.ReadUInt16BigEndian(config[39..]) != Hpke.AeadId)
        {
            return null;
        }

        return config.Slice(3, Hpke.KeyLength).ToArray();
    }

    /// <summary>The response frames' cipher: HKDF(salt = enc || nonce, ikm = exported secret) → key, nonce base.</summary>
    public static FrameCipher ResponseCipher(ReadOnlySpan<byte> exportedSecret, ReadOnlySpan<byte> enc, ReadOnlySpan<byte> responseNonce)
    {
        var (key, nonceBase) = DeriveResponseKeys(exportedSecret, enc, responseNonce);
        return new FrameCipher(key, nonceBase);
    }

    /// <summary>The response AEAD key and nonce base (known-answer tests see them).</summary>
    public static (byte[] Key, byte[] NonceBase) DeriveResponseKeys(ReadOnlySpan<byte> exportedSecret, ReadOnlySpan<byte> enc,
        ReadOnlySpan<byte> responseNonce)
    {
        Span<byte> salt = stackalloc byte[enc.Length + responseNonce.Length];
        enc.CopyTo(salt);
        responseNonce.CopyTo(salt[enc.Length..]);
        Span<byte> prk = stackalloc byte[32];
        HKDF.Extract(HashAlgorithmName.SHA256, exportedSecret, salt, prk);
        var key = new byte[Hpke.KeyLength];
        var nonceBase = new byte[Hpke.NonceLength];
        HKDF.Expand(HashAlgorithmName.SHA256, prk, key, "key"u8);
        HKDF.Expand(HashAlgorithmName.SHA256, prk, nonceBase, "nonce"u8);
        CryptographicOperations.ZeroMemory(prk);
        return (key, nonceBase);
    }

    /// <summary>Decodes 64 hex characters (either case) into 32 bytes; <see langword="null"/> for anything else.</summary>
    public static byte[]? TryDecodeHex32(string? value)
    {
        if (value is null || value.Length != 64)
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(value);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
