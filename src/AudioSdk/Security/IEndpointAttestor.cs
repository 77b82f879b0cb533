namespace AudioSdk.Security;

/// <summary>
/// Establishes which TLS keys an endpoint may serve with, for example by verifying a confidential-computing
/// enclave's attestation report (a Tinfoil verifier implements this). The client calls it before the first
/// byte of the first request, again when the result expires, and once more (with <c>forceRefresh</c>) when a
/// server presents a key that is not pinned.
/// </summary>
public interface IEndpointAttestor
{
    /// <summary>Attests the endpoint.</summary>
    /// <param name="endpoint">The client's endpoint.</param>
    /// <param name="forceRefresh">True after a pin mismatch: do not return a cached result.</param>
    /// <param name="cancellationToken">Cancels the attestation.</param>
    /// <returns>The attested authority and pins.</returns>
    /// <exception cref="AttestationException">The attestation failed; its <see cref="AttestationException.Stage"/> says where.</exception>
    ValueTask<AttestedEndpoint> AttestAsync(Uri endpoint, bool forceRefresh, CancellationToken cancellationToken);
}
