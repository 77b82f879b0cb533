using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The Tinfoil conformance vectors, stage by stage, at each vector's pinned time and roots. Each test prints
/// "stage: vectors, passed" and the failing vectors with the reason, and asserts the exact set of known failures.
/// </summary>
public sealed class TinfoilConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void SevSnpAttestation() => RunStage("verify-attestation-sev", ConformanceVector.LoadStage("attestation-sev"), ConformanceAdapters.AttestationSev, 26);

    [Fact]
    public void TdxAttestation() => RunStage("verify-attestation-tdx", ConformanceVector.LoadStage("attestation-tdx"), ConformanceAdapters.AttestationTdx, 65);

    [Fact]
    public void Sigstore() => RunStage("verify-sigstore", ConformanceVector.LoadStage("sigstore"), ConformanceAdapters.Sigstore, 53);

    [Fact]
    public void V3Envelope() => RunStage("v3-check-envelope", ConformanceVector.LoadV3("envelope"), ConformanceAdapters.V3Envelope, 21);

    [Fact]
    public void V3RealFrozenDocument() => RunStage("verify-attestation-v3 (real-frozen)", ConformanceVector.LoadV3("real-frozen"), ConformanceAdapters.V3Full, 1);

    [Fact]
    public void V3GoldenTdx() => RunStage("verify-attestation-v3 (golden-tdx)", ConformanceVector.LoadV3("golden-tdx"), ConformanceAdapters.V3Full, 1);

    [Fact]
    public void V3QuoteTdx() => RunStage("v3-authenticate-quote (quote-tdx)", ConformanceVector.LoadV3("quote-tdx"), ConformanceAdapters.V3AuthenticateQuote, 1);

    [Fact]
    public void FullVerification() => RunStage("verify-full", ConformanceVector.LoadStage("verify-full"), ConformanceAdapters.VerifyFull, 7);

    [Fact]
    public void ReportDataLadder()
    {
        var cases = JsonNode.Parse(File.ReadAllText(Path.Combine(ConformanceVector.Root, "v3", "attested-keys-vectors.json")))!.AsArray();
        var vectors = cases.Select(c => new ConformanceVector(c!["algorithm"]!.GetValue<string>(), c.AsObject(), 0, [], new JsonObject
        {
            ["crypto_material_hash"] = c["crypto_material_hash"]!.GetValue<string>(),
            ["device_evidence_hash"] = c["device_evidence_hash"]!.GetValue<string>(),
            ["report_data"] = c["report_data"]!.GetValue<string>(),
        })).ToList();
        RunStage("report-data-v3", vectors, ConformanceAdapters.ReportDataLadder, 3);
    }

    [Fact]
    public void Measurement() => RunStage("verify-measurement", ConformanceVector.LoadStage("measurement"), ConformanceAdapters.Measurement, 17);

    [Fact]
    public void HardwareMeasurements() => RunStage("verify-hardware-measurements", ConformanceVector.LoadStage("hardware-measurements"), ConformanceAdapters.HardwareMeasurements, 11);

    [Fact]
    public void HpkeKeyBinding() => RunStage("verify-ehbp-key-binding", ConformanceVector.LoadStage("ehbp-key-binding"), ConformanceAdapters.KeyBinding, 5);

    private void RunStage(string stage, List<ConformanceVector> vectors, Func<JsonObject, JsonObject> adapter, int expectedCount, params string[] knownFailures)
    {
        var (total, failures, uncompared, log) = ConformanceRunner.Run(vectors, adapter);
        output.WriteLine($"{stage}: vectors {total}, passed {total - failures.Count}");
        foreach (var line in log)
        {
            output.WriteLine(line);
        }

        foreach (var (id, reason) in failures)
        {
            output.WriteLine($"  FAIL {id}: {reason}");
        }

        foreach (var key in uncompared)
        {
            output.WriteLine($"  output not produced (not compared): {key}");
        }

        Assert.Equal(expectedCount, total);
        Assert.Equal(knownFailures.Order(StringComparer.Ordinal), failures.Keys.Order(StringComparer.Ordinal));
    }
}
