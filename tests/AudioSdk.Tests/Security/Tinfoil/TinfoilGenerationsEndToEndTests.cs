using System.Net.Security;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Testing;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The attestor with enclaves of each AMD generation on a synthetic chain (through the testing seam): a document that
/// carries no VCEK or CRL makes the attestor fetch them from the generation's KDS paths (Milan and Genoa by 64-byte
/// chip id, Turin by its 8-byte id with the FMC SPL in the query); the report's signature, chain, CRL and TCB then
/// verify, and the synthetic chip, which no signed platform endorsement names, stops at the policy. A tampered copy of
/// the same generation's report stops at the report.
/// </summary>
public sealed class TinfoilGenerationsEndToEndTests
{
    [Theory]
    [InlineData(AmdGeneration.Milan)]
    [InlineData(AmdGeneration.Genoa)]
    [InlineData(AmdGeneration.Turin)]
    public async Task EachGeneration_FetchesItsCollateral_VerifiesItsReport_AndRefusesItsTamperedCopy(AmdGeneration generation)
    {
        var amd = SyntheticAmdChain.For(generation);
        var enclave = new SyntheticEnclave(amd);
        var hwid = Convert.ToHexString(generation == AmdGeneration.Turin ? amd.ChipId[..8] : amd.ChipId).ToLowerInvariant();
        await using var kds = new CollateralServer(new Dictionary<string, byte[]>
        {
            [$"/vcek/v1/{generation}/{hwid}"] = amd.Vcek,
            [$"/vcek/v1/{generation}/crl"] = amd.Crl(),
        });
        using var certificate = TestCertificates.CreateSelfSigned();
        var tamper = false;
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions
        {
            Certificate = certificate,
            AttestationDocument = nonce => enclave.Document(nonce, TlsPinBytes.Of(certificate), afterSigning: tamper ? r => r[0x90] ^= 1 : null, withVcek: false, withCrl: false),
        });
        using var attestor = new TinfoilAttestor(RealFrozenDocument.Repository, new TinfoilAttestorOptions
        {
            AttestationEndpoint = new Uri(server.BaseAddress, ".well-known/tinfoil-attestation"),
            CollateralEndpoint = kds.BaseAddress,
            HttpHandler = new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true } },
            TimeProvider = new FixedClock(SyntheticEnclave.Time),
        }, enclave.Trust, null);

        var ex = await Assert.ThrowsAsync<AttestationException>(async () => await attestor.AttestAsync(server.BaseAddress, true, CancellationToken.None));

        Assert.Equal((AttestationStage.Policy, "PLATFORM_POLICY_REJECTED"), (ex.Stage, ex.Code));
        Assert.Contains("not an endorsed machine", ex.Message, StringComparison.Ordinal);
        var t = amd.Tcb;
        var query = generation == AmdGeneration.Turin
            ? $"?fmcSPL={t.Fmc}&blSPL={t.Bootloader}&teeSPL={t.Tee}&snpSPL={t.Snp}&ucodeSPL={t.Microcode}"
            : $"?blSPL={t.Bootloader}&teeSPL={t.Tee}&snpSPL={t.Snp}&ucodeSPL={t.Microcode}";
        Assert.Equal([$"/vcek/v1/{generation}/{hwid}{query}", $"/vcek/v1/{generation}/crl"], kds.Targets);

        tamper = true;
        var refused = await Assert.ThrowsAsync<AttestationException>(async () => await attestor.AttestAsync(server.BaseAddress, true, CancellationToken.None));
        Assert.Equal((AttestationStage.Report, "REPORT_SIGNATURE_INVALID"), (refused.Stage, refused.Code));
        Assert.Equal(2, kds.Requests); // the VCEK and CRL came from the cache the second time
    }
}
