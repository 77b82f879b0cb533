using System.Globalization;
using System.Text.Json;
using AudioSdk.Security.Tinfoil.Sigstore;
using AudioSdk.Security.Tinfoil.V3;

namespace AudioSdk.Security.Tinfoil;

/// <summary>
/// The signed platform-endorsements predicate: CHIP_ID -> machine name -> named SEV-SNP policy. Every policy member
/// is required and unknown members are refused, so a policy the verifier does not understand cannot pass.
/// </summary>
internal static partial class PlatformEndorsements
{
    public const string PredicateType = "https://tinfoil.sh/predicate/platform-endorsements/v1";

    private static readonly string[] SevMembers =
    [
        "minimum_build", "minimum_api_version", "minimum_abi_version", "minimum_guest_svn", "minimum_tcb", "minimum_launch_tcb",
        "guest_policy", "platform_info", "permit_provisional_firmware", "vmpl", "host_data", "image_id", "family_id",
        "minimum_launch_mitigation_vector", "minimum_current_mitigation_vector",
    ];

    private static readonly (string Name, int Bit)[] PlatformBits =
    [
        ("smt_enabled", 0), ("tsme_enabled", 1), ("ecc_enabled", 2), ("rapl_disabled", 3), ("ciphertext_hiding_dram",
            4), ("alias_check_complete", 5),
    ];

    /// <summary>Finds the machine for a CHIP_ID and builds its SEV-SNP policy.</summary>
    /// <exception cref="AttestationException">The chip is unknown or its policy is malformed (stage Policy).</exception>
    public static (string Machine, SevSnpPolicy Policy) PolicyFor(JsonElement predicate, ReadOnlySpan<byte> chipId, bool turin)
    {
        try
        {
            var chip = Hex.Lower(chipId);
            var machine = predicate.Get("machines")?.GetString(chip)
                ?? throw Fail($"the chip {chip[..16]}... is not an endorsed machine");
            var entry = predicate.Get("policies")?.Get(machine) ?? throw Fail($"machine {machine} has no policy");
            if (entry.GetString("platform") != "sev-snp")
            {
                throw Fail($"machine {machine} is not a SEV-SNP platform");
            }

            var sev = StrictJson.Object(entry.GetProperty("sev_snp"), "the SEV-SNP policy", SevMembers);
            var guest = StrictJson.Object(sev.GetProperty("guest_policy"), "guest_policy", ["debug", "smt", "migrate_ma", "single_socket"]);
            var platformNames = PlatformBits.Select(b => b.Name).ToArray();
            var platform = sev.GetProperty("platform_info");
            if (platform.ValueKind != JsonValueKind.Object
                || platform.EnumerateObject().Any(p => Array.IndexOf(platformNames, p.Name) < 0
                || p.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)))
            {
                throw Fail("platform_info has unknown or non-boolean members");
            }

            if (guest.GetProperty("debug").GetBoolean() || guest.GetProperty("migrate_ma").GetBoolean())
            {
                throw Fail("the endorsed policy allows debugging or migration, which this verifier never accepts");
            }

            Version(sev, "minimum_abi_version");
            if (sev.GetProperty("minimum_launch_mitigation_vector").GetUInt64() != 0
                || sev.GetProperty("minimum_current_mitigation_vector").GetUInt64() != 0)
            {
                throw Fail("the policy requires mitigation vectors, which this verifier does not check");
            }

            var vmpl = sev.GetProperty("vmpl").GetUInt32();
            if (vmpl > 3)
            {
                throw Fail($"vmpl {vmpl} is not a VM privilege level (0 to 3)");
            }

            var policy = new SevSnpPolicy
            {
                MinimumBuild = sev.GetProperty("minimum_build").GetByte(),
                MinimumFirmwareVersion = Version(sev, "minimum_api_version"),
                MinimumGuestSvn = sev.GetProperty("minimum_guest_svn").GetUInt32(),
                MinimumTcb = Tcb(sev.GetProperty("minimum_tcb"), turin),
                MinimumLaunchTcb = Tcb(sev.GetProperty("minimum_launch_tcb"), turin),
                RequireSmt = guest.GetProperty("smt").GetBoolean(),
                RequireSingleSocket = guest.GetProperty("single_socket").GetBoolean(),
                PermitProvisionalFirmware = sev.GetProperty("permit_provisional_firmware").GetBoolean(),
                Vmpl = vmpl,
                ExpectedHostData = Hex.TryDecodeCanonical(sev.GetProperty("host_data").GetString(), 32)
                    ?? throw Fail("host_data is not 32 bytes of hex"),
                ExpectedImageId = Hex.TryDecodeCanonical(sev.GetProperty("image_id").GetString(), 16)
                    ?? throw Fail("image_id is not 16 bytes of hex"),
                ExpectedFamilyId = Hex.TryDecodeCanonical(sev.GetProperty("family_id").GetString(), 16)
                    ?? throw Fail("family_id is not 16 bytes of hex"),
                PlatformInfo = PlatformBits.Where(b => platform.TryGetProperty(b.Name, out _)).Select(b =>
                    (b.Bit, platform.GetProperty(b.Name).GetBoolean(), b.Name)).ToArray(),
            };
            return (machine, policy);
        }
        catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or FormatException or OverflowException or IndexOutOfRangeException)
        {
            throw Fail("the platform policy is malformed", ex);
        }
        catch (AttestationException ex) when (ex.Stage == AttestationStage.Envelope)
        {
            throw Fail(ex.Message, ex);
        }
    }

    /// <summary>A firmware version "major.minor", each part a decimal byte (the report holds bytes).</summary>
    private static (int Major, int Minor) Version(JsonElement sev, string name)
    {
        var parts = (sev.GetProperty(name).GetString() ?? throw Fail($"{name} is not a string")).Split('.');
        if (parts.Length != 2 ||
            !byte.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) ||
            !byte.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            throw Fail($"{name} is not 'major.minor' with parts from 0 to 255");
        }

        return (major, minor);
    }

    private static SevSnpTcb Tcb(JsonElement tcb, bool turin)
    {
        string[] required = ["bl_spl", "tee_spl", "snp_spl", "ucode_spl"];
        StrictJson.Object(tcb, "a minimum TCB", required, "fmc_spl");
        // fmc_spl is range-checked wherever it appears; a Turin minimum must name it (Turin's TCB has an FMC field).
        var fmc = tcb.TryGetProperty("fmc_spl", out var fmcValue) ? fmcValue.GetByte() : (byte?)null;
        if (turin && fmc is null)
        {
            throw Fail("a Turin minimum TCB has no fmc_spl");
        }

        return new SevSnpTcb(
            turin ? fmc!.Value : (byte)0,
            tcb.GetProperty("bl_spl").GetByte(),
            tcb.GetProperty("tee_spl").GetByte(),
            tcb.GetProperty("snp_spl").GetByte(),
            tcb.GetProperty("ucode_spl").GetByte());
    }

    private static AttestationException Fail(string why, Exception? inner = null) =>
        Reject.With(AttestationStage.Policy, "PLATFORM_POLICY_REJECTED", why, inner);
}
