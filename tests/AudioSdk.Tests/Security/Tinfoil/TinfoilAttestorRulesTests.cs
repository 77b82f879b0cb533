using System.Net.Security;
using System.Text;
using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Testing;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The attestor's own rules over real HTTPS on loopback (the synthetic TDX platform of <see cref="TdxDocumentEndToEndTests"/>):
/// where the document comes from without a configured endpoint, that Intel collateral once fetched serves the next
/// attestation, and that a disposed attestor hands out nothing.
/// </summary>
public sealed class TinfoilAttestorRulesTests
{
    [Fact]
    public async Task WithoutAnAttestationEndpoint_TheDocumentComesFromTheAttestedHostsWellKnownPath()
    {
        await using var setup = await TdxDocumentEndToEndTests.Setup.StartAsync(new TdxDocumentEndToEndTests.Options());
        using var attestor = setup.Attestor(attestationEndpoint: false);

        var attested = await attestor.AttestAsync(setup.AttestationServer.Endpoint, false, CancellationToken.None);

        Assert.Equal(TlsPin.Compute(setup.Certificate), Assert.Single(attested.TlsPins));
        Assert.Equal(setup.AttestationServer.Endpoint.Authority, attested.Authority);
        Assert.Equal(1, setup.DocumentsServed);
        Assert.Equal(Hex.Lower(TdxDocumentEndToEndTests.Nonce), setup.LastNonce);
    }

    [Fact]
    public async Task IntelCollateralFetchedOnce_ServesTheNextForcedAttestation()
    {
        await using var setup = await TdxDocumentEndToEndTests.Setup.StartAsync(new TdxDocumentEndToEndTests.Options { CarryCollateral = false });
        await using var pcs = new CollateralServer(TdxCollateralFetcherTests.Files(setup.Platform), TdxCollateralFetcherTests.Headers(setup.Platform));
        using var attestor = setup.Attestor(pcs.BaseAddress);

        await attestor.AttestAsync(setup.Inference.Endpoint, false, CancellationToken.None);
        var again = await attestor.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None);

        Assert.Equal(TlsPin.Compute(setup.Certificate), Assert.Single(again.TlsPins));
        Assert.Equal(2, setup.DocumentsServed);
        Assert.Equal(4, pcs.Requests);
    }

    [Fact]
    public async Task ADocumentCarryingItsAmdCollateral_IsVerifiedInTheVerifiersOrder_ProvenanceBeforeTheReport()
    {
        // An unreadable report (version 2) in a document without code reference values: nothing is fetched for a document
        // that carries its VCEK and CRL, so the first refusal is the verifier's first layer.
        const string NonceHex = "0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a090807060504030201000";
        var document = JsonNode.Parse(SyntheticEnclave.Instance.Document(NonceHex, new TlsPinBytes(new string('b', 64)), afterSigning: r => r[0] = 2))!.AsObject();
        var items = document["collateral"]!.AsArray();
        items.Remove(items.Single(c => c!["format"]!.GetValue<string>() == TinfoilDocumentVerifier.CodeFormat));
        var bytes = Encoding.UTF8.GetBytes(document.ToJsonString());
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { Certificate = certificate, AttestationDocument = _ => bytes });
        using var attestor = new TinfoilAttestor(RealFrozenDocument.Repository, new TinfoilAttestorOptions
        {
            CollateralEndpoint = new Uri("https://127.0.0.1:1/"),
            HttpHandler = new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true } },
            TimeProvider = new FixedClock(SyntheticEnclave.Time),
        }, SyntheticEnclave.Instance.Trust, () => Convert.FromHexString(NonceHex));

        var ex = await Assert.ThrowsAsync<AttestationException>(async () => await attestor.AttestAsync(server.Endpoint, false, CancellationToken.None));

        Assert.Equal((AttestationStage.Provenance, "REFERENCE_VALUES_MISSING"), (ex.Stage, ex.Code));
    }

    [Fact]
    public async Task ADisposedAttestor_HandsOutNotEvenTheResultItHasCached()
    {
        await using var setup = await TdxDocumentEndToEndTests.Setup.StartAsync(new TdxDocumentEndToEndTests.Options());
        var attestor = setup.Attestor();
        var attested = await attestor.AttestAsync(setup.Inference.Endpoint, false, CancellationToken.None);
        Assert.Same(attested, await attestor.AttestAsync(setup.Inference.Endpoint, false, CancellationToken.None));

        attestor.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await attestor.AttestAsync(setup.Inference.Endpoint, false, CancellationToken.None));
        Assert.Equal(1, setup.DocumentsServed);
    }
}
