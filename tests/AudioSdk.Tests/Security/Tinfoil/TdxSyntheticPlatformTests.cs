using AudioSdk.Security;
using AudioSdk.Security.Tinfoil.Tdx;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// Verifier branches no conformance vector reaches, on a synthetic platform (<see cref="SyntheticTdx"/>): revocation
/// of the PCK and of the TCB signing certificate, the QE's and the TDX module's own TCB status, the module identity,
/// and a platform below every TCB level. The untouched platform verifies, so each refusal is the knob's.
/// </summary>
public sealed class TdxSyntheticPlatformTests
{
    private static TdxVerification Verify(SyntheticTdx platform, TdxPolicy? policy = null)
    {
        var built = platform.Build();
        return new TdxVerifier(built.Root).Verify(built.Quote, built.Collateral, SyntheticTdx.Now, policy ?? TdxPolicy.Tinfoil);
    }

    private static AttestationException Refused(SyntheticTdx platform) => Assert.Throws<AttestationException>(() => Verify(platform));

    [Fact]
    public void TheSyntheticPlatformVerifiesUnderTinfoilsPolicy()
    {
        var verified = Verify(new SyntheticTdx());
        Assert.Equal("OK", verified.Result);
        Assert.Equal("UpToDate", verified.TcbStatus);
        Assert.Equal(SyntheticTdx.Now.AddDays(30), verified.ValidUntil);
    }

    [Theory]
    [InlineData(0, 1)]    // r = 00 01 ...: a DER integer may not keep that zero
    [InlineData(32, 1)]   // s likewise
    [InlineData(0, 32)]   // r = 0
    [InlineData(32, 32)]  // s = 0
    public void AQeReportSignatureWithLeadingZeros_IsRefusedAsASignature_NotAnArgumentError(int component, int zeros)
    {
        var built = new SyntheticTdx().Build();
        var quote = built.Quote.ToArray();
        var offset = TdxQuote.HeaderSize + TdxQuote.BodySize + 4 + 64 + 64 + 2 + 4 + TdxQuote.QeReportSize + component;
        quote.AsSpan(offset, zeros).Clear();
        if (zeros < 32)
        {
            quote[offset + zeros] = 0x01;
        }

        var refused = Assert.Throws<AttestationException>(
            () => new TdxVerifier(built.Root).Verify(quote, built.Collateral, SyntheticTdx.Now, TdxPolicy.Tinfoil));
        Assert.Equal("QE_REPORT_SIGNATURE_INVALID", refused.Code);
    }

    [Fact]
    public void ARevokedPckIsRefused() => Assert.Equal("PCK_REVOKED", Refused(new SyntheticTdx { RevokePck = true }).Code);

    [Fact]
    public void ARevokedTcbSigningCertificateIsRefused() => Assert.Equal("INTERMEDIATE_REVOKED", Refused(new SyntheticTdx { RevokeTcbSigner = true }).Code);

    [Theory]
    [InlineData("OutOfDate", "UpToDate", "OUT_OF_DATE")]
    [InlineData("OutOfDate", "ConfigurationNeeded", "OUT_OF_DATE_CONFIG_NEEDED")]
    [InlineData("Revoked", "UpToDate", null)]
    public void TheQuotingEnclavesStatusCounts(string qe, string platform, string? result)
    {
        var ex = Refused(new SyntheticTdx { QeStatus = qe, PlatformStatus = platform });
        if (result is null)
        {
            Assert.Equal("TCB_REVOKED", ex.Code);
        }
        else
        {
            Assert.Equal("QV_RESULT_NOT_ACCEPTED_BY_POLICY", ex.Code);
            Assert.Contains(result + " ", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheTdxModuleIdentityIsMatchedWhenTheModuleHasAVersion()
    {
        Assert.Equal("OK", Verify(new SyntheticTdx { ModuleStatus = "UpToDate" }).Result);
        Assert.Equal("QV_RESULT_NOT_ACCEPTED_BY_POLICY", Refused(new SyntheticTdx { ModuleStatus = "OutOfDate" }).Code);
        Assert.Equal("TCB_REVOKED", Refused(new SyntheticTdx { ModuleStatus = "Revoked" }).Code);

        // The module identity names another signer than the quote's MR_SIGNER_SEAM.
        var other = new byte[48];
        other[0] = 1;
        Assert.Equal("MR_SIGNER_SEAM_MISMATCH", Refused(new SyntheticTdx { ModuleStatus = "UpToDate", ModuleSigner = other }).Code);
    }

    [Fact]
    public void APlatformBelowEveryTcbLevelIsRefused()
    {
        Assert.Equal("QV_RESULT_TERMINAL_UNSPECIFIED", Refused(new SyntheticTdx { LevelPceSvn = 12 }).Code);
        var higher = Enumerable.Repeat((byte)5, 16).ToArray();
        Assert.Equal("OK", Verify(new SyntheticTdx { SgxComponents = higher }).Result);
    }

    [Theory]
    [InlineData("SWHardeningNeeded", "SW_HARDENING_NEEDED")]
    [InlineData("ConfigurationAndSWHardeningNeeded", "CONFIG_AND_SW_HARDENING_NEEDED")]
    public void NonTerminalStatusesAreAcceptedByDefaultAndRefusedWhenThePolicySaysOk(string status, string result)
    {
        Assert.Equal(result, Verify(new SyntheticTdx { PlatformStatus = status }).Result);
        var strict = TdxPolicy.Tinfoil with { AcceptedResults = ["OK"] };
        Assert.Equal("QV_RESULT_NOT_ACCEPTED_BY_POLICY", Assert.Throws<AttestationException>(() => Verify(new SyntheticTdx { PlatformStatus = status }, strict)).Code);
    }

    [Fact]
    public void AnUnknownStatusIsRefused() => Assert.Equal("QV_RESULT_TERMINAL_UNSPECIFIED", Refused(new SyntheticTdx { PlatformStatus = "Fine" }).Code);

    [Fact]
    public void AfterTheCollateralExpiresTheQuoteIsRefused()
    {
        var built = new SyntheticTdx().Build();
        var ex = Assert.Throws<AttestationException>(() => new TdxVerifier(built.Root).Verify(built.Quote, built.Collateral, SyntheticTdx.Now.AddDays(31), TdxPolicy.Tinfoil));
        Assert.Equal("TCB_INFO_EXPIRED", ex.Code);
    }
}
