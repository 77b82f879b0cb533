using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The signed platform endorsements of the captured document: the machine of its chip and every field of that
/// machine's SEV-SNP policy as read, then each member missing, unknown, of another type or shape, or allowing what the
/// verifier never accepts, refused at stage Policy with PLATFORM_POLICY_REJECTED and its reason.
/// </summary>
public sealed class PlatformEndorsementsTests
{
    private const string Machine = "amd-genoa-prod";

    private static JsonObject Sev(JsonObject predicate) => predicate["policies"]![Machine]!["sev_snp"]!.AsObject();

    [Fact]
    public void TheCapturedPolicy_IsReadFieldByField()
    {
        var (machine, policy) = TinfoilHostileNumberTests.PolicyFor(TinfoilHostileNumberTests.PlatformPredicate(), turin: false);

        Assert.Equal(Machine, machine);
        Assert.Equal(21, policy.MinimumBuild);
        Assert.Equal((1, 55), policy.MinimumFirmwareVersion);
        Assert.Equal(0u, policy.MinimumGuestSvn);
        Assert.Equal(new SevSnpTcb(0, 7, 0, 14, 72), policy.MinimumLaunchTcb);
        Assert.True(policy.RequireSmt);
        Assert.False(policy.RequireSingleSocket);
        Assert.False(policy.PermitProvisionalFirmware);
        Assert.Equal(0u, policy.Vmpl);
        Assert.Equal(new byte[32], policy.ExpectedHostData);
        Assert.Equal(new byte[16], policy.ExpectedImageId);
        Assert.Equal(new byte[16], policy.ExpectedFamilyId);
        Assert.Equal(
            new (int, bool, string)[] { (0, true, "smt_enabled"), (1, true, "tsme_enabled"), (2, true, "ecc_enabled"), (3, false, "rapl_disabled"), (4, false, "ciphertext_hiding_dram"), (5, true, "alias_check_complete") },
            policy.PlatformInfo);
    }

    [Fact]
    public void OtherValuesOfEachField_AreReadAsGiven()
    {
        var predicate = TinfoilHostileNumberTests.PlatformPredicate();
        var sev = Sev(predicate);
        sev["minimum_build"] = 255;
        sev["minimum_api_version"] = "255.0";
        sev["minimum_guest_svn"] = 4294967295;
        sev["vmpl"] = 3;
        sev["guest_policy"]!["smt"] = false;
        sev["guest_policy"]!["single_socket"] = true;
        sev["permit_provisional_firmware"] = true;
        sev["host_data"] = new string('a', 64);
        sev["image_id"] = "0123456789abcdef0123456789abcdef";
        sev["family_id"] = "ffffffffffffffffffffffffffffffff";
        sev["platform_info"] = new JsonObject { ["rapl_disabled"] = true };
        sev["minimum_launch_tcb"]!["tee_spl"] = 255;

        var (_, policy) = TinfoilHostileNumberTests.PolicyFor(predicate, turin: false);

        Assert.Equal(255, policy.MinimumBuild);
        Assert.Equal((255, 0), policy.MinimumFirmwareVersion);
        Assert.Equal(4294967295u, policy.MinimumGuestSvn);
        Assert.Equal(3u, policy.Vmpl);
        Assert.False(policy.RequireSmt);
        Assert.True(policy.RequireSingleSocket);
        Assert.True(policy.PermitProvisionalFirmware);
        Assert.Equal(Enumerable.Repeat((byte)0xaa, 32), policy.ExpectedHostData!);
        Assert.Equal(Convert.FromHexString("0123456789abcdef0123456789abcdef"), policy.ExpectedImageId);
        Assert.Equal(Enumerable.Repeat((byte)0xff, 16), policy.ExpectedFamilyId!);
        Assert.Equal(new (int, bool, string)[] { (3, true, "rapl_disabled") }, policy.PlatformInfo);
        Assert.Equal(new SevSnpTcb(0, 7, 255, 14, 72), policy.MinimumLaunchTcb);
        Assert.Equal(new SevSnpTcb(0, 7, 0, 14, 72), policy.MinimumTcb);
    }

