using System.Buffers.Binary;

namespace AudioSdk.Security.Tinfoil;

/// <summary>The TCB version fields of a SEV-SNP report or VCEK (Genoa/Milan layout, or Turin's with FMC).</summary>
internal readonly record struct SevSnpTcb(byte Fmc, byte Bootloader, byte Tee, byte Snp, byte Microcode)
{
    public static SevSnpTcb Decode(ulong raw, bool turin) => turin
        ? new((byte)raw, (byte)(raw >> 8), (byte)(raw >> 16), (byte)(raw >> 24), (byte)(raw >> 56))
        : new(0, (byte)raw, (byte)(raw >> 8), (byte)(raw >> 48), (byte)(raw >> 56));

    public bool AtLeast(SevSnpTcb minimum) =>
        Fmc >= minimum.Fmc && Bootloader >= minimum.Bootloader && Tee >= minimum.Tee && Snp >= minimum.Snp
            && Microcode >= minimum.Microcode;

    public override string ToString() => $"fmc {Fmc}, bl {Bootloader}, tee {Tee}, snp {Snp}, ucode {Microcode}";
}

/// <summary>
/// An AMD SEV-SNP attestation report (1184 bytes, little-endian), versions 2 to 5. The signature covers
/// [0x000, 0x2A0); R and S are 72-byte little-endian fields at 0x2A0 and 0x2E8.
/// </summary>
internal sealed class SevSnpReport
{
    public const int Size = 0x4A0;
    public const int SignedLength = 0x2A0;

    private readonly byte[] _raw;

    private SevSnpReport(byte[] raw)
    {
        _raw = raw;
        var s = raw.AsSpan();
        Version = BinaryPrimitives.ReadUInt32LittleEndian(s);
        GuestSvn = BinaryPrimitives.ReadUInt32LittleEndian(s[0x04..]);
        Policy = BinaryPrimitives.ReadUInt64LittleEndian(s[0x08..]);
        Vmpl = BinaryPrimitives.ReadUInt32LittleEndian(s[0x30..]);
        SignatureAlgorithm = BinaryPrimitives.ReadUInt32LittleEndian(s[0x34..]);
        CurrentTcbRaw = BinaryPrimitives.ReadUInt64LittleEndian(s[0x38..]);
        PlatformInfo = BinaryPrimitives.ReadUInt64LittleEndian(s[0x40..]);
        SignerInfo = BinaryPrimitives.ReadUInt32LittleEndian(s[0x48..]);
        ReportedTcbRaw = BinaryPrimitives.ReadUInt64LittleEndian(s[0x180..]);
        // CPUID family and model are fields from version 3 on, the only versions Parse returns.
        CpuidFamily = s[0x188];
        CpuidModel = s[0x189];
        CommittedTcbRaw = BinaryPrimitives.ReadUInt64LittleEndian(s[0x1E0..]);
        CurrentBuild = s[0x1E8];
        CurrentMinor = s[0x1E9];
        CurrentMajor = s[0x1EA];
        LaunchTcbRaw = BinaryPrimitives.ReadUInt64LittleEndian(s[0x1F0..]);
        var turin = IsTurin;
        CurrentTcb = SevSnpTcb.Decode(CurrentTcbRaw, turin);
        ReportedTcb = SevSnpTcb.Decode(ReportedTcbRaw, turin);
        CommittedTcb = SevSnpTcb.Decode(CommittedTcbRaw, turin);
        LaunchTcb = SevSnpTcb.Decode(LaunchTcbRaw, turin);
    }

