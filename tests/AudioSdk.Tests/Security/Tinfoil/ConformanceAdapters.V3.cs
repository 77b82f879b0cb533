using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.V3;

namespace AudioSdk.Tests.Security.Tinfoil;

internal static partial class ConformanceAdapters
{
    public static JsonObject V3Envelope(JsonObject input) => WithV3Codes(() =>
    {
        using var document = AttestationDocument.Parse(Convert.FromBase64String(input["document_b64"]!.GetValue<string>()), Convert.FromHexString(input["nonce_hex"]!.GetValue<string>()));
        return new JsonObject { ["crypto_items"] = document.CryptoItems.Count, ["collateral"] = document.Collateral.Count };
    });

    public static JsonObject V3Full(JsonObject input) => WithV3Codes(() =>
    {
        var result = VerifyV3(input);
        return new JsonObject
        {
            ["tls_public_key_fp"] = result.TlsPin?.ToString(),
            ["hpke_public_key"] = result.HpkePublicKey is { } hpke ? Hex.Lower(hpke) : null,
            ["code_digest"] = result.CodeDigest,
            ["code_measurement"] = MeasurementJson(result.CodeMeasurement),
            ["enclave_measurement"] = MeasurementJson(result.EnclaveMeasurement),
        };
    });

    /// <summary>The quote layer alone (stage v3-authenticate-quote). Its vectors give no nonce: the envelope is checked against the
    /// document's own challenge.</summary>
    public static JsonObject V3AuthenticateQuote(JsonObject input) => WithV3Codes(() =>
    {
        var bytes = Convert.FromBase64String(input["document_b64"]!.GetValue<string>());
        var nonceHex = input["nonce_hex"]?.GetValue<string>();
        var nonce = Convert.FromHexString(string.IsNullOrEmpty(nonceHex) ? JsonNode.Parse(bytes)!["challenge"]!["nonce"]!.GetValue<string>() : nonceHex);
        using var document = AttestationDocument.Parse(bytes, nonce);
        var verified = new TinfoilDocumentVerifier(V3Trust(input)).AuthenticateTdxQuote(document, V3Time(input));
        return new JsonObject { ["fmspc"] = Hex.Lower(verified.Fmspc), ["tcb_status"] = verified.TcbStatus };
    });

    internal static TinfoilVerification VerifyV3(JsonObject input)
    {
        using var document = AttestationDocument.Parse(Convert.FromBase64String(input["document_b64"]!.GetValue<string>()), Convert.FromHexString(input["nonce_hex"]!.GetValue<string>()));

        // The TDX golden vectors bind no keys and expect acceptance; the SDK's own flows still require them (RequireKeys).
        return new TinfoilDocumentVerifier(V3Trust(input)).Verify(document, input["repo"]!.GetValue<string>(), V3Time(input), requireKeys: false);
    }

    /// <summary>The roots a v3 vector injects (AMD chain, Intel SGX root, Sigstore root); the built-in ones otherwise.</summary>
    internal static TinfoilTrust V3Trust(JsonObject input)
    {
        var trust = TinfoilTrust.Production;
        if (input["amd_root_ca_pem"]?.GetValue<string>() is { Length: > 0 } ark && input["ask_pem"]?.GetValue<string>() is { Length: > 0 } ask)
        {
            trust = trust with { AmdChains = [new AmdChain("injected", DerCertificate.ParsePem(ask)[0], DerCertificate.ParsePem(ark)[0])] };
        }

        if (input["intel_sgx_root_pem"]?.GetValue<string>() is { Length: > 0 } intel)
        {
            trust = trust with { IntelRoot = DerCertificate.ParsePem(intel)[0] };
        }

        if (input["sigstore_trusted_root_json_b64"]?.GetValue<string>() is { Length: > 0 } root)
        {
            trust = trust with { Sigstore = AudioSdk.Security.Tinfoil.Sigstore.SigstoreTrustedRoot.Parse(Convert.FromBase64String(root)) };
        }

        return trust;
    }

    /// <summary>The vector's verification time; now when absent or 0.</summary>
    internal static DateTimeOffset V3Time(JsonObject input)
    {
        var seconds = input["verification_time_unix"]?.GetValue<long>() ?? 0;
        return seconds == 0 ? DateTimeOffset.UtcNow : DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    /// <summary>One case of the REPORT_DATA ladder: the hashes of both sections and the 64-byte value.</summary>
    public static JsonObject ReportDataLadder(JsonObject input)
    {
        var nonce = Convert.FromHexString(input["nonce"]!.GetValue<string>());
        var crypto = Convert.FromBase64String(input["crypto_material"]!.GetValue<string>());
        var device = Convert.FromBase64String(input["device_evidence"]!.GetValue<string>());
        return new JsonObject
        {
            ["crypto_material_hash"] = Hex.Lower(SHA256.HashData(crypto)),
            ["device_evidence_hash"] = Hex.Lower(SHA256.HashData(device)),
            ["report_data"] = Hex.Lower(ReportDataBinding.ComputeV3(nonce, crypto, device)),
        };
    }

    /// <summary>v3 vectors name the layer that refused; the verifier's stages map onto them.</summary>
    internal static JsonObject WithV3Codes(Func<JsonObject> run)
    {
        try
        {
            return run();
        }
        catch (AttestationException ex)
        {
            var layer = ex.Stage switch
            {
                AttestationStage.Envelope or AttestationStage.Binding => "ENVELOPE_REJECTED",
                AttestationStage.Provenance or AttestationStage.Freshness or AttestationStage.Measurement => "PROVENANCE_REJECTED",
                AttestationStage.Report or AttestationStage.CertificateChain => "QUOTE_REJECTED",
                AttestationStage.Policy => "POLICY_REJECTED",
                _ => "MALFORMED_INPUT",
            };
            throw new AttestationException(ex.Message, ex.Stage, ex) { Code = layer };
        }
    }
}
