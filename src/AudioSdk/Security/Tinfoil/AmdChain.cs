using System.Security.Cryptography;

namespace AudioSdk.Security.Tinfoil;

/// <summary>An AMD SEV Key (ASK) and the AMD Root Key (ARK) that signed it, for one product.</summary>
internal sealed class AmdChain
{
    public AmdChain(string product, DerCertificate ask, DerCertificate ark)
    {
        Product = product;
        Ask = ask;
        Ark = ark;
    }

    public string Product { get; }
    public DerCertificate Ask { get; }
    public DerCertificate Ark { get; }

    /// <summary>A chain from KDS's cert_chain PEM (ASK first, then ARK).</summary>
    public static AmdChain FromKdsPem(string product, string pem)
    {
        var certificates = DerCertificate.ParsePem(pem);
        if (certificates.Count != 2)
        {
            throw new CryptographicException($"An AMD certificate chain has an ASK and an ARK; {certificates.Count} certificates were found.");
        }

        return new AmdChain(product, certificates[0], certificates[1]);
    }

    /// <summary>The embedded production chains (Genoa, Milan, Turin).</summary>
    public static IReadOnlyList<AmdChain> Production { get; } =
    [
        FromKdsPem("Genoa", TinfoilRoots.GenoaChainPem),
        FromKdsPem("Milan", TinfoilRoots.MilanChainPem),
        FromKdsPem("Turin", TinfoilRoots.TurinChainPem),
    ];
}
