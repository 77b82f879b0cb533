using System.Text;
using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.V3;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>The v3 verifier on the captured real document: what it establishes, and each layer refusing its own kind of change.</summary>
public sealed class TinfoilDocumentVerifierTests
{
    [Fact]
    public void RealDocument_VerifiesWithProductionRoots_AndYieldsTheBoundKeys()
    {
        var attestation = TinfoilAttestor.VerifyDocument(RealFrozenDocument.Bytes, RealFrozenDocument.Nonce, RealFrozenDocument.Repository, RealFrozenDocument.Time);

        Assert.Equal("198c3340b8b007efdb5aa9b2bff68eb6776c4710f0731121f195c65e6410c232", attestation.TlsPin.ToString());
        Assert.Equal("4539df144c761e852824083b1e0e23026ab8fec4fa0612ca16b2672a7a45983e", Convert.ToHexString(attestation.HpkePublicKey.Span).ToLowerInvariant());
        Assert.Equal("7dcf6bade47993752689e9574ae6fba39ebed0fa98427329fc184558488ad8f6", attestation.CodeDigest);
        Assert.Equal("6d657b353726893ee7202d33efc7c849a62693049c646f9394a8c6e2a165ed9936c024c4200878927767317ba3cbca7a", attestation.Measurement);
        Assert.Equal("amd-genoa-prod", attestation.Machine);
        Assert.Equal("v0.0.141", attestation.Tag);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1786661878) + TimeSpan.FromDays(7), attestation.ValidUntil);
    }

    [Fact]
    public void AnotherNonce_IsRefusedAtTheEnvelope()
    {
        var nonce = RealFrozenDocument.Nonce;
        nonce[0] ^= 1;
        var ex = Assert.Throws<AttestationException>(() => TinfoilAttestor.VerifyDocument(RealFrozenDocument.Bytes, nonce, RealFrozenDocument.Repository, RealFrozenDocument.Time));
        Assert.Equal(AttestationStage.Envelope, ex.Stage);
    }

    [Fact]
    public void AnotherRepository_IsRefusedAtProvenance()
    {
        var ex = Assert.Throws<AttestationException>(() => TinfoilAttestor.VerifyDocument(RealFrozenDocument.Bytes, RealFrozenDocument.Nonce, "tinfoilsh/other-model", RealFrozenDocument.Time));
        Assert.Equal(AttestationStage.Provenance, ex.Stage);
        Assert.Equal("CODE_REPOSITORY_MISMATCH", ex.Code);
    }

    [Fact]
    public void AfterTheFreshnessWindow_IsRefusedAsStale()
    {
        var late = DateTimeOffset.FromUnixTimeSeconds(1786661878) + TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1);
        var ex = Assert.Throws<AttestationException>(() => TinfoilAttestor.VerifyDocument(RealFrozenDocument.Bytes, RealFrozenDocument.Nonce, RealFrozenDocument.Repository, late));
        Assert.Equal(AttestationStage.Freshness, ex.Stage);
        Assert.Equal("FRESHNESS_EXPIRED", ex.Code);
    }

    [Fact]
    public void OneReportByteChanged_WithHashesIntact_IsRefusedAtTheReportSignature()
    {
        var document = RealFrozenDocument.Document;
        var report = Convert.FromBase64String(document["cpu_evidence"]!["report_base64"]!.GetValue<string>());
        report[0x90] ^= 0x01;
        document["cpu_evidence"]!["report_base64"] = Convert.ToBase64String(report);
        var bytes = Encoding.UTF8.GetBytes(document.ToJsonString());

        var ex = Assert.Throws<AttestationException>(() => TinfoilAttestor.VerifyDocument(bytes, RealFrozenDocument.Nonce, RealFrozenDocument.Repository, RealFrozenDocument.Time));
        Assert.Equal(AttestationStage.Report, ex.Stage);
        Assert.Equal("REPORT_SIGNATURE_INVALID", ex.Code);
    }

    [Fact]
    public void MissingCrlCollateral_IsRefusedWhenNothingWasFetched()
    {
        var document = RealFrozenDocument.Document;
        var collateral = document["collateral"]!.AsArray();
        collateral.Remove(collateral.First(c => c!["id"]!.GetValue<string>() == "cpu-crl"));
        using var parsed = AttestationDocument.Parse(Encoding.UTF8.GetBytes(document.ToJsonString()), RealFrozenDocument.Nonce);

        var ex = Assert.Throws<AttestationException>(() => new TinfoilDocumentVerifier(TinfoilTrust.Production).Verify(parsed, RealFrozenDocument.Repository, RealFrozenDocument.Time));
        Assert.Equal("CRL_MISSING", ex.Code);
    }

    [Fact]
    public void SyntheticAmdRootsInPlaceOfProduction_RefuseTheRealVcek()
    {
        var enclave = new SyntheticEnclave();
        using var parsed = AttestationDocument.Parse(RealFrozenDocument.Bytes, RealFrozenDocument.Nonce);
        var ex = Assert.Throws<AttestationException>(() => new TinfoilDocumentVerifier(enclave.Trust).Verify(parsed, RealFrozenDocument.Repository, RealFrozenDocument.Time));
        Assert.Equal(AttestationStage.CertificateChain, ex.Stage);
        Assert.Equal("VCEK_CHAIN_INVALID", ex.Code);
    }

    [Fact]
    public void DocumentParse_RefusesOversizedInput_BeforeParsingJson()
    {
        var ex = Assert.Throws<AttestationException>(() => AttestationDocument.Parse(new byte[AttestationDocument.MaxBytes + 1], new byte[32]));
        Assert.Equal(AttestationStage.Envelope, ex.Stage);
    }

    [Fact]
    public void StrictJson_RefusesDuplicateMembersNestedDeep()
    {
        var json = JsonNode.Parse("""{"a":{"b":[{"c":1}]}}""")!.ToJsonString().Replace("{\"c\":1}", "{\"c\":1,\"c\":2}", StringComparison.Ordinal);
        var ex = Assert.Throws<AttestationException>(() => StrictJson.Parse(Encoding.UTF8.GetBytes(json), "x"));
        Assert.Contains("duplicate", ex.Message, StringComparison.Ordinal);
    }
}
