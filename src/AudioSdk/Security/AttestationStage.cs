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
}