    public static TheoryData<string, string> Refusals() => new()
    {
        { "unknown-chip", "not an endorsed machine" },
        { "no-machines", "not an endorsed machine" },
        { "no-policy", "has no policy" },
        { "no-policies", "has no policy" },
        { "tdx-platform", "is not a SEV-SNP platform" },
        { "no-platform", "is not a SEV-SNP platform" },
        { "unknown-member", "unknown member 'extra'" },
        { "missing-member", "lacks one of" },
        { "sev-not-object", "is not an object" },
        { "guest-unknown", "unknown member 'ciphertext_hiding'" },
        { "guest-missing", "lacks one of" },
        { "debug", "allows debugging or migration" },
        { "migrate", "allows debugging or migration" },
        { "platform-unknown", "platform_info has unknown or non-boolean members" },
        { "platform-number", "platform_info has unknown or non-boolean members" },
        { "platform-array", "platform_info has unknown or non-boolean members" },
        { "launch-mitigation", "mitigation vectors" },
        { "current-mitigation", "mitigation vectors" },
        { "abi", "minimum_abi_version is not 'major.minor'" },
        { "api-null", "minimum_api_version is not a string" },
        { "host-upper", "host_data is not 32 bytes of hex" },
        { "host-short", "host_data is not 32 bytes of hex" },
        { "image", "image_id is not 16 bytes of hex" },
        { "family", "family_id is not 16 bytes of hex" },
        { "tcb-unknown", "unknown member 'xyz_spl'" },
        { "tcb-missing", "lacks one of" },
        { "smt-string", "the platform policy is malformed" },
        { "vmpl-4", "vmpl 4 is not a VM privilege level" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void APolicyTheVerifierCannotHoldFully_IsRefused(string change, string reason)
    {
        var predicate = TinfoilHostileNumberTests.PlatformPredicate();
        var sev = Sev(predicate);
        var machines = predicate["machines"]!.AsObject();
        switch (change)
        {
            case "unknown-chip": machines.Clear(); machines["00"] = Machine; break;
            case "no-machines": predicate.Remove("machines"); break;
            case "no-policy": predicate["policies"]!.AsObject().Remove(Machine); break;
            case "no-policies": predicate.Remove("policies"); break;
            case "tdx-platform": predicate["policies"]![Machine]!["platform"] = "tdx"; break;
            case "no-platform": predicate["policies"]![Machine]!.AsObject().Remove("platform"); break;
            case "unknown-member": sev["extra"] = 1; break;
            case "missing-member": sev.Remove("family_id"); break;
            case "sev-not-object": predicate["policies"]![Machine]!["sev_snp"] = new JsonArray(); break;
            case "guest-unknown": sev["guest_policy"]!["ciphertext_hiding"] = false; break;
            case "guest-missing": sev["guest_policy"]!.AsObject().Remove("single_socket"); break;
            case "debug": sev["guest_policy"]!["debug"] = true; break;
            case "migrate": sev["guest_policy"]!["migrate_ma"] = true; break;
            case "platform-unknown": sev["platform_info"]!["page_swap_disabled"] = true; break;
            case "platform-number": sev["platform_info"]!["smt_enabled"] = 1; break;
            case "platform-array": sev["platform_info"] = new JsonArray(); break;
            case "launch-mitigation": sev["minimum_launch_mitigation_vector"] = 1; break;
            case "current-mitigation": sev["minimum_current_mitigation_vector"] = 2; break;
            case "abi": sev["minimum_abi_version"] = "0.0.1"; break;
            case "api-null": sev["minimum_api_version"] = null; break;
            case "host-upper": sev["host_data"] = new string('A', 64); break;
            case "host-short": sev["host_data"] = new string('0', 62); break;
            case "image": sev["image_id"] = new string('0', 34); break;
            case "family": sev["family_id"] = "0"; break;
            case "tcb-unknown": sev["minimum_tcb"]!["xyz_spl"] = 1; break;
            case "tcb-missing": sev["minimum_launch_tcb"]!.AsObject().Remove("snp_spl"); break;
            case "smt-string": sev["guest_policy"]!["smt"] = "true"; break;
            default: sev["vmpl"] = 4; break;
        }

        var ex = Assert.ThrowsAny<AttestationException>(() => TinfoilHostileNumberTests.PolicyFor(predicate, turin: false));
        Assert.Equal((AttestationStage.Policy, "PLATFORM_POLICY_REJECTED"), (ex.Stage, ex.Code));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }
}
