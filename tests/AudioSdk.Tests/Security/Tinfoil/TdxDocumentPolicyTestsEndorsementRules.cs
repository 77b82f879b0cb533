using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Tdx;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The TDX part of the platform endorsements (<see cref="PlatformEndorsements.TdxPolicyFor"/>) member by member: each optional
/// member read with its value, each malformed member refused at stage Policy with the reason that names it.
/// </summary>
public sealed class TdxDocumentPolicyTestsEndorsementRules
{
    private static readonly byte[] Ppid = Convert.FromHexString(TdxDocumentPolicyTests.Ppid);
    private static readonly string SeamA = new('a', 96);
    private static readonly string SeamB = new('b', 96);

    private static JsonObject Tdx(JsonObject predicate) => predicate["policies"]!["tdx-policy"]!["tdx"]!.AsObject();

    private static TdxPlatformPolicy Read(JsonObject predicate) => PlatformEndorsements.TdxPolicyFor(TdxDocumentPolicyTests.Parse(predicate), Ppid).Policy;

    private static void Refused(JsonObject predicate, string reason)
    {
        var ex = Assert.Throws<AttestationException>(() => Read(predicate));
        Assert.Equal((AttestationStage.Policy, "PLATFORM_POLICY_REJECTED"), (ex.Stage, ex.Code));
        Assert.EndsWith(": " + reason, ex.Message, StringComparison.Ordinal);
    }

    private static JsonObject With(string member, JsonNode? value)
    {
        var predicate = TdxDocumentPolicyTests.Predicate();
        Tdx(predicate)[member] = value;
        return predicate;
    }

    [Fact]
    public void EveryRequiredMember_IsReadWithItsValue_AndTheOptionalFlagsDefaultToOff()
    {
        var policy = Read(TdxDocumentPolicyTests.Predicate());

        Assert.Equal("939a7233f79c4ca9940a0db3957f0607", Hex.Lower(policy.QeVendorId));
        Assert.Equal("03000000000000000000000000000000", Hex.Lower(policy.MinimumTeeTcbSvn));
        Assert.Equal("0000001000000000", Hex.Lower(policy.TdAttributes));
        Assert.Equal("e702060000000000", Hex.Lower(policy.Xfam));
        Assert.Equal((0, 0), (policy.MinimumQeSvn, policy.MinimumPceSvn));
        Assert.Equal((false, false, false), (policy.MrConfigIdZero, policy.MrOwnerZero, policy.MrOwnerConfigZero));
    }

    [Fact]
    public void EveryOptionalMember_IsAccepted_AndReadWithItsValue()
    {
        var predicate = TdxDocumentPolicyTests.Predicate();
        var tdx = Tdx(predicate);
        tdx["minimum_qe_svn"] = 3;
        tdx["minimum_pce_svn"] = 65535;
        tdx["mr_config_id_zero"] = true;
        tdx["mr_owner_zero"] = true;
        tdx["mr_owner_config_zero"] = true;

        var policy = Read(predicate);

        Assert.Equal((3, 65535), (policy.MinimumQeSvn, policy.MinimumPceSvn));
        Assert.Equal((true, true, true), (policy.MrConfigIdZero, policy.MrOwnerZero, policy.MrOwnerConfigZero));
    }

    [Fact]
    public void EachZeroFlag_IsReadAlone()
    {
        foreach (var flag in new[] { "mr_config_id_zero", "mr_owner_zero", "mr_owner_config_zero" })
        {
            var policy = Read(With(flag, true));
            Assert.Equal((flag == "mr_config_id_zero", flag == "mr_owner_zero", flag == "mr_owner_config_zero"),
                (policy.MrConfigIdZero, policy.MrOwnerZero, policy.MrOwnerConfigZero));
            Assert.False(Read(With(flag, false)) is { MrConfigIdZero: true } or { MrOwnerZero: true } or { MrOwnerConfigZero: true });
        }
    }

    [Fact]
    public void AcceptedMrSeams_InsteadOfMrSeam_AreReadInOrder()
    {
        var predicate = TdxDocumentPolicyTests.Predicate();
        Tdx(predicate).Remove("mr_seam");
        Tdx(predicate)["accepted_mr_seams"] = new JsonArray(SeamB, SeamA);

        var policy = Read(predicate);

        Assert.Equal([SeamB, SeamA], policy.MrSeams.Select(s => Hex.Lower(s)));
    }

    [Fact]
    public void MalformedAcceptedMrSeams_AreRefused_WithTheirReason()
    {
        static JsonObject Seams(JsonNode? value)
        {
            var predicate = TdxDocumentPolicyTests.Predicate();
            Tdx(predicate).Remove("mr_seam");
            Tdx(predicate)["accepted_mr_seams"] = value;
            return predicate;
        }

        Refused(Seams(new JsonArray()), "accepted_mr_seams is not a non-empty array");
        Refused(Seams(SeamA), "accepted_mr_seams is not a non-empty array");
        Refused(Seams(new JsonObject()), "accepted_mr_seams is not a non-empty array");
        Refused(Seams(new JsonArray(SeamA, 1)), "an accepted_mr_seams entry is not 48 bytes of lowercase hex");
        Refused(Seams(new JsonArray(SeamA, SeamB.ToUpperInvariant())), "an accepted_mr_seams entry is not 48 bytes of lowercase hex");
        Refused(Seams(new JsonArray(SeamA[..94])), "an accepted_mr_seams entry is not 48 bytes of lowercase hex");
    }

