using System.Security.Cryptography;
using AudioSdk.Security.Tinfoil;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>The embedded AMD chains and the KDS cert_chain reader (ASK first, then ARK, exactly two).</summary>
public sealed class AmdChainTests
{
    [Fact]
    public void ProductionChains_AreGenoaMilanTurin_EachAskSignedByItsSelfSignedArk()
    {
        Assert.Equal(["Genoa", "Milan", "Turin"], AmdChain.Production.Select(c => c.Product));
        foreach (var chain in AmdChain.Production)
        {
            Assert.True(chain.Ask.IsSignedBy(chain.Ark), chain.Product);
            Assert.True(chain.Ark.IsSignedBy(chain.Ark), chain.Product);
            Assert.False(chain.Ark.IsSignedBy(chain.Ask), chain.Product);
        }

        Assert.Equal(3, AmdChain.Production.Select(c => Convert.ToHexString(c.Ark.Raw)).Distinct().Count());
    }

    [Fact]
    public void FromKdsPem_ReadsTheAskFirst_AndRefusesAnyOtherCount()
    {
        var pem = TinfoilRoots.MilanChainPem;
        var chain = AmdChain.FromKdsPem("Milan", pem);
        var certificates = DerCertificate.ParsePem(pem);
        Assert.Equal("Milan", chain.Product);
        Assert.Equal(certificates[0].Raw, chain.Ask.Raw);
        Assert.Equal(certificates[1].Raw, chain.Ark.Raw);
        Assert.Equal(AmdChain.Production[1].Ask.Raw, chain.Ask.Raw);

        var one = pem[..(pem.IndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal) + 25)];
        Assert.Contains("1 certificates", Assert.Throws<CryptographicException>(() => AmdChain.FromKdsPem("x", one)).Message, StringComparison.Ordinal);
        Assert.Contains("3 certificates", Assert.Throws<CryptographicException>(() => AmdChain.FromKdsPem("x", pem + one)).Message, StringComparison.Ordinal);
        Assert.Contains("0 certificates", Assert.Throws<CryptographicException>(() => AmdChain.FromKdsPem("x", string.Empty)).Message, StringComparison.Ordinal);
    }
}
