namespace AudioSdk.Security.Tinfoil;

/// <summary>
/// What a verified SEV-SNP report must also satisfy. The guest-policy rules (no debug, no migration agent, reserved
/// bits as specified) always apply; the rest is optional pins and minimums.
/// </summary>
internal sealed record SevSnpPolicy
{
    public static SevSnpPolicy Default { get; } = new();

    public byte[]? ExpectedMeasurement { get; init; }
    public byte[]? ExpectedHostData { get; init; }
    public byte[]? ExpectedReportData { get; init; }
    public byte[]? ExpectedIdKeyDigest { get; init; }
    public byte[]? ExpectedAuthorKeyDigest { get; init; }
    public byte[]? ExpectedImageId { get; init; }
    public byte[]? ExpectedFamilyId { get; init; }
    public SevSnpTcb? MinimumTcb { get; init; }
    public SevSnpTcb? MinimumLaunchTcb { get; init; }
    public int? MinimumBuild { get; init; }
    public (int Major, int Minor)? MinimumFirmwareVersion { get; init; }
    public uint? MinimumGuestSvn { get; init; }
    public uint? Vmpl { get; init; }
    public bool? RequireSmt { get; init; }
    public bool? RequireSingleSocket { get; init; }
    public bool PermitProvisionalFirmware { get; init; } = true;

    /// <summary>Platform-info bits that must have the given value: (bit, expected, name).</summary>
    public IReadOnlyList<(int Bit, bool Expected, string Name)> PlatformInfo { get; init; } = [];
}
