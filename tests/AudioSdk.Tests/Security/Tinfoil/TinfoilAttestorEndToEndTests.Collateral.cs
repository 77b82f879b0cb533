using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The attestor's collateral fetching against a loopback server standing in for AMD's key distribution service: only
/// what the document lacks is fetched, the product name follows the report's CPUID, fetched collateral is reused until
/// its lifetime ends, and a refusal or an oversized body stops at the fetch stage with a clear message.
/// </summary>
public sealed partial class TinfoilAttestorEndToEndTests
{
    private const int CollateralCap = 64 * 1024;

    private static string VcekPath(string product = "Genoa") => $"/vcek/v1/{product}/{SyntheticEnclave.ChipIdHex}";

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task OnlyTheMissingCollateral_IsFetched(bool withVcek, bool withCrl)
    {
        await using var kds = new CollateralServer(new Dictionary<string, byte[]>
        {
            [VcekPath()] = SyntheticEnclave.Instance.Vcek,
            ["/vcek/v1/Genoa/crl"] = SyntheticEnclave.Instance.Crl,
        });
        await using var setup = await Setup.StartAsync(null, null, withVcek: withVcek, withCrl: withCrl);
        using var attestor = setup.Attestor(kds.BaseAddress);

        var attested = await attestor.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None);

        Assert.Equal(TlsPin.Compute(setup.Certificate), Assert.Single(attested.TlsPins));
        var target = Assert.Single(kds.Targets);
        if (withVcek)
        {
            Assert.Equal("/vcek/v1/Genoa/crl", target);
        }
        else
        {
            Assert.StartsWith(VcekPath() + "?blSPL=", target, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(0x19, 0x0F, "Milan")]
    [InlineData(0x19, 0x10, "Genoa")]
    [InlineData(0x19, 0x11, "Genoa")]
    [InlineData(0x18, 0x01, "Genoa")]
    [InlineData(0x1A, 0x02, "Turin")]
    public async Task TheProductName_FollowsTheReportsCpuid(byte family, byte model, string product)
    {
        await using var kds = new CollateralServer([]);
        await using var setup = await Setup.StartAsync(report => (report[0x188], report[0x189]) = (family, model), null, withVcek: false);
        using var attestor = setup.Attestor(kds.BaseAddress);

        var ex = await Assert.ThrowsAsync<AttestationException>(async () => await attestor.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None));

        Assert.Equal((AttestationStage.Fetch, "FETCH_FAILED"), (ex.Stage, ex.Code));
        var expected = product == "Turin" ? $"/vcek/v1/Turin/{SyntheticEnclave.ChipIdHex[..16]}?fmcSPL=" : VcekPath(product) + "?blSPL=";
        Assert.StartsWith(expected, Assert.Single(kds.Targets), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANonSuccessStatus_IsFetchFailed_WithTheStatusAndPath()
    {
        await using var kds = new CollateralServer([]);
        await using var setup = await Setup.StartAsync(null, null, withVcek: false);
        using var attestor = setup.Attestor(kds.BaseAddress);

        var ex = await Assert.ThrowsAsync<AttestationException>(async () => await attestor.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None));

        Assert.Equal((AttestationStage.Fetch, "FETCH_FAILED"), (ex.Stage, ex.Code));
        Assert.Contains($"the VCEK at {kds.BaseAddress.AbsoluteUri.TrimEnd('/')}{VcekPath()} answered 404", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SPL=", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchedCollateral_IsReusedUntilItExpires_ThenFetchedAgain()
    {
        await using var kds = new CollateralServer(new Dictionary<string, byte[]>
        {
            [VcekPath()] = SyntheticEnclave.Instance.Vcek,
            ["/vcek/v1/Genoa/crl"] = SyntheticEnclave.Instance.Crl,
        });
        await using var setup = await Setup.StartAsync(null, null, withVcek: false, withCrl: false);
        using var attestor = setup.Attestor(kds.BaseAddress);

        await attestor.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None);
        Assert.Equal(2, kds.Requests);

        setup.Clock.Now = SyntheticEnclave.Time + TimeSpan.FromHours(1) - TimeSpan.FromTicks(1);
        await attestor.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None);
        Assert.Equal(2, kds.Requests); // both from the cache

        setup.Clock.Now = SyntheticEnclave.Time + TimeSpan.FromHours(1); // the CRL's hour is over; the VCEK does not expire
        await attestor.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None);
        Assert.Equal(3, kds.Requests);
        Assert.Equal("/vcek/v1/Genoa/crl", kds.Targets[^1]);
        Assert.Equal(3, setup.DocumentsServed);
    }

    [Fact]
    public async Task ACollateralBodyOneByteOverTheCap_IsRefused()
    {
        await using var kds = new CollateralServer(new Dictionary<string, byte[]> { [VcekPath()] = new byte[CollateralCap + 1] });
        await using var setup = await Setup.StartAsync(null, null, withVcek: false);
        using var attestor = setup.Attestor(kds.BaseAddress);

        var ex = await Assert.ThrowsAsync<AttestationException>(async () => await attestor.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None));

        Assert.Equal((AttestationStage.Fetch, "FETCH_FAILED"), (ex.Stage, ex.Code));
        Assert.Contains($"the VCEK is larger than {CollateralCap} bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACollateralBodyOfExactlyTheCap_IsAccepted_AndThenVerified()
    {
        var padded = new byte[CollateralCap];
        SyntheticEnclave.Instance.Vcek.CopyTo(padded, 0);
        await using var kds = new CollateralServer(new Dictionary<string, byte[]> { [VcekPath()] = padded });
        await using var setup = await Setup.StartAsync(null, null, withVcek: false);
        using var attestor = setup.Attestor(kds.BaseAddress);

        var ex = await Assert.ThrowsAsync<AttestationException>(async () => await attestor.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None));

        // Read whole, then refused for the bytes after the VCEK's DER by the chain check, not by the fetch.
        Assert.Equal((AttestationStage.CertificateChain, "VCEK_CHAIN_INVALID"), (ex.Stage, ex.Code));
        Assert.Equal(1, kds.Requests);
    }
}
