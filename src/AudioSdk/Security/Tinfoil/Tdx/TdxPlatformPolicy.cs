using System.Security.Cryptography;

namespace AudioSdk.Security.Tinfoil.Tdx;

/// <summary>
/// A TDX machine's endorsed policy, from the signed platform endorsements: the quoting enclave's vendor and minimum SVNs,
/// the minimum TEE_TCB_SVN, the accepted TDX modules (MR_SEAM), exact TD_ATTRIBUTES and XFAM, optional all-zero
/// MR_CONFIG_ID / MR_OWNER / MR_OWNER_CONFIG, the lowest TCB evaluation data number the collateral may carry, and the
/// platform measurements (MRTD and RTMR0) the machine may boot.
/// </summary>
internal sealed record TdxPlatformPolicy
{
    public required byte[] QeVendorId { get; init; }
    public required ushort MinimumQeSvn { get; init; }
    public required ushort MinimumPceSvn { get; init; }
    public required byte[] MinimumTeeTcbSvn { get; init; }
    public required IReadOnlyList<byte[]> MrSeams { get; init; }
    public required byte[] TdAttributes { get; init; }
    public required byte[] Xfam { get; init; }
    public required bool MrConfigIdZero { get; init; }
    public required bool MrOwnerZero { get; init; }
    public required bool MrOwnerConfigZero { get; init; }
    public required int MinimumEvaluationDataNumber { get; init; }
    public required IReadOnlyList<HardwareMeasurement> Platforms { get; init; }

    /// <summary>Checks an authenticated quote (and the evaluation data number of the collateral it was verified with).</summary>
    /// <returns>The platform measurement the quote's MRTD and RTMR0 select.</returns>
    /// <exception cref="AttestationException">Stage Policy: the quote does not comply.</exception>
    public HardwareMeasurement Check(TdxQuote quote, int evaluationDataNumber)
    {
        Equal(QeVendorId, quote.QeVendorId, "QE_VENDOR_ID_MISMATCH", "the QE vendor id");
        if (quote.HeaderQeSvn < MinimumQeSvn)
        {
            throw Fail("QE_SVN_BELOW_MINIMUM", $"the QE SVN {quote.HeaderQeSvn} is below {MinimumQeSvn}");
        }

        if (quote.HeaderPceSvn < MinimumPceSvn)
        {
            throw Fail("PCE_SVN_BELOW_MINIMUM", $"the PCE SVN {quote.HeaderPceSvn} is below {MinimumPceSvn}");
        }

        var svn = quote.TeeTcbSvn;
        for (var i = 0; i < MinimumTeeTcbSvn.Length; i++)
        {
            if (svn[i] < MinimumTeeTcbSvn[i])
            {
                throw Fail("TEE_TCB_SVN_BELOW_MINIMUM", $"TEE_TCB_SVN {Hex.Lower(svn)} is below {Hex.Lower(MinimumTeeTcbSvn)} at byte {i}");
            }
        }

        var seam = quote.MrSeam.ToArray();
        if (!MrSeams.Any(s => s.AsSpan().SequenceEqual(seam)))
        {
            throw Fail("MR_SEAM_NOT_ALLOWED", $"MR_SEAM {Hex.Lower(seam)} is not a TDX module the policy accepts");
        }

        Equal(TdAttributes, quote.TdAttributes, "TD_ATTRIBUTES_MISMATCH", "TD_ATTRIBUTES");
        Equal(Xfam, quote.Xfam, "XFAM_MISMATCH", "XFAM");
        Zero(MrConfigIdZero, quote.MrConfigId, "MR_CONFIG_ID_MISMATCH", "MR_CONFIG_ID");
        Zero(MrOwnerZero, quote.MrOwner, "MR_OWNER_MISMATCH", "MR_OWNER");
        Zero(MrOwnerConfigZero, quote.MrOwnerConfig, "MR_OWNER_CONFIG_MISMATCH", "MR_OWNER_CONFIG");
        if (evaluationDataNumber < MinimumEvaluationDataNumber)
        {
            throw Fail("TCB_EVAL_DATA_NUMBER_TOO_LOW",
                $"the collateral's TCB evaluation data number {evaluationDataNumber} is below the policy's {MinimumEvaluationDataNumber}");
        }

        var mrtd = Hex.Lower(quote.MrTd);
        var rtmr0 = Hex.Lower(quote.Rtmr(0));
        return Platforms.FirstOrDefault(p => p.Mrtd == mrtd && p.Rtmr0 == rtmr0)
            ?? throw Fail("PLATFORM_MEASUREMENT_MISMATCH", $"MRTD {mrtd[..16]}... and RTMR0 match no platform measurement the machine may boot");
    }

    private static void Equal(byte[] expected, ReadOnlySpan<byte> actual, string code, string field)
    {
        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            throw Fail(code, $"{field} {Hex.Lower(actual)} is not the endorsed {Hex.Lower(expected)}");
        }
    }

    private static void Zero(bool required, ReadOnlySpan<byte> actual, string code, string field)
    {
        if (required && actual.ContainsAnyExcept((byte)0))
        {
            throw Fail(code, $"{field} is not zero");
        }
    }

    private static AttestationException Fail(string code, string why) => Reject.With(AttestationStage.Policy, code, why);
}
