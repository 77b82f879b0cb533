using System.Net;
using System.Net.Sockets;
using System.Text;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil.Tdx;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The Intel collateral fetch against a loopback PCS (a raw socket server): each piece from its path, the issuer
/// chains from PCS's headers, the cache's lifetime on the injected clock, and each failure (status, size with and
/// without a length, timeout, an unnamed platform) refused at stage Fetch or CertificateChain with its code.
/// </summary>
public sealed class TdxCollateralFetcherTests
{
    internal const string TcbPath = "/tdx/certification/v4/tcb";
    internal const string QePath = "/tdx/certification/v4/qe/identity";
    internal const string PckCrlPath = "/sgx/certification/v4/pckcrl";
    internal const string RootCrlPath = "/IntelSGXRootCA.der";
    private const int MaxBytes = 256 * 1024;

    private static readonly SyntheticTdx.Built Platform = new SyntheticTdx().Build();

    internal static Dictionary<string, byte[]> Files(SyntheticTdx.Built built) => new()
    {
        [TcbPath] = Encoding.UTF8.GetBytes(built.Collateral.TcbInfoJson),
        [QePath] = Encoding.UTF8.GetBytes(built.Collateral.QeIdentityJson),
        [PckCrlPath] = built.Collateral.PckCrl,
        [RootCrlPath] = built.Collateral.RootCrl,
    };

    internal static Dictionary<string, string> Headers(SyntheticTdx.Built built) => new()
    {
        [TcbPath] = "TCB-Info-Issuer-Chain: " + Uri.EscapeDataString(built.Collateral.TcbInfoIssuerChainPem!),
        [QePath] = "SGX-Enclave-Identity-Issuer-Chain: " + Uri.EscapeDataString(built.Collateral.QeIdentityIssuerChainPem!),
    };

    private static TdxCollateralFetcher Fetcher(HttpClient http, Uri pcs, TimeProvider? time = null, TimeSpan? timeout = null) =>
        new(http, pcs, new Uri(pcs, RootCrlPath.TrimStart('/')), timeout ?? TimeSpan.FromSeconds(30), time ?? TimeProvider.System);

    [Fact]
    public async Task EachPieceComesFromItsPath_WithTheIssuerChainsOfItsHeaders_AndVerifies()
    {
        await using var pcs = new CollateralServer(Files(Platform), Headers(Platform));
        using var http = new HttpClient();

        var fetched = await Fetcher(http, pcs.BaseAddress).FetchAsync(TdxQuote.Parse(Platform.Quote), CancellationToken.None);

        Assert.Equal([$"{TcbPath}?fmspc=00906ed50000", QePath, $"{PckCrlPath}?ca=platform&encoding=der", RootCrlPath], pcs.Targets);
        SameCollateral(Platform.Collateral, fetched);
        Assert.Equal("OK", new TdxVerifier(Platform.Root).Verify(Platform.Quote, fetched, SyntheticTdx.Now, TdxPolicy.Tinfoil).Result);
    }

    [Fact]
    public async Task AProcessorCaPlatform_AsksForTheProcessorCrl_AndNoHeaderMeansNoChain()
    {
        var processor = new SyntheticTdx { CaName = "Intel SGX PCK Processor CA" }.Build();
        await using var pcs = new CollateralServer(Files(processor));
        using var http = new HttpClient();

        var fetched = await Fetcher(http, pcs.BaseAddress).FetchAsync(TdxQuote.Parse(processor.Quote), CancellationToken.None);

        Assert.Equal($"{PckCrlPath}?ca=processor&encoding=der", pcs.Targets[2]);
        Assert.Null(fetched.TcbInfoIssuerChainPem);
        Assert.Null(fetched.QeIdentityIssuerChainPem);
        Assert.Equal(processor.Collateral.PckCrl, fetched.PckCrl);
    }

    [Fact]
    public async Task ResponsesAreCachedForAnHour_OnTheInjectedClock()
    {
        await using var pcs = new CollateralServer(Files(Platform), Headers(Platform));
        using var http = new HttpClient();
        var clock = new ManualTimeProvider();
        var fetcher = Fetcher(http, pcs.BaseAddress, clock);
        var quote = TdxQuote.Parse(Platform.Quote);

        await fetcher.FetchAsync(quote, CancellationToken.None);
        clock.Advance(TdxCollateralFetcher.CacheLifetime - TimeSpan.FromSeconds(1));
        var cached = await fetcher.FetchAsync(quote, CancellationToken.None);
        Assert.Equal(4, pcs.Requests);
        SameCollateral(Platform.Collateral, cached);

        clock.Advance(TimeSpan.FromSeconds(1));
        await fetcher.FetchAsync(quote, CancellationToken.None);
        Assert.Equal(8, pcs.Requests);
    }

