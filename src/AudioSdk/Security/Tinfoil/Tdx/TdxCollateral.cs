namespace AudioSdk.Security.Tinfoil.Tdx;

/// <summary>
/// The Intel PCS collateral a TDX quote is appraised with (it does not carry it): the signed TCB info for its FMSPC,
/// the signed TD QE identity, the PCK CA's CRL and the SGX root CA's CRL, and the issuer chains PCS sends with them.
/// </summary>
internal sealed record TdxCollateral
{
    public required string TcbInfoJson { get; init; }
    public required string QeIdentityJson { get; init; }
    public required byte[] PckCrl { get; init; }
    public required byte[] RootCrl { get; init; }

    /// <summary>The TCB info issuer chain (signing certificate, then root) as PEM; the built-in signing certificate when absent.</summary>
    public string? TcbInfoIssuerChainPem { get; init; }

    /// <summary>The QE identity issuer chain as PEM; the TCB info's when absent.</summary>
    public string? QeIdentityIssuerChainPem { get; init; }
}
