namespace AudioSdk.Security;

/// <summary>How requests to an attested endpoint are protected; see <see cref="AudioClientOptions.AttestedTransport"/>.</summary>
public enum AttestedTransport
{
    /// <summary>
    /// EHBP when the attestation carries an HPKE key (a Tinfoil enclave does), TLS pinning otherwise (static pins, or
    /// an attestor that returns only pins). The default, as in Tinfoil's own client.
    /// </summary>
    Automatic,

    /// <summary>
    /// Encrypted HTTP bodies (EHBP): each request body is sealed to the attested HPKE key and each answer is opened and
    /// authenticated frame by frame. TLS is validated normally, not pinned, so it works behind TLS-inspecting proxies;
    /// headers (the API key among them), the path, sizes and timing stay visible to such a proxy, and bodyless requests
    /// (<c>GET /models</c>) go in plaintext. Realtime sessions stay TLS-pinned.
    /// </summary>
    Ehbp,

    /// <summary>
    /// TLS pinning: every connection is refused during the handshake unless the server's key is the attested one. Also
    /// hides headers and paths, but fails on every network that intercepts TLS.
    /// </summary>
    TlsPinning,
}
