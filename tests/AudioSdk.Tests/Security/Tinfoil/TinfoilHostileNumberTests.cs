using System.Text;
using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// Out-of-range numbers in every numeric field a document or bundle carries outside a signature (the transparency-log
/// times and indexes of the four Sigstore bundles), every numeric member of a platform policy, and appraisal times at
/// the ends of <see cref="DateTimeOffset"/>: each is refused with an <see cref="AttestationException"/> of the stage the
/// field belongs to, with a code, never another exception type.
/// </summary>
public sealed class TinfoilHostileNumberTests
{
    /// <summary>Numbers as JSON: min, max, -1, 0, 2^53, 2^63, 10^15, 253402300800, non-integers, and their string forms.</summary>
    public static readonly string[] HostileNumbers =
    [
        "-9223372036854775808", "9223372036854775807", "-1", "0", "9007199254740992", "9223372036854775808", "1000000000000000",
        "253402300800", "1.5", "1e3", "-0", "18446744073709551616",
        "\"-1\"", "\"0\"", "\"253402300800\"", "\"1000000000000000\"", "\"9223372036854775807\"", "\"9223372036854775808\"",
        "\"1.5\"", "\" 1\"", "\"+1\"", "\"\"", "\"0x10\"",
    ];

    private static readonly string[] Bundles = ["code", "platform", "code-freshness", "platform-freshness"];

    private static readonly string[] LogFields = ["integratedTime", "logIndex", "inclusionProof.logIndex", "inclusionProof.treeSize"];

    public static TheoryData<string, string> BundleFields()
    {
        var data = new TheoryData<string, string>();
        foreach (var bundle in Bundles)
        {
            foreach (var field in LogFields)
            {
                data.Add(bundle, field);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BundleFields))]
    public void OutOfRangeLogNumbers_AreRefusedAtTheBundlesStage(string bundle, string field)
    {
        var expectedStage = bundle.EndsWith("freshness", StringComparison.Ordinal) ? AttestationStage.Freshness : AttestationStage.Provenance;
        foreach (var value in HostileNumbers)
        {
            var document = RealFrozenDocument.Document;
            var entry = document["collateral"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == bundle)!["data"]!["sigstore_bundle"]!["verificationMaterial"]!["tlogEntries"]![0]!.AsObject();
            var (parent, name) = field.Split('.') is [var outer, var inner] ? (entry[outer]!.AsObject(), inner) : (entry, field);
            parent[name] = JsonNode.Parse(value);

            var ex = Record.Exception(() => Verify(Encoding.UTF8.GetBytes(document.ToJsonString()), RealFrozenDocument.Time));

            var refused = Assert.IsType<AttestationException>(ex, exactMatch: false);
            Assert.True(refused.Stage == expectedStage && refused.Code is not null, $"{bundle} {field} = {value}: stage {refused.Stage}, code {refused.Code}: {refused.Message}");
        }
    }

