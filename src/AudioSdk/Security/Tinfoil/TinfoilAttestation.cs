namespace AudioSdk.Security.Tinfoil;

/// <summary>What a verified Tinfoil attestation document establishes.</summary>
public sealed class TinfoilAttestation
{
    internal TinfoilAttestation(TinfoilVerification verification)
    {
        (TlsPin, var hpke) = verification.RequireKeys();
        HpkePublicKey = hpke;
        ValidUntil = verification.ValidUntil;
        Repository = verification.Repository;
        Tag = verification.Tag;
        CodeDigest = verification.CodeDigest;
        Measurement = verification.EnclaveMeasurement.Registers[0];
        Machine = verification.Machine;
    }

    /// <summary>The TLS key pin the enclave serves with (SHA-256 of its SubjectPublicKeyInfo).</summary>
    public TlsPin TlsPin { get; }

    /// <summary>The enclave's X25519 HPKE public key (32 bytes).</summary>
    public ReadOnlyMemory<byte> HpkePublicKey { get; }

    /// <summary>When the attestation stops holding: the earliest of the freshness witnesses' expiry, the AMD CRL's next update and the
    /// VCEK's expiry.</summary>
    public DateTimeOffset ValidUntil { get; }

    /// <summary>The repository whose release runs in the enclave.</summary>
    public string Repository { get; }

    /// <summary>The release tag.</summary>
    public string Tag { get; }

    /// <summary>The SHA-256 (lowercase hex) of the release's deployment manifest, as signed.</summary>
    public string CodeDigest { get; }

    /// <summary>The SEV-SNP launch measurement (lowercase hex), equal to the release's.</summary>
    public string Measurement { get; }

    /// <summary>The endorsed machine class the chip belongs to, such as <c>amd-genoa-prod</c>.</summary>
    public string Machine { get; }
}
