using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Sigstore;
using AudioSdk.Security.Tinfoil.V3;
using AudioSdk.Testing.Internal.Tinfoil;
using AudioSdk.Tests.Security.Tinfoil.Differential;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The bundle flow on the real captured Genoa bundle (tinfoil-js's fixture), offline, with the AMD CRL the real frozen
/// v3 document carries (Genoa, signed by AMD's root, current 2026-07-28 to 2026-09-09) at that document's time: the
/// bundle verifies, and a tampered copy of each field is refused at the stage that checks it.
/// </summary>
public sealed class TinfoilBundleFlowTests
{
    private const string Repository = "tinfoilsh/confidential-model-router";

    private static readonly Lazy<byte[]> GenoaCrl = new(() =>
    {
        using var document = AttestationDocument.Parse(RealFrozenDocument.Bytes, RealFrozenDocument.Nonce);
        var item = document.Collateral.First(c => c.Format == TinfoilDocumentVerifier.CrlFormat);
        return Convert.FromBase64String(item.Data.GetString("crl_der_base64")!);
    });

    private static DateTimeOffset Time => RealFrozenDocument.Time;

    [Fact]
    public void TheRealBundle_VerifiesOffline_AndYieldsTheKeysItsReportBinds()
    {
        var result = TinfoilAttestor.VerifyBundle(Bytes(BundleVariants.LoadReal()), GenoaCrl.Value, Repository, Time);

        Assert.Equal("inference.tinfoil.sh", result.Domain);
        Assert.Equal("3565781f4ee796cfb144df2a31a3ae5e87747bb5ba91aafc6b80e2e268b8603d", Convert.ToHexString(result.HpkePublicKey.Span).ToLowerInvariant());
        Assert.StartsWith("71c31f35", Convert.ToHexString(result.TlsPin.Bytes).ToLowerInvariant(), StringComparison.Ordinal);
        Assert.StartsWith("09ef32ac", result.Measurement, StringComparison.Ordinal);
        Assert.Equal("Genoa", result.Processor);
        Assert.Equal(Repository, result.Repository);
        Assert.StartsWith("v", result.Tag, StringComparison.Ordinal);
        Assert.True(result.ValidUntil > Time);
    }

    public static TheoryData<string, AttestationStage, string> Tampered() => new()
    {
        { "domain: another host", AttestationStage.Binding, "DOMAIN_MISMATCH" },
        { "domain: upper case", AttestationStage.Envelope, "BUNDLE_MALFORMED" },
        { "format: v1", AttestationStage.Envelope, "BUNDLE_MALFORMED" },
        { "body: a report byte changed", AttestationStage.Report, "REPORT_SIGNATURE_INVALID" },
        { "body: the same report gzipped again", AttestationStage.Binding, "ATTESTATION_HASH_MISMATCH" },
        { "body: bytes after the gzip trailer", AttestationStage.Envelope, "BUNDLE_MALFORMED" },
        { "vcek: a signature byte changed", AttestationStage.CertificateChain, "VCEK_CHAIN_INVALID" },
        { "vcek: the ASK instead", AttestationStage.CertificateChain, "VCEK_CHAIN_INVALID" },
        { "digest: another release", AttestationStage.Provenance, "SUBJECT_DIGEST_MISMATCH" },
        { "digest: upper case", AttestationStage.Envelope, "BUNDLE_MALFORMED" },
        { "sigstoreBundle: the DSSE signature changed", AttestationStage.Provenance, "DSSE_SIGNATURE_INVALID" },
        { "enclaveCert: another key, same names", AttestationStage.Binding, "TLS_KEY_BINDING_MISMATCH" },
        { "enclaveCert: same key, another HPKE key named", AttestationStage.Binding, "HPKE_KEY_BINDING_MISMATCH" },
        { "enclaveCert: same key, no .hpke. names", AttestationStage.Binding, "HPKE_KEY_BINDING_MISMATCH" },
        { "enclaveCert: same key, a .hatt. name changed", AttestationStage.Binding, "ATTESTATION_HASH_MISMATCH" },
        { "enclaveCert: same key, an .hpke. index repeated", AttestationStage.Binding, "HPKE_KEY_BINDING_MISMATCH" },
    };

    [Theory]
    [MemberData(nameof(Tampered))]
    public void EachTamperedField_IsRefusedAtTheStageThatChecksIt(string change, AttestationStage stage, string code)
    {
        var bundle = BundleVariants.LoadReal();
        Tamper(bundle, change);

        var ex = Assert.Throws<AttestationException>(() => TinfoilAttestor.VerifyBundle(Bytes(bundle), GenoaCrl.Value, Repository, Time));

        Assert.Equal((stage, code), (ex.Stage, ex.Code));
    }

    [Fact]
    public void EachBindingMismatch_SaysWhichValueTheCertificateGotWrong()
    {
        var cases = new (string Change, string Code, string Reason)[]
        {
            ("domain: another host", "DOMAIN_MISMATCH", "the enclave certificate does not name inference.example.com"),
            ("enclaveCert: another key, same names", "TLS_KEY_BINDING_MISMATCH", "the enclave certificate's key is not the one REPORT_DATA[0,32) binds"),
            ("enclaveCert: same key, another HPKE key named", "HPKE_KEY_BINDING_MISMATCH",
                "the HPKE key the enclave certificate names is not the one REPORT_DATA[32,64) binds"),
            ("enclaveCert: same key, no .hatt. names", "ATTESTATION_HASH_MISMATCH", "the enclave certificate carries no hatt names"),
            ("enclaveCert: same key, a .hatt. name changed", "ATTESTATION_HASH_MISMATCH",
                "the attestation hash the enclave certificate names is not the hash of this report body"),
        };

        foreach (var (change, code, reason) in cases)
        {
            var bundle = BundleVariants.LoadReal();
            Tamper(bundle, change);

            var ex = Assert.Throws<AttestationException>(() => TinfoilAttestor.VerifyBundle(Bytes(bundle), GenoaCrl.Value, Repository, Time));

            Assert.Equal((AttestationStage.Binding, code), (ex.Stage, ex.Code));
            Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheHardwareMinimums_AreTinfoils_NoProvisionalFirmware_TsmeRequired()
    {
        var policy = AudioSdk.Security.Tinfoil.Bundle.TinfoilBundleVerifier.Policy;

        Assert.False(policy.PermitProvisionalFirmware);
        Assert.Equal(21, policy.MinimumBuild);
        Assert.Equal((1, 55), policy.MinimumFirmwareVersion!.Value);
        var tsme = Assert.Single(policy.PlatformInfo);
        Assert.Equal((1, true, "TSME_EN"), tsme);
    }

    [Fact]
    public void TheRealBundle_NamesTheReleaseTag_WithoutItsRefPrefix()
    {
        var result = TinfoilAttestor.VerifyBundle(Bytes(BundleVariants.LoadReal()), GenoaCrl.Value, Repository, Time);

        Assert.Matches("^v[0-9]+\\.[0-9]+", result.Tag);
        Assert.DoesNotContain("refs/", result.Tag, StringComparison.Ordinal);
    }

    [Fact]
    public void ABlankRepositoryOrAnEmptyCrl_IsRefusedBeforeAnyCheck()
    {
        var bytes = Bytes(BundleVariants.LoadReal());

        var repository = Assert.Throws<ArgumentException>(() => TinfoilAttestor.VerifyBundle(bytes, GenoaCrl.Value, " ", Time));
        Assert.Equal("repository", repository.ParamName);
        var crl = Assert.Throws<ArgumentException>(() => TinfoilAttestor.VerifyBundle(bytes, ReadOnlyMemory<byte>.Empty, Repository, Time));
        Assert.Equal("amdCrl", crl.ParamName);
        Assert.StartsWith("The AMD CRL is required: revocation is always checked.", crl.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherRepository_IsRefusedAsProvenance()
    {
        var ex = Assert.Throws<AttestationException>(() => TinfoilAttestor.VerifyBundle(Bytes(BundleVariants.LoadReal()), GenoaCrl.Value, "tinfoilsh/another-router", Time));

        Assert.Equal((AttestationStage.Provenance, "WORKFLOW_REPOSITORY_MISMATCH"), (ex.Stage, ex.Code));
    }

    [Fact]
    public void ACrlThatIsNotCurrent_IsRefused_WhereTheOfficialVerifierChecksNone()
    {
        var before = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

        var ex = Assert.Throws<AttestationException>(() => TinfoilAttestor.VerifyBundle(Bytes(BundleVariants.LoadReal()), GenoaCrl.Value, Repository, before));

        Assert.Equal((AttestationStage.CertificateChain, "CRL_INVALID"), (ex.Stage, ex.Code));
    }

    [Fact]
    public void ACrlSignedByAnotherRoot_IsRefused()
    {
        var ex = Assert.Throws<AttestationException>(() => TinfoilAttestor.VerifyBundle(Bytes(BundleVariants.LoadReal()), SyntheticEnclave.Instance.Crl, Repository, Time));

        Assert.Equal((AttestationStage.CertificateChain, "CRL_INVALID"), (ex.Stage, ex.Code));
    }

    private static byte[] Bytes(JsonObject bundle) => Encoding.UTF8.GetBytes(bundle.ToJsonString());

    private static void Tamper(JsonObject bundle, string change)
    {
        var attestation = bundle["enclaveAttestationReport"]!.AsObject();
        var body = Convert.FromBase64String(attestation["body"]!.GetValue<string>());
        switch (change)
        {
            case "domain: another host": bundle["domain"] = "inference.example.com"; break;
            case "domain: upper case": bundle["domain"] = "INFERENCE.TINFOIL.SH"; break;
            case "format: v1": attestation["format"] = "https://tinfoil.sh/predicate/sev-snp-guest/v1"; break;
            case "body: a report byte changed":
                var report = SyntheticAmdSigner.Gunzip(body);
                report[0x90] ^= 1;
                attestation["body"] = Convert.ToBase64String(SyntheticAmdSigner.Gzip(report));
                break;
            case "body: the same report gzipped again": attestation["body"] = Convert.ToBase64String(SyntheticAmdSigner.Gzip(SyntheticAmdSigner.Gunzip(body))); break;
            case "body: bytes after the gzip trailer": attestation["body"] = Convert.ToBase64String([.. body, 1, 2, 3]); break;
            case "vcek: a signature byte changed":
                var vcek = Convert.FromBase64String(bundle["vcek"]!.GetValue<string>());
                vcek[^10] ^= 0x40;
                bundle["vcek"] = Convert.ToBase64String(vcek);
                break;
            case "vcek: the ASK instead": bundle["vcek"] = Convert.ToBase64String(DerCertificate.ParsePem(TinfoilRoots.GenoaChainPem)[0].Raw); break;
            case "digest: another release": bundle["digest"] = new string('0', 64); break;
            case "digest: upper case": bundle["digest"] = bundle["digest"]!.GetValue<string>().ToUpperInvariant(); break;
            case "sigstoreBundle: the DSSE signature changed":
                var signature = bundle["sigstoreBundle"]!["dsseEnvelope"]!["signatures"]![0]!.AsObject();
                var sig = Convert.FromBase64String(signature["sig"]!.GetValue<string>());
                sig[20] ^= 1;
                signature["sig"] = Convert.ToBase64String(sig);
                break;
            case "enclaveCert: another key, same names":
                bundle["enclaveCert"] = Reissue(bundle, names => names, otherKey: true);
                break;
            case "enclaveCert: same key, another HPKE key named":
                bundle["enclaveCert"] = Reissue(bundle, names => names.Select(n => n.Contains(".hpke.", StringComparison.Ordinal) && n.StartsWith("00", StringComparison.Ordinal) ? "00a" + n[3..] : n).ToList());
                break;
            case "enclaveCert: same key, no .hpke. names":
                bundle["enclaveCert"] = Reissue(bundle, names => names.Where(n => !n.Contains(".hpke.", StringComparison.Ordinal)).ToList());
                break;
            case "enclaveCert: same key, no .hatt. names":
                bundle["enclaveCert"] = Reissue(bundle, names => names.Where(n => !n.Contains(".hatt.", StringComparison.Ordinal)).ToList());
                break;
            case "enclaveCert: same key, a .hatt. name changed":
                bundle["enclaveCert"] = Reissue(bundle, names => names.Select(n => n.Contains(".hatt.", StringComparison.Ordinal) && n.StartsWith("00", StringComparison.Ordinal) ? "00" + (n[2] == 'a' ? 'b' : 'a') + n[3..] : n).ToList());
                break;
            case "enclaveCert: same key, an .hpke. index repeated":
                bundle["enclaveCert"] = Reissue(bundle, names => names.Select(n => n.Contains(".hpke.", StringComparison.Ordinal) && n.StartsWith("01", StringComparison.Ordinal) ? "00" + n[2..] : n).ToList());
                break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }
    }

    /// <summary>A new certificate with the real one's key (or another) and its DNS names changed; the issuer signature is not what binds it.</summary>
    private static string Reissue(JsonObject bundle, Func<List<string>, List<string>> names, bool otherKey = false)
    {
        using var real = X509Certificate2.CreateFromPem(bundle["enclaveCert"]!.GetValue<string>());
        var original = real.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames().ToList();
        var builder = new SubjectAlternativeNameBuilder();
        foreach (var name in names(original))
        {
            builder.AddDnsName(name);
        }

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = otherKey
            ? new CertificateRequest(real.SubjectName, other, HashAlgorithmName.SHA256)
            : new CertificateRequest(real.SubjectName, real.PublicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(builder.Build());
        using var issuer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = request.Create(real.IssuerName, X509SignatureGenerator.CreateForECDsa(issuer), real.NotBefore, real.NotAfter, [0x01]);
        return certificate.ExportCertificatePem();
    }
}