    [Fact]
    public void LogTimePastTheEndOfDateTimeOffset_IsBundleMalformed()
    {
        foreach (var value in new[] { "1000000000000000", "253402300800", "\"253402300800\"", "-1", "9223372036854775807" })
        {
            var document = RealFrozenDocument.Document;
            document["collateral"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == "code")!["data"]!["sigstore_bundle"]!["verificationMaterial"]!["tlogEntries"]![0]!["integratedTime"] = JsonNode.Parse(value);

            var ex = Assert.ThrowsAny<AttestationException>(() => Verify(Encoding.UTF8.GetBytes(document.ToJsonString()), RealFrozenDocument.Time));

            Assert.Equal(AttestationStage.Provenance, ex.Stage);
            Assert.Equal("BUNDLE_MALFORMED", ex.Code);
            Assert.Contains("integratedTime", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FreshnessWitnessLoggedAtTheEndOfTime_IsFreshnessInvalid()
    {
        var document = RealFrozenDocument.Document;
        document["collateral"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == "code-freshness")!["data"]!["sigstore_bundle"]!["verificationMaterial"]!["tlogEntries"]![0]!["integratedTime"] = "253402300800";

        var ex = Assert.ThrowsAny<AttestationException>(() => Verify(Encoding.UTF8.GetBytes(document.ToJsonString()), RealFrozenDocument.Time));

        Assert.Equal(AttestationStage.Freshness, ex.Stage);
        Assert.Equal("FRESHNESS_INVALID", ex.Code);
    }

    public static TheoryData<long> ExtremeTimes() => new()
    {
        DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks, DateTimeOffset.UnixEpoch.UtcTicks,
        DateTimeOffset.MaxValue.UtcTicks - TimeSpan.TicksPerDay, DateTimeOffset.MinValue.UtcTicks + TimeSpan.TicksPerMinute,
    };

    [Theory]
    [MemberData(nameof(ExtremeTimes))]
    public void AppraisalTimesAtTheEndsOfDateTimeOffset_AreRefusedWithAStageAndCode(long ticks)
    {
        var ex = Assert.ThrowsAny<AttestationException>(() => Verify(RealFrozenDocument.Bytes, new DateTimeOffset(ticks, TimeSpan.Zero)));

        Assert.Equal(AttestationStage.Freshness, ex.Stage);
        Assert.Equal("FRESHNESS_EXPIRED", ex.Code);
    }

    [Fact]
    public void SafeTime_SaturatesAtBothEnds()
    {
        Assert.Equal(DateTimeOffset.MaxValue, SafeTime.Add(DateTimeOffset.MaxValue, TimeSpan.FromTicks(1)));
        Assert.Equal(DateTimeOffset.MaxValue, SafeTime.Add(DateTimeOffset.UnixEpoch, TimeSpan.MaxValue));
        Assert.Equal(DateTimeOffset.MinValue, SafeTime.Add(DateTimeOffset.MinValue, TimeSpan.FromTicks(-1)));
        Assert.Equal(DateTimeOffset.MinValue, SafeTime.Add(DateTimeOffset.UnixEpoch, TimeSpan.MinValue));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddDays(7), SafeTime.Add(DateTimeOffset.UnixEpoch, TimeSpan.FromDays(7)));
        Assert.Equal(DateTimeOffset.MaxValue, SafeTime.Add(DateTimeOffset.MaxValue.AddTicks(-5), TimeSpan.FromTicks(5)));
        Assert.Equal(DateTimeOffset.MinValue, SafeTime.Add(DateTimeOffset.MinValue.AddTicks(5), TimeSpan.FromTicks(-5)));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks(-3), SafeTime.Add(DateTimeOffset.UnixEpoch, TimeSpan.FromTicks(-3)));
    }

    public static TheoryData<string, string> PolicyNumbers() => new()
    {
        { "minimum_build", "-1" }, { "minimum_build", "256" }, { "minimum_build", "1.5" }, { "minimum_build", "9223372036854775808" }, { "minimum_build", "\"21\"" },
        { "minimum_api_version", "\"-1.55\"" }, { "minimum_api_version", "\"1.-5\"" }, { "minimum_api_version", "\"+1.55\"" }, { "minimum_api_version", "\" 1.55\"" },
        { "minimum_api_version", "\"1.55.0\"" }, { "minimum_api_version", "\"1\"" }, { "minimum_api_version", "\"256.0\"" }, { "minimum_api_version", "\"9223372036854775808.1\"" },
        { "minimum_api_version", "\"1.5e1\"" }, { "minimum_api_version", "155" },
        { "minimum_abi_version", "\"0.0.0\"" }, { "minimum_abi_version", "\"-1.0\"" }, { "minimum_abi_version", "\"0\"" }, { "minimum_abi_version", "0" },
        { "minimum_guest_svn", "-1" }, { "minimum_guest_svn", "4294967296" }, { "minimum_guest_svn", "1.5" }, { "minimum_guest_svn", "9223372036854775808" },
        { "vmpl", "-1" }, { "vmpl", "4" }, { "vmpl", "4294967296" }, { "vmpl", "1.5" }, { "vmpl", "\"0\"" },
        { "minimum_tcb.bl_spl", "-1" }, { "minimum_tcb.tee_spl", "256" }, { "minimum_tcb.snp_spl", "1.5" }, { "minimum_tcb.ucode_spl", "9007199254740992" },
        { "minimum_tcb.fmc_spl", "-1" }, { "minimum_tcb.fmc_spl", "256" },
        { "minimum_launch_tcb.bl_spl", "-1" }, { "minimum_launch_tcb.ucode_spl", "256" }, { "minimum_launch_tcb.fmc_spl", "1000000000000000" },
        { "minimum_launch_mitigation_vector", "-1" }, { "minimum_launch_mitigation_vector", "1" }, { "minimum_launch_mitigation_vector", "18446744073709551616" },
        { "minimum_current_mitigation_vector", "1.5" }, { "minimum_current_mitigation_vector", "1" },
    };

    [Theory]
    [MemberData(nameof(PolicyNumbers))]
    public void OutOfRangePolicyNumbers_AreRefusedAtPolicy(string field, string value)
    {
        var predicate = PlatformPredicate();
        var sev = predicate["policies"]!["amd-genoa-prod"]!["sev_snp"]!.AsObject();
        var (parent, name) = field.Split('.') is [var outer, var inner] ? (sev[outer]!.AsObject(), inner) : (sev, field);
        parent[name] = JsonNode.Parse(value);

        var ex = Assert.ThrowsAny<AttestationException>(() => PolicyFor(predicate, turin: false));

        Assert.Equal(AttestationStage.Policy, ex.Stage);
        Assert.Equal("PLATFORM_POLICY_REJECTED", ex.Code);
    }

    [Fact]
    public void TheCapturedPolicy_Reads_AndATurinMinimumWithoutFmc_IsRefused()
    {
        var (machine, policy) = PolicyFor(PlatformPredicate(), turin: false);
        Assert.Equal("amd-genoa-prod", machine);
        Assert.Equal(21, policy.MinimumBuild);
        Assert.Equal((1, 55), policy.MinimumFirmwareVersion);
        Assert.Equal(0u, policy.Vmpl);
        Assert.Equal(new SevSnpTcb(0, 7, 0, 14, 72), policy.MinimumTcb);

        var predicate = PlatformPredicate();
        predicate["policies"]!["amd-genoa-prod"]!["sev_snp"]!["minimum_tcb"]!.AsObject()["fmc_spl"] = 3;
        predicate["policies"]!["amd-genoa-prod"]!["sev_snp"]!["minimum_launch_tcb"]!.AsObject()["fmc_spl"] = 2;
        var (_, turin) = PolicyFor(predicate, turin: true);
        Assert.Equal(new SevSnpTcb(3, 7, 0, 14, 72), turin.MinimumTcb);
        Assert.Equal(new SevSnpTcb(2, 7, 0, 14, 72), turin.MinimumLaunchTcb);
        var ex = Assert.ThrowsAny<AttestationException>(() => PolicyFor(PlatformPredicate(), turin: true));
        Assert.Equal("PLATFORM_POLICY_REJECTED", ex.Code);
        Assert.Contains("fmc_spl", ex.Message, StringComparison.Ordinal);
    }

    internal static JsonObject PlatformPredicate()
    {
        var bundle = RealFrozenDocument.Document["collateral"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == "platform")!["data"]!["sigstore_bundle"]!;
        var statement = JsonNode.Parse(Convert.FromBase64String(bundle["dsseEnvelope"]!["payload"]!.GetValue<string>()))!;
        return statement["predicate"]!.AsObject();
    }

    internal static (string Machine, SevSnpPolicy Policy) PolicyFor(JsonObject predicate, bool turin)
    {
        using var json = System.Text.Json.JsonDocument.Parse(predicate.ToJsonString());
        var chip = Convert.FromBase64String(RealFrozenDocument.Document["cpu_evidence"]!["report_base64"]!.GetValue<string>()).AsSpan(0x1A0, 64);
        return PlatformEndorsements.PolicyFor(json.RootElement, chip, turin);
    }

    private static void Verify(byte[] document, DateTimeOffset time) =>
        TinfoilAttestor.VerifyDocument(document, RealFrozenDocument.Nonce, RealFrozenDocument.Repository, time);
}
