using System.Text.Json;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Tdx;
using AudioSdk.Security.Tinfoil.V3;
using BenchmarkDotNet.Attributes;

namespace AudioSdk.Benchmarks;

/// <summary>
/// What verifying one Tinfoil attestation document costs (the captured real v3 document of a Genoa enclave, 92 kB
/// with four Sigstore bundles): the whole verification a first request waits for, beside its parts, the strict
/// envelope alone and the SEV-SNP quote alone (report signature and VCEK -> ASK -> ARK chain). Certificate signatures
/// that verified are remembered, so a repeated verification skips them; the cold variant forgets them first.
/// Beside them, an Intel TDX quote (the conformance vector with full collateral, under Tinfoil's TDX policy): PCK
/// chain, QE report and quote signatures, signed TCB info and QE identity, both CRLs and the TCB level match.
/// </summary>
[MemoryDiagnoser]
public class TinfoilVerificationBenchmarks
{
    private byte[] _document = null!;
    private byte[] _nonce = null!;
    private byte[] _report = null!;
    private byte[] _vcek = null!;
    private DateTimeOffset _time;
    private byte[] _tdxQuote = null!;
    private TdxCollateral _tdxCollateral = null!;
    private TdxVerifier _tdxVerifier = null!;
    private DateTimeOffset _tdxTime;

    [GlobalSetup]
    public void Setup()
    {
        var path = FindVector("v3", "real-frozen", "real-sev-inference-tinfoil.json");
        using var vector = JsonDocument.Parse(File.ReadAllBytes(path));
        var input = vector.RootElement.GetProperty("input");
        _document = Convert.FromBase64String(input.GetProperty("document_b64").GetString()!);
        _nonce = Convert.FromHexString(input.GetProperty("nonce_hex").GetString()!);
        _time = DateTimeOffset.FromUnixTimeSeconds(input.GetProperty("verification_time_unix").GetInt64());
        using var parsed = AttestationDocument.Parse(_document, _nonce);
        _report = parsed.Report;
        _vcek = Convert.FromBase64String(parsed.Collateral.First(c => c.Id == "cpu-endorsement").Data.GetProperty("vcek_der_base64").GetString()!);

        using var tdx = JsonDocument.Parse(File.ReadAllBytes(FindVector("attestation-tdx", "390-public-api-tcb-uptodate", "input.json")));
        var tdxInput = tdx.RootElement;
        var collateral = tdxInput.GetProperty("collateral");
        _tdxQuote = Convert.FromBase64String(tdxInput.GetProperty("quote_b64").GetString()!);
        _tdxTime = DateTimeOffset.FromUnixTimeSeconds(tdxInput.GetProperty("expiration_check_date_unix").GetInt64());
        _tdxVerifier = new TdxVerifier(DerCertificate.ParsePem(collateral.GetProperty("intel_root_ca_pem").GetString()!)[0]);
        _tdxCollateral = new TdxCollateral
        {
            TcbInfoJson = collateral.GetProperty("tcb_info_json").GetString()!,
            QeIdentityJson = collateral.GetProperty("qe_identity_json").GetString()!,
            PckCrl = Convert.FromBase64String(collateral.GetProperty("pck_crl_der_b64").GetString()!),
            RootCrl = Convert.FromBase64String(collateral.GetProperty("root_crl_der_b64").GetString()!),
            TcbInfoIssuerChainPem = collateral.GetProperty("tcb_info_issuer_chain_pem").GetString(),
            QeIdentityIssuerChainPem = collateral.GetProperty("qe_identity_issuer_chain_pem").GetString(),
        };
    }

    [Benchmark(Baseline = true, Description = "full v3 document")]
    public TinfoilAttestation FullDocument() => TinfoilAttestor.VerifyDocument(_document, _nonce, "tinfoilsh/confidential-model-router", _time);

    [Benchmark(Description = "full v3 document, no remembered signatures")]
    public TinfoilAttestation FullDocumentCold()
    {
        DerCertificate.ClearVerifiedLinks();
        return TinfoilAttestor.VerifyDocument(_document, _nonce, "tinfoilsh/confidential-model-router", _time);
    }

    [Benchmark(Description = "envelope only")]
    public int EnvelopeOnly()
    {
        using var parsed = AttestationDocument.Parse(_document, _nonce);
        return parsed.Collateral.Count;
    }

    [Benchmark(Description = "SEV-SNP quote only")]
    public uint QuoteOnly() => new SevSnpVerifier(AmdChain.Production).Authenticate(_report, _vcek, _time, out _, out _).Version;

    [Benchmark(Description = "SEV-SNP quote only, no remembered signatures")]
    public uint QuoteOnlyCold()
    {
        DerCertificate.ClearVerifiedLinks();
        return new SevSnpVerifier(AmdChain.Production).Authenticate(_report, _vcek, _time, out _, out _).Version;
    }

    [Benchmark(Description = "TDX quote with collateral")]
    public string? TdxQuote() => _tdxVerifier.Verify(_tdxQuote, _tdxCollateral, _tdxTime, TdxPolicy.Tinfoil).Result;

    [Benchmark(Description = "TDX quote with collateral, no remembered signatures")]
    public string? TdxQuoteCold()
    {
        DerCertificate.ClearVerifiedLinks();
        return _tdxVerifier.Verify(_tdxQuote, _tdxCollateral, _tdxTime, TdxPolicy.Tinfoil).Result;
    }

    private static string FindVector(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine([dir.FullName, "tests", "AudioSdk.Tests", "Security", "Tinfoil", "Vectors", .. parts]);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"The Tinfoil vector {string.Join('/', parts)} was not found above " + AppContext.BaseDirectory);
    }
}
