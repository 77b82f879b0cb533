using AudioSdk.Security.Tinfoil.Sigstore;

namespace AudioSdk.Security.Tinfoil;

/// <summary>The roots a verification trusts. <see cref="Production"/> is built in; other instances exist for tests only.</summary>
internal sealed record TinfoilTrust(IReadOnlyList<AmdChain> AmdChains, SigstoreTrustedRoot Sigstore)
{
    public static TinfoilTrust Production { get; } = new(AmdChain.Production, SigstoreTrustedRoot.Production);

    /// <summary>Intel's SGX root CA, for TDX quotes.</summary>
    public DerCertificate IntelRoot { get; init; } = Tdx.IntelRoots.SgxRootCa;
}
