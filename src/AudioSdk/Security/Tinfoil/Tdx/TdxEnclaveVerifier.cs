namespace AudioSdk.Security.Tinfoil.Tdx;

/// <summary>
/// A TDX enclave's quote end to end: collateral fetched (and cached) from Intel's PCS, the quote verified under
/// Tinfoil's policy at the given time, then what REPORT_DATA binds read as for SEV-SNP (<see cref="ReportDataBinding"/>):
/// [0,32) the TLS key pin, [32,64) the X25519 HPKE key.
/// </summary>
internal sealed class TdxEnclaveVerifier
{
    private readonly TdxCollateralFetcher _fetcher;
    private readonly TdxVerifier _verifier;
    private readonly TdxPolicy _policy;

    public TdxEnclaveVerifier(TdxCollateralFetcher fetcher, DerCertificate root, TdxPolicy policy)
    {
        _fetcher = fetcher;
        _verifier = new TdxVerifier(root);
        _policy = policy;
    }

    /// <exception cref="AttestationException">The quote does not verify, or its collateral could not be fetched (stage Fetch).</exception>
    public async Task<TdxEnclave> VerifyAsync(byte[] quoteBytes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var quote = TdxQuote.Parse(quoteBytes);
        var collateral = await _fetcher.FetchAsync(quote, cancellationToken).ConfigureAwait(false);
        var verified = _verifier.Verify(quoteBytes, collateral, now, _policy);
        var reportData = verified.Quote.ReportData;
        return new TdxEnclave(verified, verified.Quote.ToMeasurement(), ReportDataBinding.TlsPinOf(reportData),
            ReportDataBinding.HpkeKeyOf(reportData));
    }
}
