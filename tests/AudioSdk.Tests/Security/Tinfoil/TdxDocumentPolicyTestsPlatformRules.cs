using System.Buffers.Binary;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Tdx;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// <see cref="TdxPlatformPolicy.Check"/> rule by rule on one synthetic quote: a policy endorsing exactly that quote passes,
/// and each field moved alone past its bound is refused with its own code and reason (equal passes, one step beyond refuses).
/// </summary>
public sealed class TdxDocumentPolicyTestsPlatformRules
{
    private const ushort QeSvn = 5;
    private const ushort PceSvn = 7;
    private static readonly byte[] TeeTcbSvn = Convert.FromHexString("03010200000000000000000000000004");
    private static readonly byte[] Seam = Enumerable.Repeat((byte)0x5e, 48).ToArray();
    private static readonly byte[] Mrtd = Enumerable.Repeat((byte)0x11, 48).ToArray();
    private static readonly byte[] Rtmr0 = Enumerable.Repeat((byte)0x22, 48).ToArray();
    private static readonly byte[] Signed = new SyntheticTdx
    {
        TeeTcbSvn = TeeTcbSvn,
        MrSeam = Seam,
        Registers = [Mrtd, Rtmr0, new byte[48], new byte[48], new byte[48]],
    }.Build().Quote;

    private static readonly HardwareMeasurement Endorsed = new("endorsed", Hex.Lower(Mrtd), Hex.Lower(Rtmr0));