    public uint Version { get; }
    public uint GuestSvn { get; }
    public ulong Policy { get; }
    public uint Vmpl { get; }
    public uint SignatureAlgorithm { get; }
    public ulong CurrentTcbRaw { get; }
    public ulong PlatformInfo { get; }
    public uint SignerInfo { get; }
    public ulong ReportedTcbRaw { get; }
    public ulong CommittedTcbRaw { get; }
    public ulong LaunchTcbRaw { get; }
    public byte CpuidFamily { get; }
    public byte CpuidModel { get; }
    public byte CurrentBuild { get; }
    public byte CurrentMinor { get; }
    public byte CurrentMajor { get; }
    public uint CurrentVersion => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(0x1E8)) & 0xFFFFFF;
    public uint CommittedVersion => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(0x1EC)) & 0xFFFFFF;
    public SevSnpTcb CurrentTcb { get; }
    public SevSnpTcb ReportedTcb { get; }
    public SevSnpTcb CommittedTcb { get; }
    public SevSnpTcb LaunchTcb { get; }

    /// <summary>Turin (family 0x1A) uses another TCB layout and an 8-byte chip id.</summary>
    public bool IsTurin => CpuidFamily == 0x1A;

    public ReadOnlySpan<byte> Raw => _raw;
    public ReadOnlySpan<byte> FamilyId => _raw.AsSpan(0x10, 16);
    public ReadOnlySpan<byte> ImageId => _raw.AsSpan(0x20, 16);
    public ReadOnlySpan<byte> ReportData => _raw.AsSpan(0x50, 64);
    public ReadOnlySpan<byte> Measurement => _raw.AsSpan(0x90, 48);
    public ReadOnlySpan<byte> HostData => _raw.AsSpan(0xC0, 32);
    public ReadOnlySpan<byte> IdKeyDigest => _raw.AsSpan(0xE0, 48);
    public ReadOnlySpan<byte> AuthorKeyDigest => _raw.AsSpan(0x110, 48);
    public ReadOnlySpan<byte> ReportId => _raw.AsSpan(0x140, 32);
    public ReadOnlySpan<byte> ChipId => _raw.AsSpan(0x1A0, 64);
    public ReadOnlySpan<byte> SignedBytes => _raw.AsSpan(0, SignedLength);

    public bool PolicySmt => (Policy & (1UL << 16)) != 0;
    public bool PolicyReservedMbo => (Policy & (1UL << 17)) != 0;
    public bool PolicyMigrateMa => (Policy & (1UL << 18)) != 0;
    public bool PolicyDebug => (Policy & (1UL << 19)) != 0;
    public bool PolicySingleSocket => (Policy & (1UL << 20)) != 0;

    /// <summary>The launch measurement as a measurement value.</summary>
    public Tinfoil.Measurement ToMeasurement() => new(Tinfoil.Measurement.SevGuestV2, [Hex.Lower(Measurement)]);

    /// <summary>Parses a report.</summary>
    /// <exception cref="AttestationException">Wrong length or unsupported version/algorithm (stage Report).</exception>
    public static SevSnpReport Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw Reject.With(AttestationStage.Report, "REPORT_TRUNCATED", $"a SEV-SNP report is {Size} bytes, not {bytes.Length}");
        }

        var report = new SevSnpReport(bytes.ToArray());
        if (report.Version is < 3 or > 5)
        {
            throw Reject.With(AttestationStage.Report, "WRONG_REPORT_VERSION",
                $"report version {report.Version} is not supported (3 to 5 are)");
        }

        if (report.SignatureAlgorithm != 1)
        {
            throw Reject.With(AttestationStage.Report, "REPORT_FORMAT_UNSUPPORTED",
                $"signature algorithm {report.SignatureAlgorithm} is not ECDSA P-384 with SHA-384");
        }

        return report;
    }

    /// <summary>The signature as R||S, 48 bytes each, big-endian; null when the high bytes or the reserved rest of the field are not
    /// zero.</summary>
    public byte[]? SignatureP1363()
    {
        var result = new byte[96];
        if (_raw.AsSpan(0x330).ContainsAnyExcept((byte)0))
        {
            return null;
        }

        if (!Component(0x2A0, result.AsSpan(0, 48)) || !Component(0x2E8, result.AsSpan(48)))
        {
            return null;
        }

        return result;
    }

    private bool Component(int offset, Span<byte> destination)
    {
        var field = _raw.AsSpan(offset, 72);
        if (field[48..].ContainsAnyExcept((byte)0))
        {
            return false;
        }

        for (var i = 0; i < 48; i++)
        {
            destination[i] = field[47 - i];
        }

        return true;
    }
}
