using System.Security.Cryptography;
using System.Text;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// Measurement comparison both ways round for each pair of types: equal registers accepted (whatever their case),
/// each register that matters changed, a wrong register count and an unsupported pair refused with their codes, and
/// the fingerprint of one and of several registers.
/// </summary>
public sealed class MeasurementTests
{
    private static readonly string Zero = new('0', 96);
    private static readonly string Snp = new('5', 96);
    private static readonly string Rtmr1 = new('1', 96);
    private static readonly string Rtmr2 = new('2', 96);

    private static Measurement Release(string snp = "", string rtmr1 = "", string rtmr2 = "") =>
        new(Measurement.SnpTdxMultiPlatformV1, [snp.Length > 0 ? snp : Snp, rtmr1.Length > 0 ? rtmr1 : Rtmr1, rtmr2.Length > 0 ? rtmr2 : Rtmr2]);

    private static Measurement Tdx(string rtmr1 = "", string rtmr2 = "", string rtmr3 = "") =>
        new(Measurement.TdxGuestV2, [new string('a', 96), new string('b', 96), rtmr1.Length > 0 ? rtmr1 : Rtmr1, rtmr2.Length > 0 ? rtmr2 : Rtmr2, rtmr3.Length > 0 ? rtmr3 : Zero]);

    private static Measurement Sev(string digest) => new(Measurement.SevGuestV2, [digest]);

    [Fact]
    public void MultiPlatformAndTdx_CompareRtmr1And2_AndRequireAZeroRtmr3_EitherWayRound()
    {
        Release().EnsureMatches(Tdx());
        Tdx().EnsureMatches(Release());
        Release(rtmr1: Rtmr1.ToUpperInvariant()).EnsureMatches(Tdx());
        foreach (var (release, tdx, code) in new[]
        {
            (Release(), Tdx(rtmr1: Rtmr2), "MEASUREMENT_MISMATCH"),
            (Release(), Tdx(rtmr2: Rtmr1), "MEASUREMENT_MISMATCH"),
            (Release(rtmr2: Zero), Tdx(), "MEASUREMENT_MISMATCH"),
            (Release(), Tdx(rtmr3: new string('0', 95) + "1"), "MEASUREMENT_RTMR3_NONZERO"),
        })
        {
            Refused(() => release.EnsureMatches(tdx), code);
            Refused(() => tdx.EnsureMatches(release), code);
        }

        var fourRegisters = new Measurement(Measurement.TdxGuestV2, [Zero, Zero, Rtmr1, Rtmr2]);
        var twoRegisters = new Measurement(Measurement.SnpTdxMultiPlatformV1, [Snp, Rtmr1]);
        Refused(() => Release().EnsureMatches(fourRegisters), "MEASUREMENT_REGISTER_COUNT_INVALID");
        Refused(() => twoRegisters.EnsureMatches(Tdx()), "MEASUREMENT_REGISTER_COUNT_INVALID");
        Refused(() => fourRegisters.EnsureMatches(Release()), "MEASUREMENT_REGISTER_COUNT_INVALID");
    }

    [Fact]
    public void MultiPlatformAndSev_CompareTheLaunchDigest_EitherWayRound()
    {
        Release().EnsureMatches(Sev(Snp));
        Sev(Snp.ToUpperInvariant()).EnsureMatches(Release());
        var ex = Refused(() => Release().EnsureMatches(Sev(Zero)), "MEASUREMENT_MISMATCH");
        Assert.Contains($"launch measurement {Zero} is not the release's {Snp}", ex.Message, StringComparison.Ordinal);
        Refused(() => Sev(Zero).EnsureMatches(Release()), "MEASUREMENT_MISMATCH");
        Refused(() => new Measurement(Measurement.SevGuestV2, [Snp, Snp]).EnsureMatches(Release()), "MEASUREMENT_REGISTER_COUNT_INVALID");
        Refused(() => new Measurement(Measurement.SnpTdxMultiPlatformV1, [Snp, Rtmr1, Rtmr2, Zero]).EnsureMatches(Sev(Snp)), "MEASUREMENT_REGISTER_COUNT_INVALID");
    }

    [Fact]
    public void SameTypes_CompareEveryRegister_AndOtherPairsAreUnsupported()
    {
        Tdx().EnsureMatches(Tdx());
        Sev(Snp).EnsureMatches(Sev(Snp.ToUpperInvariant()));
        Assert.Contains("the TDX registers differ", Refused(() => Tdx().EnsureMatches(Tdx(rtmr3: Rtmr1)), "MEASUREMENT_MISMATCH").Message, StringComparison.Ordinal);
        Assert.Contains("the SEV-SNP registers differ", Refused(() => Sev(Snp).EnsureMatches(Sev(Zero)), "MEASUREMENT_MISMATCH").Message, StringComparison.Ordinal);
        Assert.Contains("the multi-platform registers differ", Refused(() => Release().EnsureMatches(Release(snp: Zero)), "MEASUREMENT_MISMATCH").Message, StringComparison.Ordinal);
        Refused(() => new Measurement(Measurement.TdxGuestV2, [Zero]).EnsureMatches(new Measurement(Measurement.TdxGuestV2, [Zero, Zero])), "MEASUREMENT_MISMATCH");

        Assert.Contains("a TDX measurement cannot be compared with a SEV-SNP one", Refused(() => Tdx().EnsureMatches(Sev(Snp)), "MEASUREMENT_TYPE_COMBINATION_UNSUPPORTED").Message, StringComparison.Ordinal);
        Assert.Contains("a SEV-SNP measurement cannot be compared with a TDX one", Refused(() => Sev(Snp).EnsureMatches(Tdx()), "MEASUREMENT_TYPE_COMBINATION_UNSUPPORTED").Message, StringComparison.Ordinal);
        Assert.Contains("a https://example.com/other measurement cannot be compared with a multi-platform one", Refused(() => new Measurement("https://example.com/other", [Snp]).EnsureMatches(Release()), "MEASUREMENT_TYPE_COMBINATION_UNSUPPORTED").Message, StringComparison.Ordinal);
        Refused(() => Release().EnsureMatches(new Measurement("https://example.com/other", [Snp])), "MEASUREMENT_TYPE_COMBINATION_UNSUPPORTED");
    }

    [Fact]
    public void Fingerprint_IsTheOnlyRegister_OrTheHashOfTypeAndRegisters()
    {
        Assert.Equal(Snp, Sev(Snp.ToUpperInvariant()).Fingerprint());
        var expected = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Measurement.SnpTdxMultiPlatformV1 + Snp + Rtmr1 + Rtmr2))).ToLowerInvariant();
        Assert.Equal(expected, Release().Fingerprint());
        Assert.Equal($"{Measurement.SevGuestV2} [{Snp}]", Sev(Snp).ToString());
    }

    private static AttestationException Refused(Action compare, string code)
    {
        var ex = Assert.ThrowsAny<AttestationException>(compare);
        Assert.Equal((AttestationStage.Measurement, code), (ex.Stage, ex.Code));
        return ex;
    }
}
