namespace AudioSdk.Security.Tinfoil;

/// <summary>How a <see cref="TinfoilAttestor"/> fetches and how long it trusts a verified attestation.</summary>
public sealed class TinfoilAttestorOptions
{
    /// <summary>
    /// Where the attestation document is fetched; <see langword="null"/> (the default) for
    /// <c>https://{endpoint host}/.well-known/tinfoil-attestation</c>. The client's nonce is added as <c>?nonce=</c>.
    /// </summary>
    public Uri? AttestationEndpoint { get; set; }

    /// <summary>
    /// Which attestation the attestor verifies: the nonce-bound v3 document of the endpoint
    /// (<see cref="TinfoilAttestationFlow.Document"/>, the default, because only it proves the answer is fresh), or the
    /// attestation bundle of Tinfoil's attestation service (<see cref="TinfoilAttestationFlow.Bundle"/>, as Tinfoil's own
    /// client does).
    /// </summary>
    public TinfoilAttestationFlow Flow { get; set; } = TinfoilAttestationFlow.Document;

    /// <summary>
    /// The attestation service for <see cref="TinfoilAttestationFlow.Bundle"/>: the bundle is fetched from
    /// <c>{AttestationBundleEndpoint}/attestation</c>. Default <c>https://atc.tinfoil.sh/</c>, as in Tinfoil's client.
    /// </summary>
    public Uri AttestationBundleEndpoint { get; set; } = new("https://atc.tinfoil.sh/");

    /// <summary>
    /// AMD's key distribution service, for the VCEK and CRL when a document does not carry them (a bundle never carries
    /// the CRL)
    /// (<c>{base}/vcek/v1/{product}/{hwid}?...</c> and <c>{base}/vcek/v1/{product}/crl</c>). Fetched values are cached.
    /// </summary>
    public Uri CollateralEndpoint { get; set; } = new("https://kdsintf.amd.com/");

    /// <summary>
    /// Intel's provisioning certification service, for a TDX quote's collateral (TCB info, QE identity, PCK CRL under
    /// <c>{base}/tdx/certification/v4/</c> and <c>{base}/sgx/certification/v4/</c>), or a caching service with the
    /// same paths. Fetched values are cached for an hour.
    /// </summary>
    public Uri IntelCollateralEndpoint { get; set; } = new("https://api.trustedservices.intel.com/");

    /// <summary>Where the Intel SGX root CA's CRL is fetched for TDX quotes.</summary>
    public Uri IntelRootCrlEndpoint { get; set; } = new("https://certificates.trustedservices.intel.com/IntelSGXRootCA.der");

    /// <summary>
    /// The handler for the attestation and collateral requests (a proxy, for example); <see langword="null"/> for a
    /// default <see cref="SocketsHttpHandler"/> with normal certificate validation. The attestor does not dispose it.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>How long one fetch may take. Default 30 seconds.</summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest a verified attestation is reused before a new one is fetched, even when its freshness witnesses
    /// allow longer. Default one hour.
    /// </summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The clock for certificate validity, freshness and expiry. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
