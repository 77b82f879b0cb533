using System.Formats.Asn1;
using System.Security.Cryptography;

namespace AudioSdk.Security.Tinfoil;

/// <summary>
/// Verifies a SEV-SNP report: its ECDSA P-384 signature by the VCEK, the VCEK -> ASK -> ARK chain (RSA-PSS) at the
/// given time, the VCEK's hardware id and TCB extensions against the report, then the policy.
/// </summary>
internal sealed class SevSnpVerifier
{
    private const string OidBlSpl = "1.3.6.1.4.1.3704.1.3.1";
    private const string OidTeeSpl = "1.3.6.1.4.1.3704.1.3.2";
    private const string OidSnpSpl = "1.3.6.1.4.1.3704.1.3.3";
    private const string OidUcodeSpl = "1.3.6.1.4.1.3704.1.3.8";
    private const string OidFmcSpl = "1.3.6.1.4.1.3704.1.3.9";
    private const string OidHwId = "1.3.6.1.4.1.3704.1.4";

    private readonly IReadOnlyList<AmdChain> _chains;

    public SevSnpVerifier(IReadOnlyList<AmdChain> chains)
    {
        _chains = chains;
    }

    /// <summary>Verifies a report and returns it parsed.</summary>
    /// <exception cref="AttestationException">Any check failed; the stage and code say which.</exception>
    public SevSnpReport Verify(ReadOnlySpan<byte> reportBytes, byte[] vcekDer, DateTimeOffset now, SevSnpPolicy policy)
    {
        var report = Authenticate(reportBytes, vcekDer, now, out _, out _);
        CheckPolicy(report, policy);
        return report;
    }

    /// <summary>Checks that the report is authentic (signature, chain, VCEK extensions), without the policy.</summary>
    public SevSnpReport Authenticate(ReadOnlySpan<byte> reportBytes, byte[] vcekDer, DateTimeOffset now, out DerCertificate vcek,
        out AmdChain chain)
    {
        var report = SevSnpReport.Parse(reportBytes);
        vcek = VerifyChain(vcekDer, now, out chain);
        var signature = report.SignatureP1363();
        if (signature is null || !VerifyReportSignature(vcek, report, signature))
        {
            throw Reject.With(AttestationStage.Report, "REPORT_SIGNATURE_INVALID", "the report's signature does not verify under the VCEK");
        }

        CheckVcekAgainstReport(vcek, report);
        return report;
    }

    /// <summary>Verifies that the ASK signed the VCEK and the ARK the ASK; returns the VCEK.</summary>
    public DerCertificate VerifyChain(byte[] vcekDer, DateTimeOffset now, out AmdChain chain)
    {
        DerCertificate vcek;
        try
        {
            vcek = DerCertificate.Parse(vcekDer);
        }
        catch (CryptographicException ex)
        {
            throw Reject.With(AttestationStage.CertificateChain, "VCEK_CHAIN_INVALID", "the VCEK certificate does not parse", ex);
        }

        AmdChain? found = null;
        foreach (var candidate in _chains)
        {
            if (vcek.IsSignedBy(candidate.Ask))
            {
                found = candidate;
                break;
            }
        }

        if (found is null)
        {
            throw Reject.With(AttestationStage.CertificateChain, "VCEK_CHAIN_INVALID", "no trusted AMD SEV key (ASK) signed the VCEK");
        }

        if (!found.Ask.IsSignedBy(found.Ark) || !found.Ark.IsSignedBy(found.Ark))
        {
            throw Reject.With(AttestationStage.CertificateChain, "VCEK_CHAIN_INVALID",
                $"the {found.Product} ASK does not chain to the AMD root key");
        }

        if (!found.Ask.IsValidAt(now) || !found.Ark.IsValidAt(now))
        {
            throw Reject.With(AttestationStage.CertificateChain, "VCEK_CHAIN_INVALID",
                $"the {found.Product} ASK or ARK is not valid at {now:O}");
        }

        if (!vcek.IsValidAt(now))
        {
            throw Reject.With(AttestationStage.CertificateChain, "VCEK_EXPIRED",
                $"the VCEK is valid from {vcek.NotBefore:O} to {vcek.NotAfter:O}, not at {now:O}");
        }

        chain = found;
        return vcek;
    }

