namespace AudioSdk.Security;

/// <summary>What an attestation established: the endpoint's authority, the TLS key pins it may serve with, an optional HPKE key, and how
/// long that holds.</summary>
public sealed record AttestedEndpoint
{
    /// <summary>Creates an attested endpoint.</summary>
    /// <param name="authority">The host (and port, when not the scheme's default) the attestation is for, such as
    /// <c>inference.tinfoil.sh</c>.</param>
    /// <param name="tlsPins">The accepted pins; at least one.</param>
    /// <param name="hpkePublicKey">The enclave's HPKE public key, when the attestation carries one.</param>
    /// <param name="validUntil">When the attestation must be renewed; <see langword="null"/> for never.</param>
    public AttestedEndpoint(string authority, IReadOnlyList<TlsPin> tlsPins, ReadOnlyMemory<byte>? hpkePublicKey = null,
        DateTimeOffset? validUntil = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(authority);
        ArgumentNullException.ThrowIfNull(tlsPins);
        if (tlsPins.Count == 0 || tlsPins.Any(p => p.Bytes.Length != TlsPin.Length))
        {
            throw new ArgumentException("An attested endpoint needs at least one 32-byte TLS pin.", nameof(tlsPins));
        }

        Authority = authority;
        TlsPins = tlsPins;
        HpkePublicKey = hpkePublicKey;
        ValidUntil = validUntil;
    }

    /// <summary>The host (and port) attested.</summary>
    public string Authority { get; }

    /// <summary>The accepted pins.</summary>
    public IReadOnlyList<TlsPin> TlsPins { get; }

    /// <summary>The enclave's HPKE public key, when carried.</summary>
    public ReadOnlyMemory<byte>? HpkePublicKey { get; }

    /// <summary>When to attest again; <see langword="null"/> for never.</summary>
    public DateTimeOffset? ValidUntil { get; }
}
