using System.Security.Cryptography;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The AMD CRL check, field by field: signed by the ARK (not the ASK, not another key, not with a changed
/// signature), one algorithm inside and out, version 2, current at the appraisal time (both bounds inclusive), and
/// listing neither the ASK nor the VCEK. Every refusal is CertificateChain with its code.
/// </summary>
public sealed class AmdCrlTests
{
    private static SyntheticAmdChain Amd => SyntheticAmdChain.For(AmdGeneration.Genoa);

    [Fact]
    public void CurrentCrlSignedByTheArk_ReturnsItsNextUpdate()
    {
        var next = new DateTimeOffset(2031, 2, 3, 4, 5, 6, TimeSpan.Zero);
        Assert.Equal(next, Check(Amd.Crl(nextUpdate: next)));
        Assert.Equal(next, Check(Amd.Crl(nextUpdate: next, generalizedTimes: true)));
    }

    [Fact]
    public void CrlWithoutNextUpdate_OrVersion_OrWithExtensions_IsAccepted()
    {
        Assert.Null(Check(Amd.Crl(withNextUpdate: false)));
        Assert.Null(Check(Amd.Crl(withNextUpdate: false, withExtensions: true)));
        Assert.Equal(SyntheticAmdChain.NotAfter, Check(Amd.Crl(withVersion: false)));
        Assert.Equal(SyntheticAmdChain.NotAfter, Check(Amd.Crl(withExtensions: true)));
    }

    [Fact]
    public void CrlListingOtherSerials_IsAccepted()
    {
        Assert.Equal(SyntheticAmdChain.NotAfter, Check(Amd.Crl(revokedSerials: [[0x7f, 0x01], [0x02], [0x03, 0x33, 0x00], [0x22, 0x02]])));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void CrlListingTheAskOrTheVcek_IsCertificateRevoked(bool ask)
    {
        var serial = ask ? Amd.Chain.Ask.SerialNumber : Amd.VcekCertificate.SerialNumber;
        Assert.EndsWith(": AMD revoked a certificate of the chain", Refused(Amd.Crl(revokedSerials: [serial]), "CERTIFICATE_REVOKED").Message, StringComparison.Ordinal);
        Refused(Amd.Crl(revokedSerials: [[0x7f, 0x01], [0x55], serial]), "CERTIFICATE_REVOKED");
        Refused(Amd.Crl(revokedSerials: [serial, [0x7f, 0x01]], withExtensions: true), "CERTIFICATE_REVOKED");
    }

    [Fact]
    public void CrlSignedByTheAskOrAnotherKey_OrWithAChangedSignature_IsRefused()
    {
        Assert.Contains("root key", Refused(Amd.Crl(signer: Amd.AskKey), "CRL_INVALID").Message, StringComparison.Ordinal);
        using var other = RSA.Create(2048);
        Refused(Amd.Crl(signer: other), "CRL_INVALID");
        Refused(Amd.Crl(tamperSignature: s => s[^1] ^= 1), "CRL_INVALID");
        Refused(Amd.Crl(tamperSignature: s => s[0] ^= 0x80), "CRL_INVALID");
        Refused(SyntheticAmdChain.For(AmdGeneration.Milan).Crl(), "CRL_INVALID"); // the Milan ARK's CRL for the Genoa chain
    }

    [Fact]
    public void CrlWhoseSignedAlgorithmDiffersFromTheOuterOne_IsRefused()
    {
        var ecdsaSha384 = new byte[] { 0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03 };
        var ex = Refused(Amd.Crl(innerAlgorithm: ecdsaSha384), "CRL_INVALID");
        Assert.Contains("algorithm", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(-1)]
    [InlineData(long.MaxValue)]
    public void CrlOfAnotherVersion_IsRefused(long version)
    {
        var ex = Refused(Amd.Crl(version: version), "CRL_INVALID");
        Assert.Contains("version", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CrlValidity_IncludesBothBounds_AndRefusesOutside()
    {
        var now = SyntheticAmdChain.Now;
        Assert.Equal(now, Check(Amd.Crl(thisUpdate: now, nextUpdate: now)));
        var early = Refused(Amd.Crl(thisUpdate: now.AddSeconds(1)), "CRL_INVALID");
        Assert.Contains($"the CRL is current from {now.AddSeconds(1):O}", early.Message, StringComparison.Ordinal);
        Assert.Contains($"not at {now:O}", early.Message, StringComparison.Ordinal);
        var late = Refused(Amd.Crl(nextUpdate: now.AddSeconds(-1)), "CRL_INVALID");
        Assert.Contains($"to {now.AddSeconds(-1):O}, not at {now:O}", late.Message, StringComparison.Ordinal);
        Assert.Equal(now.AddSeconds(1), Check(Amd.Crl(thisUpdate: now.AddSeconds(-1), nextUpdate: now.AddSeconds(1))));
    }

    [Fact]
    public void BytesThatAreNotACrl_AreCrlInvalid()
    {
        var good = Amd.Crl();
        Refused(Amd.Crl(trailing: [0x00]), "CRL_INVALID");
        Refused(good[..^3], "CRL_INVALID");
        Refused([], "CRL_INVALID");
        Refused([0x30, 0x00], "CRL_INVALID");
        Refused(Amd.Vcek, "CRL_INVALID");
        var ex = Refused([0x04, 0x01, 0x00], "CRL_INVALID");
        Assert.IsAssignableFrom<System.Formats.Asn1.AsnContentException>(ex.InnerException);
        Assert.Contains("the CRL is not valid DER", ex.Message, StringComparison.Ordinal);
    }

    private static DateTimeOffset? Check(byte[] crl) => AmdCrl.Check(crl, Amd.Chain, Amd.VcekCertificate, SyntheticAmdChain.Now);

    private static AttestationException Refused(byte[] crl, string code)
    {
        var ex = Assert.ThrowsAny<AttestationException>(() => Check(crl));
        Assert.Equal(AttestationStage.CertificateChain, ex.Stage);
        Assert.Equal(code, ex.Code);
        return ex;
    }
}