    [Fact]
    public async Task AMissingPiece_IsAFetchErrorNamingItAndItsStatus()
    {
        foreach (var (path, what) in new[] { (TcbPath, "TCB info"), (QePath, "QE identity"), (PckCrlPath, "PCK CRL"), (RootCrlPath, "root CA CRL") })
        {
            var files = Files(Platform);
            files.Remove(path);
            await using var pcs = new CollateralServer(files);
            using var http = new HttpClient();
            var ex = await Assert.ThrowsAsync<AttestationException>(() => Fetcher(http, pcs.BaseAddress).FetchAsync(TdxQuote.Parse(Platform.Quote), CancellationToken.None));
            Assert.Equal((AttestationStage.Fetch, "FETCH_FAILED"), (ex.Stage, ex.Code));
            Assert.Contains($"the Intel {what} at ", ex.Message, StringComparison.Ordinal);
            Assert.Contains("answered 404", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("?", ex.Message, StringComparison.Ordinal); // the address without its query
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ABodyOverTheLimit_IsRefused_WithOrWithoutALength(bool omitLength)
    {
        foreach (var (size, refused) in new[] { (MaxBytes, false), (MaxBytes + 1, true) })
        {
            var files = Files(Platform);
            files[PckCrlPath] = new byte[size];
            await using var pcs = new CollateralServer(files, omitLength: omitLength);
            using var http = new HttpClient();
            var fetch = Fetcher(http, pcs.BaseAddress).FetchAsync(TdxQuote.Parse(Platform.Quote), CancellationToken.None);
            if (refused)
            {
                var ex = await Assert.ThrowsAsync<AttestationException>(() => fetch);
                Assert.Equal((AttestationStage.Fetch, "FETCH_FAILED"), (ex.Stage, ex.Code));
                Assert.Contains($"the Intel PCK CRL is larger than {MaxBytes} bytes", ex.Message, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(size, (await fetch).PckCrl.Length);
            }
        }
    }

    [Fact]
    public async Task AServiceThatNeverAnswers_TimesOutOnTheInjectedClock_AndTheCallersCancellationStaysItsOwn()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // connections wait in the backlog: no byte ever comes back
        var pcs = new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/");
        using var http = new HttpClient();
        var clock = new ManualTimeProvider();
        var timeout = TimeSpan.FromMinutes(5);

        var fetch = Fetcher(http, pcs, clock, timeout).FetchAsync(TdxQuote.Parse(Platform.Quote), CancellationToken.None);
        for (var i = 0; i < 500 && !clock.PendingDelays.Contains(timeout); i++)
        {
            await Task.Delay(10);
        }

        Assert.Contains(timeout, clock.PendingDelays);
        clock.Advance(timeout);
        var ex = await Assert.ThrowsAsync<AttestationException>(() => fetch.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal((AttestationStage.Fetch, "FETCH_TIMEOUT"), (ex.Stage, ex.Code));
        Assert.Contains("did not arrive within 00:05:00", ex.Message, StringComparison.Ordinal);

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Fetcher(http, pcs, clock, timeout).FetchAsync(TdxQuote.Parse(Platform.Quote), cancelled.Token));
    }

    [Fact]
    public async Task AQuoteWhosePckChainNamesNoPlatform_IsRefusedBeforeAnyRequest()
    {
        var quote = Platform.Quote.ToArray();
        var begin = Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----");
        for (var at = quote.AsSpan().IndexOf(begin); at >= 0; at = quote.AsSpan().IndexOf(begin))
        {
            quote[at + begin.Length - 6] = (byte)'X'; // "CERTIFICATX": no certificate is found
        }

        await using var pcs = new CollateralServer(Files(Platform));
        using var http = new HttpClient();
        var ex = await Assert.ThrowsAsync<AttestationException>(() => Fetcher(http, pcs.BaseAddress).FetchAsync(TdxQuote.Parse(quote), CancellationToken.None));
        Assert.Equal((AttestationStage.CertificateChain, "PCK_CHAIN_INVALID"), (ex.Stage, ex.Code));
        Assert.Equal(0, pcs.Requests);
    }

    private static void SameCollateral(TdxCollateral expected, TdxCollateral actual)
    {
        Assert.Equal(expected.TcbInfoJson, actual.TcbInfoJson);
        Assert.Equal(expected.QeIdentityJson, actual.QeIdentityJson);
        Assert.Equal(expected.PckCrl, actual.PckCrl);
        Assert.Equal(expected.RootCrl, actual.RootCrl);
        Assert.Equal(expected.TcbInfoIssuerChainPem, actual.TcbInfoIssuerChainPem);
        Assert.Equal(expected.QeIdentityIssuerChainPem, actual.QeIdentityIssuerChainPem);
    }
}
