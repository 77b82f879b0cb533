using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Tdx;
using AudioSdk.Security.Tinfoil.V3;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The TDX parts a v3 document adds: the PPID-keyed TDX policy of the platform endorsements (every member checked, numbers
/// range-checked into the policy layer's refusal) and the <c>intel-pcs</c> collateral item (malformed captures refused at the
/// quote layer). The documents are the transcribed tdx-golden-happy vector with one part changed.
/// </summary>
public sealed class TdxDocumentPolicyTests
{
    internal const string Ppid = "55555555555555555555555555555555";

    internal static JsonObject Predicate() => JsonNode.Parse($$"""
        {"format":"https://tinfoil.sh/predicate/platform-endorsements/v1",
         "measurements":{"m1":{"mrtd":"{{new string('1', 96)}}","rtmr0":"{{new string('2', 96)}}","shape":{"cpus":8} } },
         "machines":{"{{Ppid}}":"tdx-policy"},
         "policies":{"tdx-policy":{"platform":"tdx","tdx":{"qe_vendor_id":"939a7233f79c4ca9940a0db3957f0607",
           "minimum_tee_tcb_svn":"03000000000000000000000000000000","mr_seam":"{{new string('a', 96)}}","td_attributes":"0000001000000000",
           "xfam":"e702060000000000","minimum_tcb_evaluation_data_number":18,"platform_measurements":["m1"]} } } }
        """)!.AsObject();

    [Fact]
    public void TheEndorsedPolicy_IsReadWithEveryMember()
    {
        var predicate = Predicate();
        predicate["policies"]!["tdx-policy"]!["tdx"]!["minimum_qe_svn"] = 7;
        var (machine, policy) = PlatformEndorsements.TdxPolicyFor(Parse(predicate), Convert.FromHexString(Ppid));

        Assert.Equal("tdx-policy", machine);
        Assert.Equal(7, policy.MinimumQeSvn);
        Assert.Equal(0, policy.MinimumPceSvn);
        Assert.Equal(18, policy.MinimumEvaluationDataNumber);
        Assert.Equal(new string('a', 96), Hex.Lower(Assert.Single(policy.MrSeams)));
        Assert.Equal(("m1", new string('1', 96), new string('2', 96)), (policy.Platforms[0].Id, policy.Platforms[0].Mrtd, policy.Platforms[0].Rtmr0));
    }

    [Theory]
    [InlineData("minimum_qe_svn", "70000")]                       // above a 16-bit SVN
    [InlineData("minimum_pce_svn", "-1")]
    [InlineData("minimum_tcb_evaluation_data_number", "-1")]      // would accept any collateral
    [InlineData("minimum_tcb_evaluation_data_number", "1e400")]
    [InlineData("minimum_tcb_evaluation_data_number", "99999999999999999999")]
    [InlineData("minimum_tcb_evaluation_data_number", "\"18\"")]
    [InlineData("accepted_mr_seams", "[]")]                        // and mr_seam: both named
    [InlineData("td_attributes", "\"0000001000\"")]
    [InlineData("xfam", "\"E702060000000000\"")]
    [InlineData("qe_vendor_id", "null")]
    [InlineData("platform_measurements", "[\"m2\"]")]              // names no measurement
    [InlineData("platform_measurements", "[]")]
    [InlineData("mr_owner_zero", "1")]
    [InlineData("unknown_member", "true")]
    public void AMalformedOrOutOfRangeMember_IsRefusedAtPolicy(string member, string json)
    {
        var predicate = Predicate();
        predicate["policies"]!["tdx-policy"]!["tdx"]![member] = JsonNode.Parse(json);

        var ex = Assert.Throws<AttestationException>(() => PlatformEndorsements.TdxPolicyFor(Parse(predicate), Convert.FromHexString(Ppid)));

        Assert.Equal((AttestationStage.Policy, "PLATFORM_POLICY_REJECTED"), (ex.Stage, ex.Code));
    }

    [Fact]
    public void APpidNotEndorsed_OrASevMachine_IsRefusedAtPolicy()
    {
        var predicate = Predicate();
        var unknown = Assert.Throws<AttestationException>(() => PlatformEndorsements.TdxPolicyFor(Parse(predicate), new byte[16]));
        Assert.Contains("not an endorsed machine", unknown.Message, StringComparison.Ordinal);

        predicate["policies"]!["tdx-policy"]!["platform"] = "sev-snp";
        var sev = Assert.Throws<AttestationException>(() => PlatformEndorsements.TdxPolicyFor(Parse(predicate), Convert.FromHexString(Ppid)));
        Assert.Equal((AttestationStage.Policy, "PLATFORM_POLICY_REJECTED"), (sev.Stage, sev.Code));
        Assert.Contains("not a TDX platform", sev.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheGoldenDocumentsCollateral_IsReadFromItsCaptures()
    {
        using var document = Golden(_ => { });

        var collateral = IntelPcsCollateral.From(document);

        Assert.NotNull(collateral);
        Assert.Contains("\"tcbInfo\"", collateral.TcbInfoJson, StringComparison.Ordinal);
        Assert.Contains("\"enclaveIdentity\"", collateral.QeIdentityJson, StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----\n", collateral.TcbInfoIssuerChainPem, StringComparison.Ordinal);
        Assert.NotEmpty(collateral.PckCrl);
        Assert.NotEmpty(collateral.RootCrl);
    }

    [Theory]
    [InlineData("duplicate", "COLLATERAL_MALFORMED")]
    [InlineData("no-qe-identity", "COLLATERAL_MISSING")]
    [InlineData("no-chain-header", "COLLATERAL_MISSING")]
    [InlineData("header-not-array", "COLLATERAL_MALFORMED")]
    [InlineData("body-not-canonical", "COLLATERAL_MALFORMED")]
    [InlineData("http-url", "COLLATERAL_MALFORMED")]
    [InlineData("extra-member", "COLLATERAL_MALFORMED")]
    [InlineData("not-endorsement", "COLLATERAL_MALFORMED")]
    public void MalformedCaptures_AreRefusedAtTheQuoteLayer(string change, string code)
    {
        using var document = Golden(pcs =>
        {
            var responses = pcs["data"]!["responses"]!.AsArray();
            var tcb = responses[0]!.AsObject();
            switch (change)
            {
                case "duplicate": responses.Add(tcb.DeepClone()); break;
                case "no-qe-identity": responses.RemoveAt(1); break;
                case "no-chain-header": tcb["headers"] = new JsonObject(); break;
                case "header-not-array": tcb["headers"] = new JsonObject { ["Tcb-Info-Issuer-Chain"] = "x" }; break;
                case "body-not-canonical": tcb["body_base64"] = tcb["body_base64"]!.GetValue<string>() + "\n"; break;
                case "http-url": tcb["url"] = "http://api.trustedservices.intel.com/tdx/certification/v4/tcb"; break;
                case "extra-member": tcb["status"] = 200; break;
                case "not-endorsement": pcs["role"] = "reference-values"; break;
            }
        });

        var ex = Assert.Throws<AttestationException>(() => IntelPcsCollateral.From(document));

        Assert.Equal((AttestationStage.CertificateChain, code), (ex.Stage, ex.Code));
    }

    [Fact]
    public void TheExtraBytesVectorsQuote_WithoutItsExtraByte_Authenticates()
    {
        // t3-extra-bytes refuses one byte after the quote's signature data; without it the same quote, PCK chain and captured
        // collateral verify (which also shows the transcription is exact: every signature covers what was copied).
        var input = JsonNode.Parse(File.ReadAllText(Path.Combine(ConformanceVector.Root, "v3", "quote-tdx", "t3-extra-bytes.json")))!["input"]!.AsObject();
        var document = JsonNode.Parse(Convert.FromBase64String(input["document_b64"]!.GetValue<string>()))!.AsObject();
        var quote = Convert.FromBase64String(document["cpu_evidence"]!["report_base64"]!.GetValue<string>());
        Assert.Equal(1, quote[^1]);
        document["cpu_evidence"]!["report_base64"] = Convert.ToBase64String(quote[..^1]);
        using var parsed = AttestationDocument.Parse(Encoding.UTF8.GetBytes(document.ToJsonString()), Convert.FromHexString(document["challenge"]!["nonce"]!.GetValue<string>()));

        var verified = new TinfoilDocumentVerifier(ConformanceAdapters.V3Trust(input)).AuthenticateTdxQuote(parsed, DateTimeOffset.FromUnixTimeSeconds(1735689601));

        Assert.Equal("OK", verified.Result);
        Assert.Equal("50806f000000", Hex.Lower(verified.Fmspc));
        Assert.Equal(Ppid, Hex.Lower(verified.Ppid!));
    }

    internal static JsonElement Parse(JsonObject predicate) => JsonDocument.Parse(predicate.ToJsonString()).RootElement;

    /// <summary>The golden document with its intel-pcs item changed (collateral is not hash-bound, so the envelope still holds).</summary>
    internal static AttestationDocument Golden(Action<JsonObject> change)
    {
        var vector = JsonNode.Parse(File.ReadAllText(Path.Combine(ConformanceVector.Root, "v3", "golden-tdx", "tdx-golden-happy.json")))!["input"]!;
        var document = JsonNode.Parse(Convert.FromBase64String(vector["document_b64"]!.GetValue<string>()))!.AsObject();
        change(document["collateral"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == "pcs")!.AsObject());
        return AttestationDocument.Parse(Encoding.UTF8.GetBytes(document.ToJsonString()), Convert.FromHexString(vector["nonce_hex"]!.GetValue<string>()));
    }
}
