using System.Security.Cryptography;
using System.Text;

namespace AudioSdk.Security.Tinfoil;

/// <summary>
/// A code measurement: a predicate type and its registers (hex, normalised to lowercase). SEV-SNP has one register
/// (the launch digest); TDX five (MRTD, RTMR0..3); the multi-platform release predicate three (SNP digest, RTMR1, RTMR2).
/// </summary>
internal sealed record Measurement
{
    public const string SevGuestV2 = "https://tinfoil.sh/predicate/sev-snp-guest/v2";
    public const string TdxGuestV2 = "https://tinfoil.sh/predicate/tdx-guest/v2";
    public const string SnpTdxMultiPlatformV1 = "https://tinfoil.sh/predicate/snp-tdx-multiplatform/v1";

    private static readonly string ZeroRegister = new('0', 96);

    public Measurement(string type, IReadOnlyList<string> registers)
    {
        Type = type;
        Registers = registers.Select(Hex.Normalize).ToArray();
    }

    public string Type { get; }

    public IReadOnlyList<string> Registers { get; }

    /// <summary>One register: the register itself; several: hex(SHA-256(type || registers joined)).</summary>
    public string Fingerprint()
    {
        if (Registers.Count == 1)
        {
            return Registers[0];
        }

        return Hex.Lower(SHA256.HashData(Encoding.UTF8.GetBytes(Type + string.Concat(Registers))));
    }

    /// <summary>Checks that a measurement from a release (this) matches a measurement from hardware or another release.</summary>
    /// <exception cref="AttestationException">They differ, or the pair of types cannot be compared.</exception>
    public void EnsureMatches(Measurement other)
    {
        if (Type == other.Type)
        {
            if (!Registers.SequenceEqual(other.Registers, StringComparer.Ordinal))
            {
                throw Mismatch($"the {ShortType(Type)} registers differ");
            }

            return;
        }

        if (Type == SnpTdxMultiPlatformV1 && other.Type == TdxGuestV2)
        {
            CompareMultiPlatformToTdx(this, other);
        }
        else if (Type == TdxGuestV2 && other.Type == SnpTdxMultiPlatformV1)
        {
            CompareMultiPlatformToTdx(other, this);
        }
        else if (Type == SnpTdxMultiPlatformV1 && other.Type == SevGuestV2)
        {
            CompareMultiPlatformToSev(this, other);
        }
        else if (Type == SevGuestV2 && other.Type == SnpTdxMultiPlatformV1)
        {
            CompareMultiPlatformToSev(other, this);
        }
        else
        {
            throw Reject.With(AttestationStage.Measurement, "MEASUREMENT_TYPE_COMBINATION_UNSUPPORTED",
                $"a {ShortType(Type)} measurement cannot be compared with a {ShortType(other.Type)} one");
        }
    }

    public override string ToString() => $"{Type} [{string.Join(", ", Registers)}]";

    private static void CompareMultiPlatformToTdx(Measurement release, Measurement tdx)
    {
        if (release.Registers.Count != 3 || tdx.Registers.Count != 5)
        {
            throw Reject.With(AttestationStage.Measurement, "MEASUREMENT_REGISTER_COUNT_INVALID",
                "a multi-platform measurement has 3 registers and a TDX one 5");
        }

        if (tdx.Registers[4] != ZeroRegister)
        {
            throw Reject.With(AttestationStage.Measurement, "MEASUREMENT_RTMR3_NONZERO", "RTMR3 is not zero");
        }

        if (release.Registers[1] != tdx.Registers[2] || release.Registers[2] != tdx.Registers[3])
        {
            throw Mismatch("RTMR1 or RTMR2 differs from the release");
        }
    }

    private static void CompareMultiPlatformToSev(Measurement release, Measurement sev)
    {
        if (release.Registers.Count != 3 || sev.Registers.Count != 1)
        {
            throw Reject.With(AttestationStage.Measurement, "MEASUREMENT_REGISTER_COUNT_INVALID",
                "a multi-platform measurement has 3 registers and a SEV-SNP one 1");
        }

        if (release.Registers[0] != sev.Registers[0])
        {
            throw Mismatch($"the SEV-SNP launch measurement {sev.Registers[0]} is not the release's {release.Registers[0]}");
        }
    }

    private static AttestationException Mismatch(string why) => Reject.With(AttestationStage.Measurement, "MEASUREMENT_MISMATCH", why);

    private static string ShortType(string type) => type switch
    {
        SevGuestV2 => "SEV-SNP",
        TdxGuestV2 => "TDX",
        SnpTdxMultiPlatformV1 => "multi-platform",
        _ => type,
    };
}
