using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Sigstore;

namespace AudioSdk.Tests.Security.Tinfoil.Differential;

/// <summary>
/// Our verifier on a v2 attestation bundle, step by step as the official client runs it: the SEV-SNP report with its
/// VCEK against the embedded Genoa chain at the verification time (<see cref="SevSnpVerifier"/>, default policy), the
/// Sigstore code bundle against the production trusted root for the pinned repository and the bundle's digest
/// (<see cref="SigstoreVerifier"/>, certificate checked at the log's integrated time), the measurements compared
/// (<see cref="AudioSdk.Security.Tinfoil.Measurement.EnsureMatches"/>), then the enclave certificate as our transport
/// binds it: its SubjectPublicKeyInfo pinned by REPORT_DATA[0,32) and its DNS names matching the domain.
/// </summary>
internal static class OurBundleVerifier
{
    public const string SevGuestV2 = "https://tinfoil.sh/predicate/sev-snp-guest/v2";

    /// <summary>Null when accepted; otherwise the refusal ("stage/code: message").</summary>
    public static string? Verify(JsonObject bundle, string configRepo, DateTimeOffset time)
    {
        try
        {
            Run(bundle, configRepo, time);
            return null;
        }
        catch (AttestationException e)
        {
            return $"{e.Stage}/{e.Code}: {e.Message}";
        }
    }

    private static void Run(JsonObject bundle, string configRepo, DateTimeOffset time)
    {
        var attestation = bundle["enclaveAttestationReport"] as JsonObject ?? throw Malformed("no attestation report");
        if (Text(attestation, "format") != SevGuestV2)
        {
            throw Malformed("the report format is not sev-snp-guest/v2");
        }

        var compressed = Base64Strict.TryDecode(Text(attestation, "body")) ?? throw Malformed("the report body is not base64");
        var reportBytes = Base64Strict.TryGunzip(compressed, 1 << 16) ?? throw Malformed("the report body is not gzip");
        var vcek = Base64Strict.TryDecode(Text(bundle, "vcek")) ?? throw Malformed("the VCEK is not base64");
        var report = new SevSnpVerifier(AmdChain.Production).Verify(reportBytes, vcek, time, SevSnpPolicy.Default);

        var sigstore = bundle["sigstoreBundle"] ?? throw Malformed("no Sigstore bundle");
        var code = SigstoreVerifier.Verify(
            Encoding.UTF8.GetBytes(sigstore.ToJsonString()),
            new SigstorePolicy { Repository = configRepo, SubjectDigest = Text(bundle, "digest") },
            SigstoreTrustedRoot.Production);
        var expected = code.Measurement ?? throw Malformed("the release has no measurement");
        expected.EnsureMatches(report.ToMeasurement());

        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPem(Text(bundle, "enclaveCert"));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw Malformed("the enclave certificate does not parse");
        }

        using (leaf)
        {
            if (TlsPin.Compute(leaf) != ReportDataBinding.TlsPinOf(report.ReportData))
            {
                throw new AttestationException("The enclave certificate's key is not the one the report binds.", AttestationStage.Binding) { Code = "TLS_KEY_BINDING_MISMATCH" };
            }

            bool named;
            try
            {
                named = leaf.MatchesHostname(Text(bundle, "domain"), allowWildcards: true, allowCommonName: false);
            }
            catch (Exception e) when (e is ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                named = false; // a host name or a SAN extension the platform's TLS validation would refuse as well
            }

            if (!named)
            {
                throw new AttestationException("The enclave certificate does not name the domain.", AttestationStage.Binding) { Code = "DOMAIN_MISMATCH" };
            }
        }
    }

    private static string Text(JsonObject obj, string name) =>
        obj[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : throw Malformed($"{name} is not a string");

    private static AttestationException Malformed(string what) => new($"Malformed bundle: {what}.", AttestationStage.Verify) { Code = "BUNDLE_MALFORMED" };
}
