using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.V3;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>The document verifier's refusals as the attestor and the offline check report them.</summary>
public sealed partial class TinfoilAttestorEndToEndTests
{
    [Fact]
    public void AnotherRepositoryThanTheDocumentsRelease_IsRefusedAtProvenance_NamingBoth()
    {
        var ex = Assert.Throws<AttestationException>(() => TinfoilAttestor.VerifyDocument(RealFrozenDocument.Bytes, RealFrozenDocument.Nonce, "owner/other", RealFrozenDocument.Time));

        Assert.Equal("CODE_REPOSITORY_MISMATCH", ex.Code);
        Assert.Contains($"the document names release {RealFrozenDocument.Repository}, not owner/other", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADocumentWithoutACrl_AndNoneFetched_IsRefusedAtTheChain()
    {
        var nonce = new byte[32];
        var bytes = SyntheticEnclave.Instance.Document(Convert.ToHexString(nonce), new TlsPinBytes(new string('a', 64)), withCrl: false);
        using var document = AttestationDocument.Parse(bytes, nonce);

        var ex = Assert.Throws<AttestationException>(() => new TinfoilDocumentVerifier(SyntheticEnclave.Instance.Trust).Verify(document, RealFrozenDocument.Repository, SyntheticEnclave.Time));

        Assert.Equal((AttestationStage.CertificateChain, "CRL_MISSING"), (ex.Stage, ex.Code));
        Assert.Contains("the document carries no AMD CRL and none was fetched", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReportWithTheDebugPolicyBit_IsRefusedAtPolicyBeforeAnyRequestByte()
    {
        await using var setup = await Setup.StartAsync(report => report[0x0A] |= 0x08, null); // guest policy bit 19: DEBUG
        await AssertRefusedAsync(setup, AttestationStage.Policy);
    }

    [Fact]
    public async Task AReportBindingOtherReportData_IsRefusedAtBinding_WithTheReason()
    {
        await using var setup = await Setup.StartAsync(report => report[0x50] ^= 1, null);
        using var attestor = setup.Attestor(null);

        var ex = await Assert.ThrowsAsync<AttestationException>(async () => await attestor.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None));

        Assert.Equal((AttestationStage.Binding, "REPORT_DATA_MISMATCH"), (ex.Stage, ex.Code));
        Assert.Contains("the report's REPORT_DATA is not the document's challenge", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, setup.DocumentsServed);
    }
}
