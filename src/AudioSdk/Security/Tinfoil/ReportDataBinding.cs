using System.Security.Cryptography;
using System.Text;

namespace AudioSdk.Security.Tinfoil;

/// <summary>
/// What REPORT_DATA (64 bytes) binds. v2: [0,32) the TLS key pin (SHA-256 of the leaf's SubjectPublicKeyInfo),
/// [32,64) the X25519 HPKE key. v3: [0,32) = SHA-256(label || nonce || SHA-256(crypto_material) || SHA-256(device_evidence)),
/// [32,64) zero.
/// </summary>
internal static class ReportDataBinding
{
    public const int Length = 64;
    public const string V3Algorithm = "https://tinfoil.sh/report-data/v1";

    /// <summary>The v2 TLS pin: REPORT_DATA[0,32).</summary>
    public static TlsPin TlsPinOf(ReadOnlySpan<byte> reportData)
    {
        EnsureLength(reportData);
        return TlsPin.FromBytes(reportData[..32]);
    }

    /// <summary>The v2 HPKE key: REPORT_DATA[32,64).</summary>
    public static byte[] HpkeKeyOf(ReadOnlySpan<byte> reportData)
    {
        EnsureLength(reportData);
        return reportData[32..].ToArray();
    }

    /// <summary>Checks that the HPKE key a server offers is the one REPORT_DATA[32,64) binds.</summary>
    /// <exception cref="ArgumentException">REPORT_DATA is not 64 bytes or the key not 32.</exception>
    /// <exception cref="AttestationException">The keys differ.</exception>
    public static void EnsureHpkeKey(ReadOnlySpan<byte> reportData, ReadOnlySpan<byte> offeredKey)
    {
        EnsureLength(reportData);
        if (offeredKey.Length != 32)
        {
            throw new ArgumentException($"An X25519 HPKE key is 32 bytes, not {offeredKey.Length}.", nameof(offeredKey));
        }

        if (!CryptographicOperations.FixedTimeEquals(reportData[32..], offeredKey))
        {
            throw Reject.With(AttestationStage.Binding, "EHBP_KEY_BINDING_MISMATCH",
                "the offered HPKE key is not the one the report binds");
        }
    }

    /// <summary>The v3 REPORT_DATA for a nonce and the two sections as transmitted (decoded bytes, never re-serialised).</summary>
    public static byte[] ComputeV3(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> cryptoMaterial, ReadOnlySpan<byte> deviceEvidence)
    {
        var label = Encoding.ASCII.GetBytes(V3Algorithm);
        var buffer = new byte[label.Length + nonce.Length + 64];
        label.CopyTo(buffer, 0);
        nonce.CopyTo(buffer.AsSpan(label.Length));
        SHA256.HashData(cryptoMaterial, buffer.AsSpan(label.Length + nonce.Length));
        SHA256.HashData(deviceEvidence, buffer.AsSpan(label.Length + nonce.Length + 32));
        var result = new byte[Length];
        SHA256.HashData(buffer, result);
        return result;
    }

    private static void EnsureLength(ReadOnlySpan<byte> reportData)
    {
        if (reportData.Length != Length)
        {
            throw new ArgumentException($"REPORT_DATA is 64 bytes, not {reportData.Length}.", nameof(reportData));
        }
    }
}
