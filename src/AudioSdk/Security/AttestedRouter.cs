namespace AudioSdk.Security;

/// <summary>
/// Where an attested request goes: to the endpoint attested, which is the router the attestation names when the client
/// has no endpoint of its own (the client's requests are then built on <see cref="Placeholder"/> and moved to the router
/// here). A request for any other authority is refused.
/// </summary>
internal static class AttestedRouter
{
    /// <summary>
    /// The base address of a client that sends to the router its attestation names. <c>.invalid</c> never resolves
    /// (RFC 2606), so a request that somehow skipped the attested handler could not reach anything.
    /// </summary>
    public static readonly Uri Placeholder = new("https://attested-router.invalid/v1");

    /// <summary>True when the options leave the endpoint to the router the attestor names.</summary>
    public static bool Adopts(Uri? endpoint, bool useAttestedRouter, IEndpointAttestor? attestor) =>
        endpoint is null && useAttestedRouter && attestor is IRouterNamingAttestor { NamesRouter: true };

    /// <summary>
    /// The address to send <paramref name="uri"/> to: unchanged when it is for <paramref name="attested"/>'s authority,
    /// moved there when it is for <paramref name="configured"/>'s (the client's endpoint, or the placeholder).
    /// </summary>
    /// <exception cref="AttestationException">The request is for another authority (<see cref="AttestationStage.Authority"/>).</exception>
    public static Uri Target(Uri uri, Uri configured, Uri attested, string attestedAuthority)
    {
        if (SameAuthority(uri, attested))
        {
            return uri;
        }

        if (SameAuthority(uri, configured))
        {
            return new UriBuilder(uri) { Host = attested.Host, Port = attested.Port }.Uri;
        }

        throw new AttestationException($"The request to {uri.Authority} was refused: only {attestedAuthority} is attested.",
            AttestationStage.Authority);
    }

    private static bool SameAuthority(Uri a, Uri b) => string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}
