namespace AudioSdk.Security;

/// <summary>One attestation as every attested transport runs it: the attestor's failures typed, expiry and authority checked.</summary>
internal static class AttestationRun
{
    /// <summary>Attests <paramref name="endpoint"/>; any failure is an <see cref="AttestationException"/> naming the stage.</summary>
    public static async ValueTask<AttestedEndpoint> RunAsync(IEndpointAttestor attestor, Uri endpoint, bool force, TimeProvider time,
        CancellationToken cancellationToken)
    {
        AttestedEndpoint attested;
        try
        {
            attested = await attestor.AttestAsync(endpoint, force, cancellationToken).ConfigureAwait(false);
        }
        catch (AttestationException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new AttestationException($"Attesting {endpoint.Authority} failed: {ex.Message}", AttestationStage.Attestor, ex);
        }

        if (attested.ValidUntil is { } until && until <= time.GetUtcNow())
        {
            throw new AttestationException($"The attestation of {attested.Authority} expired at {until:O} before it could be used.",
                AttestationStage.Verify);
        }

        var hostPort = endpoint.IsDefaultPort || endpoint.Port == 443 ? endpoint.Host : endpoint.Host + ":" + endpoint.Port;
        if (!string.Equals(attested.Authority, hostPort, StringComparison.OrdinalIgnoreCase) &&
            !string.Equals(attested.Authority, endpoint.Authority, StringComparison.OrdinalIgnoreCase))
        {
            throw new AttestationException($"The attestation is for {attested.Authority}, not {endpoint.Authority}.",
                AttestationStage.Authority);
        }

        return attested;
    }
}
