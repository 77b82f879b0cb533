using System.Text;
using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.V3;
using AudioSdk.Testing;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The v3 verifier's own rules, each on a document that passes every other layer: the keys a client needs, how long the
/// SEV-SNP quote holds (CRL next update against VCEK end), the TDX quote's collateral and PPID, and the tag a release must
/// be signed from.
/// </summary>
public sealed class TinfoilDocumentVerifierRulesTests
{
    private const string NonceHex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static readonly TlsPinBytes Pin = new(new string('a', 64));
    private static readonly DateTimeOffset CodeWitnessLogged = DateTimeOffset.FromUnixTimeSeconds(1786661878);

    [Fact]
    public void ADocumentThatVerifiesButBindsNoHpkeKey_IsRefusedAtTheEnvelope_UnlessKeysAreNotRequired()
    {
        var enclave = SyntheticEnclave.Instance;
        using var parsed = AttestationDocument.Parse(enclave.Document(NonceHex, Pin, withHpke: false), Convert.FromHexString(NonceHex));
        var verifier = new TinfoilDocumentVerifier(enclave.Trust);

        var ex = Assert.Throws<AttestationException>(() => verifier.Verify(parsed, RealFrozenDocument.Repository, SyntheticEnclave.Time));
        Assert.Equal(AttestationStage.Envelope, ex.Stage);
        Assert.Contains("the document binds no HPKE key ('hpke' item)", ex.Message, StringComparison.Ordinal);

        var unkeyed = verifier.Verify(parsed, RealFrozenDocument.Repository, SyntheticEnclave.Time, requireKeys: false);
        Assert.Null(unkeyed.HpkePublicKey);
        Assert.Equal(Pin.Hex, unkeyed.TlsPin.ToString());
    }

    [Fact]
    public void TheQuoteHoldsUntilTheCrlsNextUpdate_WhenThatComesBeforeTheVcekEnds()
    {
        var crlNextUpdate = SyntheticEnclave.Time + TimeSpan.FromHours(1);
        var verified = VerifySevSnp(new SyntheticEnclave(crlNextUpdate, vcekNotAfter: SyntheticEnclave.Time + TimeSpan.FromHours(2)));
        Assert.Equal(crlNextUpdate, verified.ValidUntil);
    }

    [Fact]
    public void TheQuoteHoldsUntilTheVcekEnds_WhenThatComesBeforeTheCrlsNextUpdate()
    {
        var vcekNotAfter = SyntheticEnclave.Time + TimeSpan.FromHours(1);
        var verified = VerifySevSnp(new SyntheticEnclave(SyntheticEnclave.Time + TimeSpan.FromHours(2), vcekNotAfter));
        Assert.Equal(vcekNotAfter, verified.ValidUntil);
    }

