namespace AudioSdk.Security;

/// <summary>
/// An attestor whose attestation names the endpoint to use (Tinfoil's bundle flow names its router), so a client
/// without an endpoint of its own sends to the router the attested bundle names.
/// </summary>
internal interface IRouterNamingAttestor
{
    /// <summary>True when this attestor's attestation names a router (false for an attestor that attests a given endpoint).</summary>
    bool NamesRouter { get; }

    /// <summary>The router's base address, from the verified (cached) attestation.</summary>
    ValueTask<Uri> ResolveEndpointAsync(CancellationToken cancellationToken);
}