    [Fact]
    public void NeitherOrBothSeamMembers_AreRefused()
    {
        const string Reason = "the TDX policy names neither or both of mr_seam and accepted_mr_seams";
        Refused(With("accepted_mr_seams", new JsonArray(SeamA)), Reason);
        var neither = TdxDocumentPolicyTests.Predicate();
        Tdx(neither).Remove("mr_seam");
        Refused(neither, Reason);
    }

    [Fact]
    public void HexMembers_OfTheWrongLengthOrCase_AreRefused_NamingTheMember()
    {
        Refused(With("td_attributes", "00000010"), "td_attributes is not 8 bytes of lowercase hex");
        Refused(With("xfam", "E702060000000000"), "xfam is not 8 bytes of lowercase hex");
        Refused(With("qe_vendor_id", 1), "qe_vendor_id is not 16 bytes of lowercase hex");
        Refused(With("minimum_tee_tcb_svn", new string('0', 30)), "minimum_tee_tcb_svn is not 16 bytes of lowercase hex");
        Refused(With("mr_seam", SeamA + "00"), "mr_seam is not 48 bytes of lowercase hex");
    }

    [Fact]
    public void UnknownMembers_OfThePolicyEntryOrItsTdxPart_AreRefused_NamingWhere()
    {
        var entry = TdxDocumentPolicyTests.Predicate();
        entry["policies"]!["tdx-policy"]!["sev"] = new JsonObject();
        Refused(entry, "policy tdx-policy has an unknown member 'sev'");

        var lacking = TdxDocumentPolicyTests.Predicate();
        lacking["policies"]!["tdx-policy"]!.AsObject().Remove("tdx");
        Refused(lacking, "policy tdx-policy lacks one of platform, tdx");

        Refused(With("minimum_svn", 1), "the TDX policy has an unknown member 'minimum_svn'");
    }

    [Fact]
    public void AMachineWithoutAPolicy_IsRefused()
    {
        var predicate = TdxDocumentPolicyTests.Predicate();
        predicate["machines"]![TdxDocumentPolicyTests.Ppid] = "ghost";
        Refused(predicate, "machine ghost has no policy");
    }

    [Fact]
    public void TheEvaluationDataNumber_ZeroIsAccepted_NegativeIsRefused()
    {
        Assert.Equal(0, Read(With("minimum_tcb_evaluation_data_number", 0)).MinimumEvaluationDataNumber);
        Refused(With("minimum_tcb_evaluation_data_number", -1), "minimum_tcb_evaluation_data_number is negative, which would accept any collateral");
    }

    [Fact]
    public void NumbersOutOfRange_AreRefusedAsMalformed()
    {
        Refused(With("minimum_qe_svn", 65536), "the TDX platform policy is malformed");
        Refused(With("minimum_pce_svn", 1.5), "the TDX platform policy is malformed");
        Refused(With("mr_owner_zero", "true"), "the TDX platform policy is malformed");
    }

    [Fact]
    public void PlatformMeasurements_AreRefused_WhenNotANonEmptyListOfKnownNames()
    {
        Refused(With("platform_measurements", new JsonArray()), "platform_measurements is not a non-empty array");
        Refused(With("platform_measurements", "m1"), "platform_measurements is not a non-empty array");
        Refused(With("platform_measurements", new JsonArray("m1", null)), "a platform_measurements entry is not a string");
        Refused(With("platform_measurements", new JsonArray(1)), "the TDX platform policy is malformed");
        Refused(With("platform_measurements", new JsonArray("m1", "m2")), "platform measurement 'm2' is not in measurements");
    }

    [Fact]
    public void APlatformMeasurement_HasExactlyMrtdAndRtmr0_AndAnOptionalShape()
    {
        var extra = TdxDocumentPolicyTests.Predicate();
        extra["measurements"]!["m1"]!["rtmr1"] = new string('3', 96);
        Refused(extra, "platform measurement 'm1' has an unknown member 'rtmr1'");

        var lacking = TdxDocumentPolicyTests.Predicate();
        lacking["measurements"]!["m1"]!.AsObject().Remove("rtmr0");
        Refused(lacking, "platform measurement 'm1' lacks one of mrtd, rtmr0");

        var badMrtd = TdxDocumentPolicyTests.Predicate();
        badMrtd["measurements"]!["m1"]!["mrtd"] = new string('1', 94);
        Refused(badMrtd, "mrtd is not 48 bytes of lowercase hex");

        var noShape = TdxDocumentPolicyTests.Predicate();
        noShape["measurements"]!["m1"]!.AsObject().Remove("shape");
        Assert.Equal("m1", Assert.Single(Read(noShape).Platforms).Id);
    }
}
