namespace AudioSdk.Security;

/// <summary>Where an attestation failed.</summary>
public enum AttestationStage
{
    /// <summary>Fetching the attestation document.</summary>
    Fetch,

    /// <summary>Verifying the document (signatures, certificate chains, measurements, policy).</summary>
    Verify,

    /// <summary>The attestation is for another authority than the request's.</summary>
    Authority,

    /// <summary>The attestor failed in a way it did not classify.</summary>
    Attestor,

    /// <summary>The attestation document's envelope is malformed, non-canonical, or does not bind its sections.</summary>
    Envelope,

    /// <summary>The hardware report is malformed or its signature does not verify.</summary>
    Report,

    /// <summary>The certificate chain of the report's signing key does not lead to a trusted root, or has expired.</summary>
    CertificateChain,

    /// <summary>The report is authentic but does not meet the policy (TCB minimums, guest policy, pinned fields).</summary>
    Policy,

    /// <summary>The code provenance (Sigstore bundle, transparency log, signer identity) does not verify.</summary>
    Provenance,

    /// <summary>The measured code differs from the published release's measurement.</summary>
    Measurement,

    /// <summary>The report does not bind the keys the endpoint presents (TLS key fingerprint, HPKE key, nonce).</summary>
    Binding,

    /// <summary>The attestation or its endorsements are too old, or not yet valid.</summary>
    Freshness,
}
