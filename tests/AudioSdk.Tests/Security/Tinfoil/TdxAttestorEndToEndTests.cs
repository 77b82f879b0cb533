using System.Security.Cryptography;
using System.Text;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Tdx;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// An Intel TDX quote through <see cref="TinfoilAttestor"/>: a synthetic platform (<see cref="SyntheticTdx"/>) whose
/// REPORT_DATA binds a TLS key pin and an HPKE key, its collateral served by a loopback PCS over real HTTP, verified
/// under Tinfoil's TDX policy on the attestor's clock. Each tampered copy is refused at its own stage and code.
/// </summary>
public sealed class TdxAttestorEndToEndTests
{
    private const string TcbPath = TdxCollateralFetcherTests.TcbPath;
    private const string QePath = TdxCollateralFetcherTests.QePath;
    private const string PckCrlPath = TdxCollateralFetcherTests.PckCrlPath;
    private const string RootCrlPath = TdxCollateralFetcherTests.RootCrlPath;

    private static readonly byte[] Pin = SHA256.HashData("the enclave's TLS key"u8);
    private static readonly byte[] Hpke = SHA256.HashData("the enclave's HPKE key"u8);
    private static readonly SyntheticTdx.Built Platform = new SyntheticTdx { ReportData = [.. Pin, .. Hpke] }.Build();

    [Fact]
    public async Task TheQuoteVerifies_WithItsCollateralFromThePcs_AndYieldsTheKeysItsReportDataBinds()
    {
        await using var pcs = new CollateralServer(TdxCollateralFetcherTests.Files(Platform), TdxCollateralFetcherTests.Headers(Platform));
        using var attestor = Attestor(pcs.BaseAddress, Platform.Root, SyntheticTdx.Now);

        var enclave = await attestor.VerifyTdxQuoteAsync(Platform.Quote, CancellationToken.None);

        Assert.Equal(TlsPin.FromBytes(Pin), enclave.TlsPin);
        Assert.Equal(Hpke, enclave.HpkePublicKey);
        Assert.Equal("OK", enclave.Verification.Result);
        Assert.Equal("UpToDate", enclave.Verification.TcbStatus);
        var quote = TdxQuote.Parse(Platform.Quote);
        Assert.Equal(Measurement.TdxGuestV2, enclave.Measurement.Type);
        Assert.Equal([Hex.Lower(quote.MrTd), Hex.Lower(quote.Rtmr(0)), Hex.Lower(quote.Rtmr(1)), Hex.Lower(quote.Rtmr(2)), Hex.Lower(quote.Rtmr(3))], enclave.Measurement.Registers);
        Assert.Equal([$"{TcbPath}?fmspc=00906ed50000", QePath, $"{PckCrlPath}?ca=platform&encoding=der", RootCrlPath], pcs.Targets);

        // The collateral is cached: a second quote of the same platform asks the PCS nothing.
        await attestor.VerifyTdxQuoteAsync(Platform.Quote, CancellationToken.None);
        Assert.Equal(4, pcs.Requests);
    }

    [Theory]
    [InlineData(0)]   // the TLS key pin
    [InlineData(32)]  // the HPKE key
    public async Task AnotherKeyInTheReportData_IsRefusedAtTheQuoteSignature(int offset)
    {
        var quote = Platform.Quote.ToArray();
        quote[TdxQuote.HeaderSize + 520 + offset] ^= 1;
        var ex = await Refused(quote, Platform);
        Assert.Equal(AttestationStage.Report, ex.Stage);
        Assert.Equal("QUOTE_SIGNATURE_INVALID", ex.Code);
    }

    [Fact]
    public async Task AnAttestationKeyTheQeReportDoesNotBind_IsRefused()
    {
        // The QE report's REPORT_DATA names another key than the quote carries (the PCK still signs that report).
        var tampered = new SyntheticTdx { ReportData = [.. Pin, .. Hpke], QeReportEdit = r => r[320] ^= 1 }.Build();
        var ex = await Refused(tampered.Quote, tampered);
        Assert.Equal(AttestationStage.Report, ex.Stage);
        Assert.Equal("AK_BINDING_INVALID", ex.Code);
    }

    [Fact]
    public async Task TcbInfoChangedOnTheWay_IsRefusedAtItsSignature()
    {
        var files = TdxCollateralFetcherTests.Files(Platform);
        files[TcbPath] = Encoding.UTF8.GetBytes(Platform.Collateral.TcbInfoJson.Replace("\"pcesvn\":11", "\"pcesvn\":10", StringComparison.Ordinal));
        Assert.NotEqual(Platform.Collateral.TcbInfoJson, Encoding.UTF8.GetString(files[TcbPath]));
        var ex = await Refused(Platform.Quote, Platform, files);
        Assert.Equal(AttestationStage.CertificateChain, ex.Stage);
        Assert.Equal("TCB_INFO_SIGNATURE_INVALID", ex.Code);
    }

