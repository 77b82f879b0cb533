namespace AudioSdk.Security.Tinfoil.Tdx;

/// <summary>
/// What an authentic TDX quote must also satisfy. <see cref="Tinfoil"/> is the policy Tinfoil enclaves are held to;
/// the conformance vectors pin single fields on top of a bare policy.
/// </summary>
internal sealed record TdxPolicy
{
    /// <summary>TD_ATTRIBUTES bits a TD may set under the spec defaults: SEPT_VE_DISABLE (28), PKS (30), PERFMON (63).</summary>
    public const ulong TdAttributesAllowed = (1UL << 28) | (1UL << 30) | (1UL << 63);

    /// <summary>XFAM bits a TD may set under the spec defaults (FIXED0).</summary>
    public const ulong XfamAllowed = 0x0006DBE7;

    /// <summary>XFAM bits a TD must set: x87/FP and SSE.</summary>
    public const ulong XfamRequired = 0x3;

    /// <summary>Quote verification results accepted unless a policy says otherwise; OUT_OF_DATE ones never are.</summary>
    public static readonly IReadOnlyList<string> DefaultAcceptedResults = ["OK", "SW_HARDENING_NEEDED", "CONFIG_NEEDED",
        "CONFIG_AND_SW_HARDENING_NEEDED"];

    /// <summary>Intel's published MR_SEAM values of current TDX modules (1.5.08, 1.5.16, 2.0.02, 2.0.08).</summary>
    public static readonly IReadOnlyList<string> TinfoilMrSeams =
    [
        "49b66faa451d19ebbdbe89371b8daf2b65aa3984ec90110343e9e2eec116af08850fa20e3b1aa9a874d77a65380ee7e6",
        "7bf063280e94fb051f5dd7b1fc59ce9aac42bb961df8d44b709c9b0ff87a7b4df648657ba6d1189589feab1d5a3c9a9d",
        "685f891ea5c20e8fa27b151bf34bf3b50fbaf7143cc53662727cbdb167c0ad8385f1f6f3571539a91e104a1c96d75e04",
        "476a2997c62bccc78370913d0a80b956e3721b24272bc66c4d6307ced4be2865c40e26afac75f12df3425b03eb59ea7c",
    ];

    /// <summary>No pin, the full Intel evaluation: the base the conformance vectors add their pins to.</summary>
    public static TdxPolicy Bare { get; } = new();

    /// <summary>
    /// Tinfoil's policy: full TCB evaluation with TCB evaluation data number 18 or later, SEPT_VE_DISABLE only, the
    /// usual XFAM, a current TDX module, all-zero MR_SIGNER_SEAM, SEAM attributes, MR_CONFIG_ID, MR_OWNER,
    /// MR_OWNER_CONFIG and RTMR3, and TEE_TCB_SVN at least 3.1.2.
    /// </summary>
    public static TdxPolicy Tinfoil { get; } = new()
    {
        EnforceSpecDefaults = true,
        MinimumEvaluationDataNumber = 18,
        ExpectedTdAttributes = Convert.FromHexString("0000001000000000"),
        ExpectedXfam = Convert.FromHexString("e702060000000000"),
        ExpectedMrSignerSeam = new byte[48],
        ExpectedSeamAttributes = new byte[8],
        MrSeamAllowlist = TinfoilMrSeams.Select(Convert.FromHexString).ToArray(),
        ExpectedMrConfigId = new byte[48],
        ExpectedMrOwner = new byte[48],
        ExpectedMrOwnerConfig = new byte[48],
        ExpectedRtmr3 = new byte[48],
        MinimumTeeTcbSvn = Convert.FromHexString("03010200000000000000000000000000"),
    };

    /// <summary>Whether the Intel collateral (TCB info, QE identity, CRLs) is evaluated; only the chain and signatures otherwise.</summary>
    public bool TcbEvaluationRequired { get; init; } = true;

    public IReadOnlyList<string> AcceptedResults { get; init; } = DefaultAcceptedResults;
    public byte[]? ExpectedFmspc { get; init; }
    public int? MinimumEvaluationDataNumber { get; init; }
    public bool EnforceSpecDefaults { get; init; }
    public byte[]? ExpectedQeVendorId { get; init; }
    public byte[]? ExpectedTdAttributes { get; init; }
    public byte[]? ExpectedXfam { get; init; }
    public byte[]? ExpectedMrSignerSeam { get; init; }
    public byte[]? ExpectedSeamAttributes { get; init; }
    public IReadOnlyList<byte[]>? MrSeamAllowlist { get; init; }
    public byte[]? ExpectedMrTd { get; init; }
    public byte[]? ExpectedMrConfigId { get; init; }
    public byte[]? ExpectedMrOwner { get; init; }
    public byte[]? ExpectedMrOwnerConfig { get; init; }
    public byte[]? ExpectedRtmr3 { get; init; }
    public byte[]? ExpectedReportData { get; init; }
    public byte[]? MinimumTeeTcbSvn { get; init; }
}
