using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Tdx;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The TDX path beyond the vectors: collateral fetched from a loopback PCS and cached, the clear error where no
/// collateral service answers, the keys REPORT_DATA binds, and hostile quotes refused with the documented exception.
/// </summary>
public sealed class TdxVerifierTests
{
    private static JsonObject Vector(string id) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(ConformanceVector.Root, "attestation-tdx", id, "input.json")))!.AsObject();

    private static (byte[] Quote, JsonObject Collateral, DerCertificate Root, DateTimeOffset Time) Synthetic()
    {
        var input = Vector("350-tcb-uptodate");
        var collateral = input["collateral"]!.AsObject();
        return (Convert.FromBase64String(input["quote_b64"]!.GetValue<string>()), collateral,
            DerCertificate.ParsePem(collateral["intel_root_ca_pem"]!.GetValue<string>())[0],
            DateTimeOffset.FromUnixTimeSeconds(input["expiration_check_date_unix"]!.GetValue<long>()));
    }

    [Fact]
    public async Task AttestorFetchesCollateralFromThePcsAndBindsTheReportDataKeys()
    {
        var input = Vector("390-public-api-tcb-uptodate");
        var quoteBytes = Convert.FromBase64String(input["quote_b64"]!.GetValue<string>());
        var collateral = input["collateral"]!.AsObject();
        var root = DerCertificate.ParsePem(collateral["intel_root_ca_pem"]!.GetValue<string>())[0];
        var enclave = await ConformanceAdapters.VerifyThroughAttestorAsync(quoteBytes, collateral, root, DateTimeOffset.FromUnixTimeSeconds(input["expiration_check_date_unix"]!.GetValue<long>()));

        var reportData = enclave.Verification.Quote.ReportData.ToArray();
        Assert.Equal("OK", enclave.Verification.Result);
        Assert.Equal("UpToDate", enclave.Verification.TcbStatus);
        Assert.Equal(TlsPin.FromBytes(reportData[..32]), enclave.TlsPin);
        Assert.Equal(reportData[32..], enclave.HpkePublicKey);
        Assert.Equal(Measurement.TdxGuestV2, enclave.Measurement.Type);
        Assert.Equal(5, enclave.Measurement.Registers.Count);
        Assert.Equal(Hex.Lower(enclave.Verification.Quote.MrTd), enclave.Measurement.Registers[0]);
    }

    [Fact]
    public async Task FetchedCollateralIsCachedAcrossVerifications()
    {
        var (quote, c, root, time) = Synthetic();
        await using var pcs = ConformanceAdapters.ServePcs(c);
        using var attestor = new TinfoilAttestor("a/b", new TinfoilAttestorOptions
        {
            IntelCollateralEndpoint = pcs.BaseAddress,
            IntelRootCrlEndpoint = new Uri(pcs.BaseAddress, "IntelSGXRootCA.der"),
            TimeProvider = new FixedClock(time),
        }, TinfoilTrust.Production with { IntelRoot = root }, null);

        // The synthetic quote's TD is not shaped as Tinfoil's policy requires, so it is refused after the collateral verified.
        var first = await Assert.ThrowsAsync<AttestationException>(() => attestor.VerifyTdxQuoteAsync(quote, CancellationToken.None));
        Assert.Equal(AttestationStage.Policy, first.Stage);
        Assert.Equal(4, pcs.Requests);
        var second = await Assert.ThrowsAsync<AttestationException>(() => attestor.VerifyTdxQuoteAsync(quote, CancellationToken.None));
        Assert.Equal(first.Code, second.Code);
        Assert.Equal(4, pcs.Requests);
    }

    [Fact]
    public async Task NoCollateralServiceIsAClearFetchError()
    {
        var (quote, _, root, time) = Synthetic();
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        using var attestor = new TinfoilAttestor("a/b", new TinfoilAttestorOptions
        {
            IntelCollateralEndpoint = new Uri($"http://127.0.0.1:{port}/"),
            TimeProvider = new FixedClock(time),
        }, TinfoilTrust.Production with { IntelRoot = root }, null);

        var ex = await Assert.ThrowsAsync<AttestationException>(() => attestor.VerifyTdxQuoteAsync(quote, CancellationToken.None));
        Assert.Equal(AttestationStage.Fetch, ex.Stage);
        Assert.Equal("FETCH_FAILED", ex.Code);
        Assert.Contains("IntelCollateralEndpoint", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TCB info", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTinfoilPolicyAcceptsTheProductionShapedQuote()
    {
        var input = Vector("390-public-api-tcb-uptodate");
        var c = input["collateral"]!.AsObject();
        var root = DerCertificate.ParsePem(c["intel_root_ca_pem"]!.GetValue<string>())[0];
        var time = DateTimeOffset.FromUnixTimeSeconds(input["expiration_check_date_unix"]!.GetValue<long>());
        var quote = Convert.FromBase64String(input["quote_b64"]!.GetValue<string>());
        var verified = new TdxVerifier(root).Verify(quote, ConformanceAdapters.TdxCollateralOf(c), time, TdxPolicy.Tinfoil);
        Assert.Equal("OK", verified.Result);
        Assert.Equal("50806f000000", Hex.Lower(verified.Fmspc));

        // One day past the earliest expiry, the same quote is refused.
        var later = Assert.Throws<AttestationException>(() => new TdxVerifier(root).Verify(quote, ConformanceAdapters.TdxCollateralOf(c), verified.ValidUntil.AddDays(1), TdxPolicy.Tinfoil));
        Assert.NotNull(later.Code);

        // Each field Tinfoil's policy pins, flipped in the signed body, breaks the quote signature first.
        var tampered = (byte[])quote.Clone();
        tampered[TdxQuote.HeaderSize + 120] ^= 1;
        Assert.Equal("QUOTE_SIGNATURE_INVALID", Assert.Throws<AttestationException>(() => new TdxVerifier(root).Verify(tampered, ConformanceAdapters.TdxCollateralOf(c), time, TdxPolicy.Tinfoil)).Code);
    }

    [Fact]
    public void HostileQuotesAreRefusedWithAttestationExceptionOnly()
    {
        var (quote, c, root, time) = Synthetic();
        var collateral = ConformanceAdapters.TdxCollateralOf(c);
        var random = new Random(24);
        var verifier = new TdxVerifier(root);
        for (var i = 0; i < 1500; i++)
        {
            var bytes = (byte[])quote.Clone();
            switch (i % 3)
            {
                case 0:
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes = bytes[..random.Next(bytes.Length)];
                    break;
                default:
                    var at = random.Next(bytes.Length - 4);
                    BitConverter.GetBytes(random.Next()).CopyTo(bytes, at);
                    break;
            }

            try
            {
                verifier.Verify(bytes, collateral, time, TdxPolicy.Bare);
            }
            catch (AttestationException ex)
            {
                Assert.NotNull(ex.Code);
            }
        }

        // The unmodified quote still verifies: the loop refused mutations, not everything.
        Assert.Equal("OK", verifier.Verify(quote, collateral, time, TdxPolicy.Bare).Result);
    }
}
