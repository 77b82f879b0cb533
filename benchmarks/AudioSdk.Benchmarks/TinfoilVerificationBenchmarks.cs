using System.Text.Json;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.V3;
using BenchmarkDotNet.Attributes;

namespace AudioSdk.Benchmarks;

/// <summary>
/// What verifying one Tinfoil attestation document costs (the captured real v3 document of a Genoa enclave, 92 kB
/// with four Sigstore bundles): the whole verification a first request waits for, beside its parts, the strict
/// envelope alone and the SEV-SNP quote alone (report signature and VCEK -> ASK -> ARK chain). Certificate signatures
/// that verified are remembered, so a repeated verification skips them; the cold variant forgets them first.
/// </summary>
[MemoryDiagnoser]
public class TinfoilVerificationBenchmarks
{
    private byte[] _document = null!;
    private byte[] _nonce = null!;
    private byte[] _report = null!;
    private byte[] _vcek = null!;
    private DateTimeOffset _time;

    [GlobalSetup]
    public void Setup()
    {
        var path = FindVector();
        using var vector = JsonDocument.Parse(File.ReadAllBytes(path));
        var input = vector.RootElement.GetProperty("input");
        _document = Convert.FromBase64String(input.GetProperty("document_b64").GetString()!);
        _nonce = Convert.FromHexString(input.GetProperty("nonce_hex").GetString()!);
        _time = DateTimeOffset.FromUnixTimeSeconds(input.GetProperty("verification_time_unix").GetInt64());
        using var parsed = AttestationDocument.Parse(_document, _nonce);
        _report = parsed.Report;
        _vcek = Convert.FromBase64String(parsed.Collateral.First(c => c.Id == "cpu-endorsement").Data.GetProperty("vcek_der_base64").GetString()!);
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

    private static string FindVector()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "AudioSdk.Tests", "Security", "Tinfoil", "Vectors", "v3", "real-frozen", "real-sev-inference-tinfoil.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("The captured Tinfoil document was not found above " + AppContext.BaseDirectory);
    }
}
