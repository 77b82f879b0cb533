using System.Security.Cryptography;
using System.Text;
using AudioSdk.Security.Tinfoil.Sigstore;

namespace AudioSdk.Security.Tinfoil.Bundle;

/// <summary>
/// Verifies an attestation bundle with every check Tinfoil's own verifier applies on that path, in its order (hardware,
/// code, measurements, certificate), and more: the AMD CRL, the VCEK and AMD keys valid at the appraisal time, Milan
/// and Turin chains where the report says so, the enclave certificate's key bound by REPORT_DATA[0,32), and canonical
/// forms (lower-case digest and domain, one well-formed gzip member).
/// </summary>
internal sealed class TinfoilBundleVerifier
{
    /// <summary>The hardware minimums of Tinfoil's verifier (<c>defaultValidationOptions</c>).</summary>
    public static readonly SevSnpPolicy Policy = new()
    {
        MinimumTcb = new SevSnpTcb(0, 7, 0, 14, 72),
        MinimumLaunchTcb = new SevSnpTcb(0, 7, 0, 14, 72),
        MinimumBuild = 21,
        MinimumFirmwareVersion = (1, 55),
        PermitProvisionalFirmware = false,
        PlatformInfo = [(1, true, "TSME_EN")],
    };

    private const int PolicyCxlAllow = 21;
    private const int PolicyMemAes256Xts = 22;

    private readonly TinfoilTrust _trust;

    public TinfoilBundleVerifier(TinfoilTrust trust)
    {
        _trust = trust;
    }

    /// <summary>Verifies a parsed bundle for a code repository at a time.</summary>
    /// <param name="bundle">The bundle.</param>
    /// <param name="repository">The repository whose tag-signed release must run in the enclave.</param>
    /// <param name="now">The appraisal time (AMD certificates, CRL).</param>
    /// <param name="crl">The AMD CRL for the report's product; <see langword="null"/> only where revocation is deliberately not checked
    /// (the differential comparison with the official verifier, which has no CRL).</param>
    /// <exception cref="AttestationException">A check failed; the stage and code say which.</exception>
    public TinfoilBundleVerification Verify(AttestationBundle bundle, string repository, DateTimeOffset now, byte[]? crl)
    {
        // 1. Hardware: report signature, VCEK chain to an embedded AMD root, CRL, policy minimums.
        var report = new SevSnpVerifier(_trust.AmdChains).Authenticate(bundle.Report, bundle.Vcek, now, out var vcek, out var chain);
        if (((report.SignerInfo >> 2) & 0x7) != 0)
        {
            throw Reject.With(AttestationStage.Report, "REPORT_SIGNER_NOT_VCEK", "the report is not signed by a VCEK");
        }

        var crlNextUpdate = crl is null ? null : AmdCrl.Check(crl, chain, vcek, now);
        SevSnpVerifier.CheckPolicy(report, Policy);
        if ((report.Policy & (1UL << PolicyCxlAllow)) != 0 || (report.Policy & (1UL << PolicyMemAes256Xts)) != 0)
        {
            throw Reject.With(AttestationStage.Policy, "GUEST_POLICY_MISMATCH",
                $"guest policy 0x{report.Policy:x16} allows CXL or requires AES-256-XTS, which the policy forbids");
        }

        // 2. Code: the release's Sigstore bundle for this repository, tag-signed, naming the bundle's digest.
        var code = SigstoreVerifier.Verify(bundle.SigstoreBundle, new SigstorePolicy
        {
            Repository = repository,
            SubjectDigest = bundle.Digest,
            PredicateTypes = [Measurement.SnpTdxMultiPlatformV1],
            WorkflowRefPrefix = "refs/tags/",
        }, _trust.Sigstore);
        var expected = code.Measurement
            ?? throw Reject.With(AttestationStage.Provenance, "PREDICATE_MEASUREMENT_INVALID", "the release carries no measurement");

        // 3. Measurements.
        var enclave = report.ToMeasurement();
        expected.EnsureMatches(enclave);

        // 4. The enclave certificate: names the domain, its key and its encoded values are the ones the report binds.
        var names = EnclaveCertificateNames.DnsNames(bundle.EnclaveCertificate);
        if (!EnclaveCertificateNames.Names(names, bundle.Domain))
        {
            throw Reject.With(AttestationStage.Binding, "DOMAIN_MISMATCH", $"the enclave certificate does not name {bundle.Domain}");
        }

        var pin = ReportDataBinding.TlsPinOf(report.ReportData);
        if (TlsPin.FromBytes(SHA256.HashData(bundle.EnclaveCertificate.SubjectPublicKeyInfo.Span)) != pin)
        {
            throw Reject.With(AttestationStage.Binding, "TLS_KEY_BINDING_MISMATCH",
                "the enclave certificate's key is not the one REPORT_DATA[0,32) binds");
        }

        var hpke = ReportDataBinding.HpkeKeyOf(report.ReportData);
        if (!CryptographicOperations.FixedTimeEquals(EnclaveCertificateNames.Decode(names, "hpke", "HPKE_KEY_BINDING_MISMATCH"), hpke))
        {
            throw Reject.With(AttestationStage.Binding, "HPKE_KEY_BINDING_MISMATCH",
                "the HPKE key the enclave certificate names is not the one REPORT_DATA[32,64) binds");
        }

        var documentHash = Encoding.ASCII.GetBytes(Hex.Lower(SHA256.HashData(Encoding.UTF8.GetBytes(bundle.Format + bundle.Body))));
        if (!CryptographicOperations.FixedTimeEquals(EnclaveCertificateNames.Decode(names, "hatt", "ATTESTATION_HASH_MISMATCH"),
            documentHash))
        {
            throw Reject.With(AttestationStage.Binding, "ATTESTATION_HASH_MISMATCH",
                "the attestation hash the enclave certificate names is not the hash of this report body");
        }

        return new TinfoilBundleVerification
        {
            Domain = bundle.Domain,
            TlsPin = pin,
            HpkePublicKey = hpke,
            Repository = repository,
            Tag = code.WorkflowRef is { } workflowRef
                && workflowRef.StartsWith("refs/tags/", StringComparison.Ordinal) ? workflowRef["refs/tags/".Length..] : string.Empty,
            CodeDigest = bundle.Digest,
            Measurement = enclave.Registers[0],
            Processor = chain.Product,
            ValidUntil = crlNextUpdate is { } next && next < vcek.NotAfter ? next : vcek.NotAfter,
        };
    }
}