    [Fact]
    public async Task APlatformUnderAnotherRoot_IsRefusedAtTheChain()
    {
        var other = new SyntheticTdx { ReportData = [.. Pin, .. Hpke] }.Build();
        await using var pcs = new CollateralServer(TdxCollateralFetcherTests.Files(other), TdxCollateralFetcherTests.Headers(other));
        using var attestor = Attestor(pcs.BaseAddress, Platform.Root, SyntheticTdx.Now);
        var ex = await Assert.ThrowsAsync<AttestationException>(() => attestor.VerifyTdxQuoteAsync(other.Quote, CancellationToken.None));
        Assert.Equal(AttestationStage.CertificateChain, ex.Stage);
        Assert.Equal("ROOT_CA_UNTRUSTED", ex.Code);
    }

    [Fact]
    public async Task ARevokedPck_IsRefused()
    {
        var revoked = new SyntheticTdx { ReportData = [.. Pin, .. Hpke], RevokePck = true }.Build();
        var ex = await Refused(revoked.Quote, revoked);
        Assert.Equal(AttestationStage.CertificateChain, ex.Stage);
        Assert.Equal("PCK_REVOKED", ex.Code);
    }

    [Fact]
    public async Task OnTheAttestorsClock_ExpiredCollateralIsRefused()
    {
        await using var pcs = new CollateralServer(TdxCollateralFetcherTests.Files(Platform), TdxCollateralFetcherTests.Headers(Platform));
        using var attestor = Attestor(pcs.BaseAddress, Platform.Root, SyntheticTdx.Now.AddDays(31));
        var ex = await Assert.ThrowsAsync<AttestationException>(() => attestor.VerifyTdxQuoteAsync(Platform.Quote, CancellationToken.None));
        Assert.Equal("TCB_INFO_EXPIRED", ex.Code);
    }

    [Fact]
    public async Task WithNoPcsToReach_TheQuoteIsRefusedAtFetch_NamingTheOption()
    {
        // A closed port on loopback: nothing answers.
        using var attestor = Attestor(new Uri("http://127.0.0.1:1/"), Platform.Root, SyntheticTdx.Now);
        var ex = await Assert.ThrowsAsync<AttestationException>(() => attestor.VerifyTdxQuoteAsync(Platform.Quote, CancellationToken.None));
        Assert.Equal(AttestationStage.Fetch, ex.Stage);
        Assert.Equal("FETCH_FAILED", ex.Code);
        Assert.Contains(nameof(TinfoilAttestorOptions.IntelCollateralEndpoint), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AV3DocumentCarryingATdxQuoteWithoutIntelCollateral_IsRefusedOfflineAtTheQuote()
    {
        // A TDX quote as cpu_evidence (Tinfoil's format URI, sections and REPORT_DATA ladder intact) passes the envelope and the
        // provenance; offline verification cannot fetch Intel's collateral, so the quote layer refuses it, naming what is missing.
        var document = RealFrozenDocument.Document;
        var cpu = document["cpu_evidence"]!.AsObject();
        cpu["format"] = "https://tinfoil.sh/format/tdx-quote/v1";
        cpu["report_base64"] = Convert.ToBase64String(Platform.Quote);
        var bytes = Encoding.UTF8.GetBytes(document.ToJsonString());

        var ex = Assert.Throws<AttestationException>(() => TinfoilAttestor.VerifyDocument(bytes, RealFrozenDocument.Nonce, RealFrozenDocument.Repository, RealFrozenDocument.Time));
        Assert.Equal((AttestationStage.CertificateChain, "COLLATERAL_MISSING"), (ex.Stage, ex.Code));
        Assert.Contains("intel-pcs", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<AttestationException> Refused(byte[] quote, SyntheticTdx.Built platform, Dictionary<string, byte[]>? files = null)
    {
        await using var pcs = new CollateralServer(files ?? TdxCollateralFetcherTests.Files(platform), TdxCollateralFetcherTests.Headers(platform));
        using var attestor = Attestor(pcs.BaseAddress, platform.Root, SyntheticTdx.Now);
        return await Assert.ThrowsAsync<AttestationException>(() => attestor.VerifyTdxQuoteAsync(quote, CancellationToken.None));
    }

    private static TinfoilAttestor Attestor(Uri pcs, DerCertificate intelRoot, DateTimeOffset now) => new(
        "tinfoilsh/confidential-model-router",
        new TinfoilAttestorOptions
        {
            IntelCollateralEndpoint = pcs,
            IntelRootCrlEndpoint = new Uri(pcs, RootCrlPath.TrimStart('/')),
            TimeProvider = new FixedClock(now),
            FetchTimeout = TimeSpan.FromSeconds(10),
        },
        TinfoilTrust.Production with { IntelRoot = intelRoot },
        null);
}