    [Fact]
    public void TrailingBytesAfterTheTdxQuote_AreCountedInTheRefusal()
    {
        var ex = Assert.Throws<AttestationException>(() => VerifyTdx(new TdxDocumentEndToEndTests.Options { Trailing = 3 }));
        Assert.Equal((AttestationStage.Report, "QUOTE_FORMAT_UNSUPPORTED"), (ex.Stage, ex.Code));
        Assert.Contains("3 bytes follow the quote's signature data", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATdxDocumentWithoutIntelCollateral_WithNoneFetched_IsRefusedAtTheChain()
    {
        var ex = Assert.Throws<AttestationException>(() => VerifyTdx(new TdxDocumentEndToEndTests.Options { CarryCollateral = false }));
        Assert.Equal((AttestationStage.CertificateChain, "COLLATERAL_MISSING"), (ex.Stage, ex.Code));
        Assert.Contains("the document carries no intel-pcs collateral and none was fetched", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APckCertificateNamingNoPpid_IsRefusedAtTheChain_BeforeAnyMachineIsLookedUp()
    {
        Assert.Equal("tdx-h200-prod", VerifyTdx(new TdxDocumentEndToEndTests.Options()).Machine);

        var ex = Assert.Throws<AttestationException>(() => VerifyTdx(new TdxDocumentEndToEndTests.Options { PlatformEdit = p => p with { WithoutPpid = true } }));
        Assert.Equal((AttestationStage.CertificateChain, "PCK_PPID_MISSING"), (ex.Stage, ex.Code));
        Assert.Contains("the PCK certificate names no PPID, so the machine cannot be looked up", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACodeReleaseSignedFromABranch_IsRefusedAtItsWorkflowRef_BeforeItsStatementIsRead()
    {
        // The freshness witness is a real signed bundle of tinfoilsh/freshness-witness built from refs/heads/main, for the
        // release's digest: offered as the release itself, it is refused for its ref, not for its predicate.
        const string Witnesses = "tinfoilsh/freshness-witness";
        var document = RealFrozenDocument.Document;
        var code = Item(document, "code")["data"]!.AsObject();
        code["repo"] = Witnesses;
        code["sigstore_bundle"] = Item(document, "code-freshness")["data"]!["sigstore_bundle"]!.DeepClone();
        using var parsed = AttestationDocument.Parse(Encoding.UTF8.GetBytes(document.ToJsonString()), RealFrozenDocument.Nonce);

        var ex = Assert.Throws<AttestationException>(() => new TinfoilDocumentVerifier(TinfoilTrust.Production).Verify(parsed, Witnesses, RealFrozenDocument.Time));

        Assert.Equal((AttestationStage.Provenance, "WORKFLOW_REF_PREFIX_MISMATCH"), (ex.Stage, ex.Code));
        Assert.Contains("the workflow ref refs/heads/main does not start with refs/tags/", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWitnessResignedByTheFreshnessWorkflow_Verifies_AndDatesTheDocument()
    {
        var verified = VerifyWithCodeWitness(_ => { });
        Assert.Equal(("amd-genoa-prod", CodeWitnessLogged + TinfoilDocumentVerifier.FreshnessWindow), (verified.Machine, verified.ValidUntil));
    }

    [Fact]
    public void AWitnessSignedByAnotherWorkflowOfTheWitnessRepository_OnItsMainBranch_IsRefused()
    {
        var other = "https://github.com/tinfoilsh/freshness-witness/.github/workflows/other.yml@refs/heads/main";
        var ex = Assert.Throws<AttestationException>(() => VerifyWithCodeWitness(_ => { }, other));
        Assert.Equal((AttestationStage.Freshness, "FRESHNESS_INVALID"), (ex.Stage, ex.Code));
        Assert.Contains("the 'code-freshness' witness was not signed by the freshness workflow", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWitnessSignedFromAnotherBranch_IsRefusedForItsRef()
    {
        var branch = "https://github.com/tinfoilsh/freshness-witness/.github/workflows/freshness.yml@refs/heads/dev";
        var ex = Assert.Throws<AttestationException>(() => VerifyWithCodeWitness(_ => { }, branch));
        Assert.Equal((AttestationStage.Freshness, "FRESHNESS_INVALID"), (ex.Stage, ex.Code));
        Assert.Contains("the 'code-freshness' witness does not verify: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the workflow ref refs/heads/dev does not start with refs/heads/main", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWitnessEndorsingAnotherArtifact_IsRefused_WhicheverOneFieldDiffers()
    {
        (string Field, Action<JsonObject> Change)[] changes =
        [
            ("repo", e => e["repo"] = "tinfoilsh/other-model"),
            ("tag", e => e["tag"] = "v0.0.140"),
            ("subject name", e => e["subject"]!["name"] = "other-deployment.json"),
            ("subject digest", e => e["subject"]!["digest"] = "sha256:" + new string('0', 64)),
            ("endorses", e => e.Clear()),
        ];
        foreach (var (field, change) in changes)
        {
            var ex = Assert.Throws<AttestationException>(() => VerifyWithCodeWitness(s => change(s["predicate"]!["endorses"]!.AsObject())));
            Assert.True((AttestationStage.Freshness, "FRESHNESS_INVALID") == (ex.Stage, ex.Code), $"{field}: {ex.Stage} {ex.Code}");
            Assert.Contains("the 'code-freshness' witness endorses another artifact than tinfoilsh/confidential-model-router@v0.0.141", ex.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>The real document with its code witness's statement (edited) signed again by <paramref name="signer"/> (the
    /// freshness workflow when null) through <see cref="SyntheticSigstore"/>, logged when the real witness was.</summary>
    private static TinfoilVerification VerifyWithCodeWitness(Action<JsonObject> editStatement, string? signer = null)
    {
        var document = RealFrozenDocument.Document;
        var witness = Item(document, "code-freshness")["data"]!.AsObject();
        var statement = JsonNode.Parse(Convert.FromBase64String(witness["sigstore_bundle"]!["dsseEnvelope"]!["payload"]!.GetValue<string>()))!.AsObject();
        editStatement(statement);
        var sigstore = SyntheticSigstore.Instance;
        witness["sigstore_bundle"] = sigstore.Bundle(statement, signer ?? TinfoilDocumentVerifier.FreshnessSigner, CodeWitnessLogged);
        using var parsed = AttestationDocument.Parse(Encoding.UTF8.GetBytes(document.ToJsonString()), RealFrozenDocument.Nonce);
        return new TinfoilDocumentVerifier(TinfoilTrust.Production with { Sigstore = sigstore.Root }).Verify(parsed, RealFrozenDocument.Repository, RealFrozenDocument.Time);
    }

    private static TinfoilVerification VerifySevSnp(SyntheticEnclave enclave)
    {
        using var parsed = AttestationDocument.Parse(enclave.Document(NonceHex, Pin), Convert.FromHexString(NonceHex));
        return new TinfoilDocumentVerifier(enclave.Trust).Verify(parsed, RealFrozenDocument.Repository, SyntheticEnclave.Time);
    }

    private static TinfoilVerification VerifyTdx(TdxDocumentEndToEndTests.Options options)
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var (platform, document) = TdxDocumentEndToEndTests.Setup.Build(certificate, options);
        using var parsed = AttestationDocument.Parse(document, TdxDocumentEndToEndTests.Nonce);
        return new TinfoilDocumentVerifier(TinfoilTrust.Production with { IntelRoot = platform.Root }).Verify(parsed, RealFrozenDocument.Repository, SyntheticEnclave.Time);
    }

    private static JsonObject Item(JsonObject document, string id) =>
        document["collateral"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == id)!.AsObject();
}
