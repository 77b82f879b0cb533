using AudioSdk.Security;
using AudioSdk.Security.Tinfoil.Sigstore;
using Xunit;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>The Sigstore trusted-root reader: what it takes from trusted_root.json and what it refuses.</summary>
public sealed class SigstoreTrustedRootTests
{
    [Fact]
    public void TheProductionRoot_HasItsAuthoritiesAndLogs()
    {
        var root = SigstoreTrustedRoot.Production;
        Assert.NotEmpty(root.CertificateAuthorities);
        Assert.All(root.CertificateAuthorities, ca => Assert.NotEmpty(ca.Chain));
        Assert.NotEmpty(root.RekorKeys);
        Assert.NotEmpty(root.CtLogKeys);
    }

    [Fact]
    public void AnAuthorityWithoutAChain_HasNoCertificates()
    {
        var root = SigstoreTrustedRoot.Parse("""{"certificateAuthorities":[{"validFor":{"start":"2022-04-13T20:06:15.000Z"}}]}"""u8.ToArray());
        var ca = Assert.Single(root.CertificateAuthorities);
        Assert.Empty(ca.Chain);
        Assert.Equal(new DateTimeOffset(2022, 4, 13, 20, 6, 15, TimeSpan.Zero), ca.Start);
        Assert.Null(ca.End);
        Assert.Empty(root.RekorKeys);
    }

    [Theory]
    [InlineData("[]", "it is not a JSON object")]
    [InlineData("{", "it is not JSON")]
    [InlineData("""{"certificateAuthorities":[{"certChain":{"certificates":[{"rawBytes":"MAMCAQA="}]}}]}""", "a certificate does not parse")]
    public void WhatIsNotATrustedRoot_IsRefused_SayingWhy(string json, string why)
    {
        var ex = Assert.Throws<AttestationException>(() => SigstoreTrustedRoot.Parse(System.Text.Encoding.UTF8.GetBytes(json)));
        Assert.Equal(("TRUST_ROOT_INVALID", AttestationStage.Provenance), (ex.Code, ex.Stage));
        Assert.EndsWith($"the Sigstore trusted root is invalid: {why}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NestingDeeperThanSixteen_IsRefused()
    {
        static string Nest(int depth) => "{\"mediaType\":\"x\",\"extra\":" + new string('[', depth - 1) + new string(']', depth - 1) + "}";
        Assert.Empty(SigstoreTrustedRoot.Parse(System.Text.Encoding.UTF8.GetBytes(Nest(16))).CertificateAuthorities);
        var ex = Assert.Throws<AttestationException>(() => SigstoreTrustedRoot.Parse(System.Text.Encoding.UTF8.GetBytes(Nest(17))));
        Assert.EndsWith("the Sigstore trusted root is invalid: it is not JSON", ex.Message, StringComparison.Ordinal);
    }
}
