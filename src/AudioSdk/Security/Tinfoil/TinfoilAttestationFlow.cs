namespace AudioSdk.Security.Tinfoil;

/// <summary>How a <see cref="TinfoilAttestor"/> obtains what it verifies; see <see cref="TinfoilAttestorOptions.Flow"/>.</summary>
public enum TinfoilAttestationFlow
{
    /// <summary>
    /// The v3 attestation document of the endpoint itself, requested for a nonce the client chooses
    /// (<c>/.well-known/tinfoil-attestation?nonce=</c>): the report is bound to that nonce, so a replayed document fails,
    /// and the code and platform endorsements must carry freshness witnesses at most seven days old. The default.
    /// </summary>
    Document,

    /// <summary>
    /// The attestation bundle of Tinfoil's attestation service (<c>{AttestationBundleEndpoint}/attestation</c>), as
    /// Tinfoil's own client attests: it names the router to use, and carries the gzipped report, the VCEK, the release
    /// digest and Sigstore bundle and the enclave's certificate. No nonce: a bundle replayed by whoever answers that URL
    /// verifies for as long as its VCEK and the AMD CRL hold, so a replaced enclave key is noticed only on the next
    /// attestation (after <see cref="TinfoilAttestorOptions.MaxAge"/> or a key mismatch).
    /// </summary>
    Bundle,
}
