using AudioSdk.Security.Tinfoil.Bundle;

namespace AudioSdk.Security.Tinfoil;

/// <summary>What a verified Tinfoil attestation bundle establishes.</summary>
public sealed class TinfoilBundleAttestation
{
    internal TinfoilBundleAttestation(TinfoilBundleVerification verification)
    {
        Domain = verification.Domain;
        TlsPin = verification.TlsPin;
        HpkePublicKey = verification.HpkePublicKey;
        Repository = verification.Repository;
        Tag = verification.Tag;
        CodeDigest = verification.CodeDigest;
        Measurement = verification.Measurement;
        Processor = verification.Processor;
        ValidUntil = verification.ValidUntil;
    }

    /// <summary>The router host the bundle names, such as <c>inference.tinfoil.sh</c>; its certificate names it.</summary>
    public string Domain { get; }

    /// <summary>The TLS key pin the enclave serves with (REPORT_DATA[0,32), the SHA-256 of its certificate's
    /// SubjectPublicKeyInfo).</summary>
    public TlsPin TlsPin { get; }

    /// <summary>The enclave's X25519 HPKE public key (REPORT_DATA[32,64), 32 bytes), which EHBP seals bodies to.</summary>
    public ReadOnlyMemory<byte> HpkePublicKey { get; }

    /// <summary>The repository whose release runs in the enclave.</summary>
    public string Repository { get; }

    /// <summary>The release tag the Sigstore bundle was signed from.</summary>
    public string Tag { get; }

    /// <summary>The release digest (lowercase hex), as signed.</summary>
    public string CodeDigest { get; }

    /// <summary>The SEV-SNP launch measurement (lowercase hex), equal to the release's.</summary>
    public string Measurement { get; }

    /// <summary>The AMD processor generation whose root signed the report's key: <c>Genoa</c>, <c>Milan</c> or <c>Turin</c>.</summary>
    public string Processor { get; }

    /// <summary>When the attestation stops holding: the earlier of the AMD CRL's next update and the VCEK's expiry.</summary>
    public DateTimeOffset ValidUntil { get; }
}
