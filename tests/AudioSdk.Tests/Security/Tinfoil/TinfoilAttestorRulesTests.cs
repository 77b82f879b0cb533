using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;

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
