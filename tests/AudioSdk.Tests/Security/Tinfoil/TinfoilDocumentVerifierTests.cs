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

    private static readonly DateTimeOffset CodeWitnessLogged = DateTimeOffset.FromUnixTimeSeconds(1786661878);
    private static readonly DateTimeOffset PlatformWitnessLogged = DateTimeOffset.FromUnixTimeSeconds(1786667617);

    [Fact]
    public void Verify_EstablishesTheReleaseMachineAndMeasurements()
    {
        using var parsed = AttestationDocument.Parse(RealFrozenDocument.Bytes, RealFrozenDocument.Nonce);
        var verified = new TinfoilDocumentVerifier(TinfoilTrust.Production).Verify(parsed, RealFrozenDocument.Repository, RealFrozenDocument.Time);

        Assert.Equal((RealFrozenDocument.Repository, "v0.0.141", "amd-genoa-prod"), (verified.Repository, verified.Tag, verified.Machine));
        Assert.Equal("7dcf6bade47993752689e9574ae6fba39ebed0fa98427329fc184558488ad8f6", verified.CodeDigest);
        Assert.Equal(Measurement.SnpTdxMultiPlatformV1, verified.CodeMeasurement.Type);
        Assert.Equal(Measurement.SevGuestV2, verified.EnclaveMeasurement.Type);
        Assert.Equal(verified.CodeMeasurement.Registers[0], verified.EnclaveMeasurement.Registers[0]);
        Assert.Equal(CodeWitnessLogged + TinfoilDocumentVerifier.FreshnessWindow, verified.ValidUntil);
    }

    [Fact]
    public void FreshnessWindow_IsInclusive_WithFiveMinutesOfSkewBeforeTheLatestWitness()
    {
        using var parsed = AttestationDocument.Parse(RealFrozenDocument.Bytes, RealFrozenDocument.Nonce);
        var verifier = new TinfoilDocumentVerifier(TinfoilTrust.Production);
        verifier.Verify(parsed, RealFrozenDocument.Repository, CodeWitnessLogged + TimeSpan.FromDays(7));
        verifier.Verify(parsed, RealFrozenDocument.Repository, PlatformWitnessLogged - TimeSpan.FromMinutes(5));
        var early = Assert.Throws<AttestationException>(() => verifier.Verify(parsed, RealFrozenDocument.Repository, PlatformWitnessLogged - TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1)));
        Assert.Equal((AttestationStage.Freshness, "FRESHNESS_EXPIRED"), (early.Stage, early.Code));
        Assert.Contains("'platform-freshness'", early.Message, StringComparison.Ordinal);
        Assert.Contains("7-day window", early.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, AttestationStage, string, string> DocumentChanges() => new()
    {
        { "no-code", AttestationStage.Provenance, "REFERENCE_VALUES_MISSING", "no code reference values" },
        { "code-role", AttestationStage.Provenance, "REFERENCE_VALUES_MISSING", "no code reference values" },
        { "no-platform", AttestationStage.Provenance, "REFERENCE_VALUES_MISSING", "no platform reference values" },
        { "code-no-tag", AttestationStage.Provenance, "REFERENCE_VALUES_MALFORMED", "the code reference values lack" },
        { "code-no-repo", AttestationStage.Provenance, "REFERENCE_VALUES_MALFORMED", "the code reference values lack" },
        { "code-digest-upper", AttestationStage.Provenance, "REFERENCE_VALUES_MALFORMED", "the code reference values lack" },
        { "code-bundle-string", AttestationStage.Provenance, "REFERENCE_VALUES_MALFORMED", "the code reference values lack" },
        { "platform-no-digest", AttestationStage.Provenance, "REFERENCE_VALUES_MALFORMED", "the platform reference values lack" },
        { "platform-repo", AttestationStage.Provenance, "PLATFORM_REPOSITORY_MISMATCH", "not tinfoilsh/platform-endorsements" },
        { "code-tag", AttestationStage.Provenance, "WORKFLOW_REF_PREFIX_MISMATCH", "was signed from refs/tags/v0.0.141, not tag v0.0.140" },
        { "platform-tag", AttestationStage.Provenance, "WORKFLOW_REF_PREFIX_MISMATCH", "not tag v0.0.8" },
        { "no-code-freshness", AttestationStage.Freshness, "FRESHNESS_MISSING", "no 'code-freshness' witness" },
        { "no-platform-freshness", AttestationStage.Freshness, "FRESHNESS_MISSING", "no 'platform-freshness' witness" },
        { "freshness-role", AttestationStage.Freshness, "FRESHNESS_MISSING", "no 'code-freshness' witness" },
        { "freshness-format", AttestationStage.Freshness, "FRESHNESS_MISSING", "no 'platform-freshness' witness" },
        { "freshness-no-bundle", AttestationStage.Freshness, "FRESHNESS_MISSING", "'code-freshness' has no bundle" },
        { "freshness-swapped", AttestationStage.Freshness, "FRESHNESS_INVALID", "the 'code-freshness' witness does not verify" },
        { "no-vcek", AttestationStage.CertificateChain, "VCEK_MISSING", "carries no VCEK" },
        { "vcek-role", AttestationStage.CertificateChain, "COLLATERAL_MALFORMED", "'cpu-endorsement' is not an endorsement" },
        { "vcek-base64", AttestationStage.CertificateChain, "COLLATERAL_MALFORMED", "no canonical base64 vcek_der_base64" },
        { "crl-base64", AttestationStage.CertificateChain, "COLLATERAL_MALFORMED", "no canonical base64 crl_der_base64" },
        { "chain-one", AttestationStage.CertificateChain, "VCEK_CHAIN_INVALID", "not the trusted Genoa chain" },
        { "chain-reversed", AttestationStage.CertificateChain, "VCEK_CHAIN_INVALID", "not the trusted Genoa chain" },
        { "chain-number", AttestationStage.CertificateChain, "VCEK_CHAIN_INVALID", "not the trusted Genoa chain" },
        { "chain-garbage", AttestationStage.CertificateChain, "VCEK_CHAIN_INVALID", "does not parse" },
    };

    [Theory]
    [MemberData(nameof(DocumentChanges))]
    public void EachCollateralItem_IsRequiredInItsShape(string change, AttestationStage stage, string code, string reason)
    {
        var ex = Assert.Throws<AttestationException>(() => VerifyChanged(d => Change(d, change)));
        Assert.Equal((stage, code), (ex.Stage, ex.Code));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CollateralFetchedOutside_StandsInForWhatTheDocumentLacks_AndACarriedChainIsOptional()
    {
        var document = RealFrozenDocument.Document;
        var items = document["collateral"]!.AsArray();
        var vcek = Convert.FromBase64String(Item(document, "cpu-endorsement")["data"]!["vcek_der_base64"]!.GetValue<string>());
        var crl = Convert.FromBase64String(Item(document, "cpu-crl")["data"]!["crl_der_base64"]!.GetValue<string>());
        items.Remove(Item(document, "cpu-endorsement"));
        items.Remove(Item(document, "cpu-crl"));
        using var parsed = AttestationDocument.Parse(Encoding.UTF8.GetBytes(document.ToJsonString()), RealFrozenDocument.Nonce);
        Assert.Equal("amd-genoa-prod", new TinfoilDocumentVerifier(TinfoilTrust.Production).Verify(parsed, RealFrozenDocument.Repository, RealFrozenDocument.Time, vcek, crl).Machine);

        Assert.Equal("amd-genoa-prod", VerifyChanged(d => Item(d, "cpu-endorsement")["data"]!.AsObject().Remove("cert_chain_pem")).Machine);
    }

    private static TinfoilVerification VerifyChanged(Action<JsonObject> change)
    {
        var document = RealFrozenDocument.Document;
        change(document);
        using var parsed = AttestationDocument.Parse(Encoding.UTF8.GetBytes(document.ToJsonString()), RealFrozenDocument.Nonce);
        return new TinfoilDocumentVerifier(TinfoilTrust.Production).Verify(parsed, RealFrozenDocument.Repository, RealFrozenDocument.Time);
    }

    private static JsonObject Item(JsonObject document, string id) =>
        document["collateral"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == id)!.AsObject();

    private static void Change(JsonObject d, string change)
    {
        var items = d["collateral"]!.AsArray();
        var chain = Item(d, "cpu-endorsement")["data"]!["cert_chain_pem"]!.GetValue<string>();
        var pems = chain.Split("-----END CERTIFICATE-----", StringSplitOptions.RemoveEmptyEntries).Where(p => p.Contains("BEGIN", StringComparison.Ordinal)).Select(p => p.Trim() + "\n-----END CERTIFICATE-----\n").ToArray();
        switch (change)
        {
            case "no-code": items.Remove(Item(d, "code")); break;
            case "code-role": Item(d, "code")["role"] = "endorsement"; break;
            case "no-platform": items.Remove(Item(d, "platform")); break;
            case "code-no-tag": Item(d, "code")["data"]!.AsObject().Remove("tag"); break;
            case "code-no-repo": Item(d, "code")["data"]!.AsObject().Remove("repo"); break;
            case "code-digest-upper": Item(d, "code")["data"]!["digest"] = Item(d, "code")["data"]!["digest"]!.GetValue<string>().ToUpperInvariant(); break;
            case "code-bundle-string": Item(d, "code")["data"]!["sigstore_bundle"] = "{}"; break;
            case "platform-no-digest": Item(d, "platform")["data"]!.AsObject().Remove("digest"); break;
            case "platform-repo": Item(d, "platform")["data"]!["repo"] = "tinfoilsh/other-endorsements"; break;
            case "code-tag": Item(d, "code")["data"]!["tag"] = "v0.0.140"; break;
            case "platform-tag": Item(d, "platform")["data"]!["tag"] = "v0.0.8"; break;
            case "no-code-freshness": items.Remove(Item(d, "code-freshness")); break;
            case "no-platform-freshness": items.Remove(Item(d, "platform-freshness")); break;
            case "freshness-role": Item(d, "code-freshness")["role"] = "endorsement"; break;
            case "freshness-format": Item(d, "platform-freshness")["format"] = TinfoilDocumentVerifier.CodeFormat; break;
            case "freshness-no-bundle": Item(d, "code-freshness")["data"]!.AsObject().Remove("sigstore_bundle"); break;
            case "freshness-swapped": Item(d, "code-freshness")["data"] = Item(d, "platform-freshness")["data"]!.DeepClone(); break;
            case "no-vcek": items.Remove(Item(d, "cpu-endorsement")); break;
            case "vcek-role": Item(d, "cpu-endorsement")["role"] = "reference-values"; break;
            case "vcek-base64": Item(d, "cpu-endorsement")["data"]!["vcek_der_base64"] = "AQJ="; break;
            case "crl-base64": Item(d, "cpu-crl")["data"]!["crl_der_base64"] = "not base64"; break;
            case "chain-one": Item(d, "cpu-endorsement")["data"]!["cert_chain_pem"] = pems[0]; break;
            case "chain-reversed": Item(d, "cpu-endorsement")["data"]!["cert_chain_pem"] = pems[1] + pems[0]; break;
            case "chain-number": Item(d, "cpu-endorsement")["data"]!["cert_chain_pem"] = 2; break;
            default: Item(d, "cpu-endorsement")["data"]!["cert_chain_pem"] = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"; break;
        }
    }
}
