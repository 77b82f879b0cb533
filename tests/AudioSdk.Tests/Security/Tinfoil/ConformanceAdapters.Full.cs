using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;

namespace AudioSdk.Tests.Security.Tinfoil;

internal static partial class ConformanceAdapters
{
    /// <summary>The legacy full flow: standard (Sigstore release + SEV-SNP report, measurements compared) or pinned (report against a pinned measurement).</summary>
    public static JsonObject VerifyFull(JsonObject input)
    {
        if (input["attestation_sev"] is not JsonObject sev)
        {
            throw new AttestationException("The input has no attestation block.", AttestationStage.Verify) { Code = "BUNDLE_MALFORMED" };
        }

        AudioSdk.Security.Tinfoil.Measurement expected;
        switch (input["mode"]!.GetValue<string>())
        {
            case "standard":
                if (input["sigstore"] is not JsonObject sigstore)
                {
                    throw new AttestationException("The input has no sigstore block.", AttestationStage.Verify) { Code = "BUNDLE_MALFORMED" };
                }

                expected = VerifySigstore(sigstore).Measurement
                    ?? throw new AttestationException("The release has no measurement.", AttestationStage.Provenance) { Code = "PREDICATE_MEASUREMENT_INVALID" };
                break;
            case "pinned":
                expected = ReadMeasurement(input["pinned_measurement"]!.AsObject());
                break;
            default:
                throw new FormatException("unknown mode");
        }

        var report = VerifySev(sev);
        expected.EnsureMatches(report.ToMeasurement());
        return [];
    }
}