    /// <summary>The synthetic quote with the header SVNs set and <paramref name="edit"/> applied to its TD body (signature not rechecked here).</summary>
    private static TdxQuote Quote(Action<byte[]>? edit = null)
    {
        var bytes = Signed.ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), QeSvn);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(10), PceSvn);
        if (edit is not null)
        {
            var body = bytes.AsSpan(TdxQuote.HeaderSize, TdxQuote.BodySize).ToArray();
            edit(body);
            body.CopyTo(bytes, TdxQuote.HeaderSize);
        }

        return TdxQuote.Parse(bytes);
    }

    /// <summary>The policy that endorses <see cref="Quote"/> exactly, every optional zero check on.</summary>
    private static TdxPlatformPolicy Policy() => new()
    {
        QeVendorId = TdxQuote.IntelQeVendorId.ToArray(),
        MinimumQeSvn = QeSvn,
        MinimumPceSvn = PceSvn,
        MinimumTeeTcbSvn = TeeTcbSvn.ToArray(),
        MrSeams = [Seam],
        TdAttributes = Convert.FromHexString("0000001000000000"),
        Xfam = Convert.FromHexString("e702060000000000"),
        MrConfigIdZero = true,
        MrOwnerZero = true,
        MrOwnerConfigZero = true,
        MinimumEvaluationDataNumber = 18,
        Platforms = [Endorsed],
    };

    private static void Refused(TdxPlatformPolicy policy, TdxQuote quote, int evaluation, string code, string reason)
    {
        var ex = Assert.Throws<AttestationException>(() => policy.Check(quote, evaluation));
        Assert.Equal((AttestationStage.Policy, code), (ex.Stage, ex.Code));
        Assert.Equal($"Tinfoil attestation refused ({code}): {reason}", ex.Message);
    }

    [Fact]
    public void APolicyEndorsingTheQuoteExactly_Passes_AndReturnsItsPlatform()
    {
        Assert.Same(Endorsed, Policy().Check(Quote(), 18));
        Assert.Same(Endorsed, Policy().Check(Quote(), int.MaxValue));
    }

    [Fact]
    public void AnotherQeVendor_IsRefused()
    {
        var vendor = TdxQuote.IntelQeVendorId.ToArray();
        vendor[15] ^= 1;
        Refused(Policy() with { QeVendorId = vendor }, Quote(), 18, "QE_VENDOR_ID_MISMATCH",
            $"the QE vendor id {Hex.Lower(TdxQuote.IntelQeVendorId)} is not the endorsed {Hex.Lower(vendor)}");
    }

    [Fact]
    public void TheQeSvn_AtTheMinimumPasses_OneBelowIsRefused()
    {
        Assert.Same(Endorsed, (Policy() with { MinimumQeSvn = QeSvn - 1 }).Check(Quote(), 18));
        Refused(Policy() with { MinimumQeSvn = QeSvn + 1 }, Quote(), 18, "QE_SVN_BELOW_MINIMUM", "the QE SVN 5 is below 6");
    }

    [Fact]
    public void ThePceSvn_AtTheMinimumPasses_OneBelowIsRefused()
    {
        Assert.Same(Endorsed, (Policy() with { MinimumPceSvn = PceSvn - 1 }).Check(Quote(), 18));
        Refused(Policy() with { MinimumPceSvn = PceSvn + 1 }, Quote(), 18, "PCE_SVN_BELOW_MINIMUM", "the PCE SVN 7 is below 8");
    }

    [Fact]
    public void TeeTcbSvn_IsComparedComponentByComponent_ToTheLastByte()
    {
        var quote = Quote();
        var higherFirst = TeeTcbSvn.ToArray();
        higherFirst[0] = 2;
        higherFirst[1] = 9;  // lexicographically lower than the quote's, but component 1 is above it
        Refused(Policy() with { MinimumTeeTcbSvn = higherFirst }, quote, 18, "TEE_TCB_SVN_BELOW_MINIMUM",
            $"TEE_TCB_SVN {Hex.Lower(TeeTcbSvn)} is below {Hex.Lower(higherFirst)} at byte 1");

        var last = TeeTcbSvn.ToArray();
        last[15] = 5;
        Refused(Policy() with { MinimumTeeTcbSvn = last }, quote, 18, "TEE_TCB_SVN_BELOW_MINIMUM",
            $"TEE_TCB_SVN {Hex.Lower(TeeTcbSvn)} is below {Hex.Lower(last)} at byte 15");

        var lower = TeeTcbSvn.ToArray();
        lower[15] = 3;
        Assert.Same(Endorsed, (Policy() with { MinimumTeeTcbSvn = lower }).Check(quote, 18));
    }

    [Fact]
    public void MrSeam_PassesWhenAnyAcceptedModuleMatches_AndIsRefusedWhenNone()
    {
        var other = Enumerable.Repeat((byte)0x77, 48).ToArray();
        Assert.Same(Endorsed, (Policy() with { MrSeams = [other, Seam] }).Check(Quote(), 18));
        Refused(Policy() with { MrSeams = [other] }, Quote(), 18, "MR_SEAM_NOT_ALLOWED",
            $"MR_SEAM {Hex.Lower(Seam)} is not a TDX module the policy accepts");
    }

    [Fact]
    public void TdAttributes_OtherThanTheEndorsed_AreRefused()
    {
        var quote = Quote(b => b[120 + 7] = 0x80);
        Refused(Policy(), quote, 18, "TD_ATTRIBUTES_MISMATCH", "TD_ATTRIBUTES 0000001000000080 is not the endorsed 0000001000000000");
    }

    [Fact]
    public void Xfam_OtherThanTheEndorsed_IsRefused()
    {
        var quote = Quote(b => b[128 + 3] = 1);
        Refused(Policy(), quote, 18, "XFAM_MISMATCH", "XFAM e702060100000000 is not the endorsed e702060000000000");
    }

    [Fact]
    public void MrConfigId_NotZero_IsRefusedOnlyWhenThePolicyRequiresZero()
    {
        var quote = Quote(b => b[184 + 47] = 1);
        Refused(Policy(), quote, 18, "MR_CONFIG_ID_MISMATCH", "MR_CONFIG_ID is not zero");
        Assert.Same(Endorsed, (Policy() with { MrConfigIdZero = false }).Check(quote, 18));
    }

    [Fact]
    public void MrOwner_NotZero_IsRefusedOnlyWhenThePolicyRequiresZero()
    {
        var quote = Quote(b => b[232] = 1);
        Refused(Policy(), quote, 18, "MR_OWNER_MISMATCH", "MR_OWNER is not zero");
        Assert.Same(Endorsed, (Policy() with { MrOwnerZero = false }).Check(quote, 18));
    }

    [Fact]
    public void MrOwnerConfig_NotZero_IsRefusedOnlyWhenThePolicyRequiresZero()
    {
        var quote = Quote(b => b[280 + 20] = 0xff);
        Refused(Policy(), quote, 18, "MR_OWNER_CONFIG_MISMATCH", "MR_OWNER_CONFIG is not zero");
        Assert.Same(Endorsed, (Policy() with { MrOwnerConfigZero = false }).Check(quote, 18));
    }

    [Fact]
    public void TheZeroRegisters_WhenZero_PassWithEveryZeroCheckOff()
    {
        Assert.Same(Endorsed, (Policy() with { MrConfigIdZero = false, MrOwnerZero = false, MrOwnerConfigZero = false }).Check(Quote(), 18));
    }

    [Fact]
    public void TheEvaluationDataNumber_AtTheMinimumPasses_OneBelowIsRefused()
    {
        Assert.Same(Endorsed, Policy().Check(Quote(), 18));
        Refused(Policy(), Quote(), 17, "TCB_EVAL_DATA_NUMBER_TOO_LOW", "the collateral's TCB evaluation data number 17 is below the policy's 18");
        Refused(Policy(), Quote(), int.MinValue, "TCB_EVAL_DATA_NUMBER_TOO_LOW",
            $"the collateral's TCB evaluation data number {int.MinValue} is below the policy's 18");
    }

    [Fact]
    public void ThePlatform_MustMatchMrtdAndRtmr0Together_AndTheMatchingOneIsReturned()
    {
        var otherRtmr0 = new HardwareMeasurement("same-mrtd", Hex.Lower(Mrtd), new string('3', 96));
        var otherMrtd = new HardwareMeasurement("same-rtmr0", new string('4', 96), Hex.Lower(Rtmr0));
        Refused(Policy() with { Platforms = [otherRtmr0, otherMrtd] }, Quote(), 18, "PLATFORM_MEASUREMENT_MISMATCH",
            "MRTD 1111111111111111... and RTMR0 match no platform measurement the machine may boot");
        Assert.Same(Endorsed, (Policy() with { Platforms = [otherRtmr0, Endorsed, otherMrtd] }).Check(Quote(), 18));
    }

    [Fact]
    public void TheRulesRunInOrder_SoTheFirstFailingFieldNamesTheRefusal()
    {
        // Everything wrong at once: the vendor is reported, not a later field.
        var vendor = new byte[16];
        var ex = Assert.Throws<AttestationException>(() => (Policy() with { QeVendorId = vendor, MinimumQeSvn = 99, MrSeams = [new byte[48]] })
            .Check(Quote(b => b[232] = 1), 0));
        Assert.Equal("QE_VENDOR_ID_MISMATCH", ex.Code);
    }
}