    private static bool VerifyReportSignature(DerCertificate vcek, SevSnpReport report, byte[] signature)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(vcek.SubjectPublicKeyInfo.Span, out _);
            if (key.KeySize != 384)
            {
                return false;
            }

            return key.VerifyData(report.SignedBytes, signature, HashAlgorithmName.SHA384,
                DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static void CheckVcekAgainstReport(DerCertificate vcek, SevSnpReport report)
    {
        if (!vcek.Extensions.TryGetValue(OidHwId, out var hwId))
        {
            throw Reject.With(AttestationStage.CertificateChain, "VCEK_HWID_MISMATCH", "the VCEK has no hardware id extension");
        }

        var chip = report.ChipId;
        var matches = hwId.Length == 64
            ? CryptographicOperations.FixedTimeEquals(hwId.Span, chip)
            : hwId.Length == 8 && report.IsTurin && hwId.Span.SequenceEqual(chip[..8]) && !chip[8..].ContainsAnyExcept((byte)0);
        if (!matches)
        {
            throw Reject.With(AttestationStage.CertificateChain, "VCEK_HWID_MISMATCH",
                "the VCEK was issued for another chip than the report's CHIP_ID");
        }

        var reported = report.ReportedTcb;
        var certified = new SevSnpTcb(
            report.IsTurin ? ReadSpl(vcek, OidFmcSpl) : (byte)0,
            ReadSpl(vcek, OidBlSpl),
            ReadSpl(vcek, OidTeeSpl),
            ReadSpl(vcek, OidSnpSpl),
            ReadSpl(vcek, OidUcodeSpl));
        if (certified != reported)
        {
            throw Reject.With(AttestationStage.CertificateChain, "VCEK_TCB_MISMATCH",
                $"the VCEK certifies TCB ({certified}) but the report claims ({reported})");
        }
    }

    private static byte ReadSpl(DerCertificate vcek, string oid)
    {
        if (!vcek.Extensions.TryGetValue(oid, out var value))
        {
            throw Reject.With(AttestationStage.CertificateChain, "VCEK_TCB_MISMATCH", $"the VCEK has no TCB extension {oid}");
        }

        try
        {
            var reader = new AsnReader(value, AsnEncodingRules.DER);
            if (!reader.TryReadInt32(out var spl) || spl is < 0 or > 255)
            {
                throw Reject.With(AttestationStage.CertificateChain, "VCEK_TCB_MISMATCH",
                    $"the VCEK's TCB extension {oid} is out of range");
            }

            return (byte)spl;
        }
        catch (AsnContentException ex)
        {
            throw Reject.With(AttestationStage.CertificateChain, "VCEK_CHAIN_INVALID", $"the VCEK's TCB extension {oid} is malformed", ex);
        }
    }

    /// <summary>Checks an authentic report against the policy (stage Policy, Measurement or Binding).</summary>
    public static void CheckPolicy(SevSnpReport report, SevSnpPolicy policy)
    {
        if (report.PolicyDebug)
        {
            throw Reject.With(AttestationStage.Policy, "GUEST_POLICY_DEBUG_SET",
                "the guest allows debugging, so the host can read its memory");
        }

        if (!report.PolicyReservedMbo || (report.Policy >> 26) != 0)
        {
            throw Reject.With(AttestationStage.Policy, "GUEST_POLICY_RESERVED_BIT_SET",
                $"guest policy 0x{report.Policy:x16} has reserved bits set wrongly");
        }

        if (report.PolicyMigrateMa)
        {
            throw Reject.With(AttestationStage.Policy, "GUEST_POLICY_MIGRATE_MA_SET", "the guest allows a migration agent");
        }

        if (policy.ExpectedMeasurement is { } measurement && !CryptographicOperations.FixedTimeEquals(measurement, report.Measurement))
        {
            throw Reject.With(AttestationStage.Measurement, "MEASUREMENT_MISMATCH",
                $"the report's measurement {Hex.Lower(report.Measurement)} is not the expected {Hex.Lower(measurement)}");
        }

        Pin(policy.ExpectedHostData, report.HostData, AttestationStage.Policy, "HOST_DATA_MISMATCH", "HOST_DATA");
        Pin(policy.ExpectedReportData, report.ReportData, AttestationStage.Binding, "REPORT_DATA_MISMATCH", "REPORT_DATA");
        Pin(policy.ExpectedIdKeyDigest, report.IdKeyDigest, AttestationStage.Policy, "ID_KEY_DIGEST_MISMATCH", "ID_KEY_DIGEST");
        Pin(policy.ExpectedAuthorKeyDigest, report.AuthorKeyDigest, AttestationStage.Policy, "AUTHOR_KEY_DIGEST_MISMATCH",
            "AUTHOR_KEY_DIGEST");
        Pin(policy.ExpectedImageId, report.ImageId, AttestationStage.Policy, "IMAGE_ID_MISMATCH", "IMAGE_ID");
        Pin(policy.ExpectedFamilyId, report.FamilyId, AttestationStage.Policy, "FAMILY_ID_MISMATCH", "FAMILY_ID");

        if (policy.MinimumTcb is { } minimum && !report.CurrentTcb.AtLeast(minimum))
        {
            throw Reject.With(AttestationStage.Policy, "TCB_OUT_OF_DATE",
                $"the platform's TCB ({report.CurrentTcb}) is below the minimum ({minimum})");
        }

        if (policy.MinimumTcb is { } reportedMinimum && !report.ReportedTcb.AtLeast(reportedMinimum))
        {
            throw Reject.With(AttestationStage.Policy, "TCB_OUT_OF_DATE",
                $"the reported TCB ({report.ReportedTcb}) is below the minimum ({reportedMinimum})");
        }

        if (policy.MinimumLaunchTcb is { } launch && !report.LaunchTcb.AtLeast(launch))
        {
            throw Reject.With(AttestationStage.Policy, "TCB_OUT_OF_DATE",
                $"the launch TCB ({report.LaunchTcb}) is below the minimum ({launch})");
        }

        if (policy.MinimumBuild is { } build && report.CurrentBuild < build)
        {
            throw Reject.With(AttestationStage.Policy, "TCB_OUT_OF_DATE", $"firmware build {report.CurrentBuild} is below {build}");
        }

        if (policy.MinimumFirmwareVersion is { } version &&
            (report.CurrentMajor < version.Major || (report.CurrentMajor == version.Major && report.CurrentMinor < version.Minor)))
        {
            throw Reject.With(AttestationStage.Policy, "TCB_OUT_OF_DATE",
                $"firmware {report.CurrentMajor}.{report.CurrentMinor} is below {version.Major}.{version.Minor}");
        }

        if (policy.MinimumGuestSvn is { } svn && report.GuestSvn < svn)
        {
            throw Reject.With(AttestationStage.Policy, "GUEST_SVN_TOO_LOW", $"guest SVN {report.GuestSvn} is below {svn}");
        }

        if (policy.Vmpl is { } vmpl && report.Vmpl != vmpl)
        {
            throw Reject.With(AttestationStage.Policy, "VMPL_MISMATCH", $"the report is from VMPL {report.Vmpl}, not {vmpl}");
        }

        if (policy.RequireSmt is { } smt && !smt && report.PolicySmt)
        {
            throw Reject.With(AttestationStage.Policy, "GUEST_POLICY_SMT_MISMATCH", "the guest policy allows SMT");
        }

        if (policy.RequireSingleSocket is { } single && single && !report.PolicySingleSocket)
        {
            throw Reject.With(AttestationStage.Policy, "GUEST_POLICY_SINGLE_SOCKET_MISMATCH",
                "the guest policy does not require a single socket");
        }

        if (!policy.PermitProvisionalFirmware
            && (report.CommittedTcbRaw != report.CurrentTcbRaw || report.CommittedVersion != report.CurrentVersion))
        {
            throw Reject.With(AttestationStage.Policy, "PROVISIONAL_FIRMWARE", "the platform runs firmware that is not committed");
        }

        foreach (var (bit, expected, name) in policy.PlatformInfo)
        {
            if (((report.PlatformInfo >> bit) & 1) != (expected ? 1UL : 0UL))
            {
                throw Reject.With(AttestationStage.Policy, "PLATFORM_INFO_MISMATCH",
                    $"platform info {name} is {!expected}, the policy requires {expected}");
            }
        }
    }

    private static void Pin(byte[]? expected, ReadOnlySpan<byte> actual, AttestationStage stage, string code, string field)
    {
        if (expected is not null && !CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            throw Reject.With(stage, code, $"{field} {Hex.Lower(actual)} is not the expected {Hex.Lower(expected)}");
        }
    }
}
