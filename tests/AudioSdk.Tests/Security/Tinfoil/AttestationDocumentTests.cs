using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.V3;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The v3 envelope, member by member, on documents built for a nonce: a good one parses with its sections, and each
/// changed member (its type, its value, an unknown or missing member, a duplicate, a section whose hash or
/// REPORT_DATA no longer matches) is refused as ENVELOPE_REJECTED with its own reason.
/// </summary>
public sealed class AttestationDocumentTests
{
    private const string NonceHex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static readonly TlsPinBytes Pin = new(new string('a', 64));

    [Fact]
    public void GoodDocument_Parses_WithItsSections()
    {
        using var document = Parse(Encoding.UTF8.GetBytes(Build().ToJsonString()));

        Assert.Equal(Convert.FromHexString(NonceHex), document.Nonce);
        Assert.Equal(SevSnpReport.Size, document.Report.Length);
        Assert.Equal(Convert.FromHexString(Pin.Hex), document.TlsKeyFingerprint);
        Assert.Equal(Convert.FromHexString(new string('5', 64)), document.HpkeKey);
        Assert.Equal(["tls", "hpke"], document.CryptoItems.Select(i => i.Id));
        Assert.Contains(document.Collateral, c => c.Id == "cpu-endorsement" && c.Role == "endorsement" && c.Format == TinfoilDocumentVerifier.VcekFormat);
        Assert.Equal(ReportDataBinding.ComputeV3(document.Nonce, document.CryptoMaterial, document.DeviceEvidence), document.ReportData);
    }

    public static TheoryData<string, string> EnvelopeRefusals() => new()
    {
        { "format", "not v3" }, { "unknown-member", "the document has an unknown member 'extra'" }, { "missing-member", "the document lacks one of" }, { "format-number", "the document.format is not a string" },
        { "challenge-unknown", "challenge has an unknown member 'extra'" }, { "nonce-upper", "challenge.nonce is not 32 bytes" }, { "nonce-short", "challenge.nonce is not 32 bytes" },
        { "report-data-short", "challenge.report_data is not 64 bytes" }, { "algorithm", "algorithm is not supported" }, { "other-nonce", "another nonce" },
        { "cpu-format", "the CPU evidence is neither a SEV-SNP report nor an Intel TDX quote" }, { "cpu-unknown", "cpu_evidence has an unknown member 'extra'" }, { "report-short", "bytes, not 1184" },
        { "tdx-short", "the TDX quote is 631 bytes, outside 632 to 65536" }, { "tdx-long", "the TDX quote is 65537 bytes, outside 632 to 65536" },
        { "report-not-base64", "cpu_evidence.report_base64 is not canonical base64" }, { "endorsed-unknown", "endorsed has an unknown member 'extra'" }, { "crypto-hash", "crypto_material does not have the endorsed hash" },
        { "device-hash", "device_evidence does not have the endorsed hash" }, { "report-data", "does not bind" },
        { "crypto-format", "crypto_material has an unknown format" }, { "crypto-items-object", "crypto_material.items is not an array" },
        { "crypto-item-unknown", "a crypto item has an unknown member 'extra'" }, { "crypto-item-empty-id", "a crypto item has an empty id" }, { "crypto-item-empty-format", "a crypto item has an empty format" },
        { "crypto-duplicate", "appears twice" }, { "crypto-tls-upper", "not 32 bytes of lowercase hex" }, { "crypto-hpke-short", "not 32 bytes of lowercase hex" },
        { "crypto-not-json", "crypto_material is not a single JSON value" }, { "crypto-duplicate-member", "crypto_material has a duplicate member" },
        { "device-format", "device_evidence has an unknown format" }, { "device-items-object", "device_evidence.items is not an array" },
        { "device-item-unknown", "a device item has an unknown member 'extra'" }, { "device-duplicate", "appears twice" }, { "device-empty-kind", "a device item has an empty kind" },
        { "device-empty-vendor", "a device item has an empty vendor" }, { "device-format-not-uri", "not a URI" }, { "device-empty-id", "a device item has an empty id" },
        { "collateral-object", "collateral is not an array" }, { "collateral-unknown", "a collateral item has an unknown member 'extra'" }, { "collateral-duplicate", "appears twice" },
        { "collateral-empty-id", "a collateral item has an empty id" }, { "collateral-empty-role", "a collateral item has an empty role" }, { "collateral-subjects-empty", "subjects" },
        { "collateral-subjects-unknown", "subjects" }, { "collateral-subjects-number", "subjects" }, { "collateral-subjects-object", "subjects" },
        { "collateral-data-string", "no data object" }, { "duplicate-member", "the document has a duplicate member" }, { "not-utf8", "the document is not valid UTF-8" },
        { "too-large", "larger than" }, { "at-the-limit", "the document lacks one of" }, { "not-json", "the document is not a single JSON value" },
    };

    [Theory]
    [MemberData(nameof(EnvelopeRefusals))]
    public void ChangedEnvelope_IsRefusedWithItsReason(string change, string reason) => AssertRefused(change, reason);

    /// <summary>The same cases in one fact, so tools that select tests by fact (mutation testing) run them all.</summary>
    [Fact]
    public void EveryChangedEnvelope_IsRefusedWithItsReason()
    {
        foreach (var row in EnvelopeRefusals())
        {
            AssertRefused((string)row[0], (string)row[1]);
        }
    }

    private static void AssertRefused(string change, string reason)
    {
        var bytes = change switch
        {
            "duplicate-member" => Encoding.UTF8.GetBytes(Build().ToJsonString().Replace("{\"format\":", "{\"format\":\"x\",\"format\":", StringComparison.Ordinal)),
            "not-utf8" => [0x7B, 0xFF, 0x7D],
            "too-large" => new byte[AttestationDocument.MaxBytes + 1],
            "at-the-limit" => [.. "{}"u8, .. Enumerable.Repeat((byte)' ', AttestationDocument.MaxBytes - 2)],
            "not-json" => "{\"format\":"u8.ToArray(),
            _ => Encoding.UTF8.GetBytes(Change(change).ToJsonString()),
        };

        AttestationException? ex = null;
        try
        {
            Parse(bytes).Dispose();
        }
        catch (AttestationException caught)
        {
            ex = caught;
        }

        Assert.True(ex is not null, $"{change}: accepted");
        Assert.True((ex.Stage, ex.Code) == (AttestationStage.Envelope, "ENVELOPE_REJECTED"), $"{change}: {ex.Stage} {ex.Code}");
        Assert.True(ex.Message.Contains(reason, StringComparison.Ordinal), $"{change}: '{ex.Message}' lacks '{reason}'");
    }

    [Fact]
    public void TdxQuotes_AtTheSizeLimits_PassTheEnvelope()
    {
        using var smallest = Parse(Encoding.UTF8.GetBytes(Change("tdx-at-minimum").ToJsonString()));
        using var largest = Parse(Encoding.UTF8.GetBytes(Change("tdx-at-maximum").ToJsonString()));

        Assert.Equal((true, 632), (smallest.IsTdx, smallest.Report.Length));
        Assert.Equal((true, 65536), (largest.IsTdx, largest.Report.Length));
    }

    [Fact]
    public void OptionalParts_AreAccepted()
    {
        Parse(Encoding.UTF8.GetBytes(Change("collateral-subjects-cpu").ToJsonString())).Dispose();
        using var document = Parse(Encoding.UTF8.GetBytes(Change("device-item-subject").ToJsonString()));
        Assert.Contains(document.Collateral, c => c.Id == "cpu-endorsement");
        using var noKeys = Parse(Encoding.UTF8.GetBytes(Change("crypto-other-items").ToJsonString()));
        Assert.Null(noKeys.TlsKeyFingerprint);
        Assert.Null(noKeys.HpkeKey);
        Assert.Equal(AttestationDocument.MaxBytes, 1 << 20);
    }

    private static AttestationDocument Parse(byte[] bytes) => AttestationDocument.Parse(bytes, Convert.FromHexString(NonceHex));

    private static JsonObject Build() => JsonNode.Parse(SyntheticEnclave.Instance.Document(NonceHex, Pin))!.AsObject();

    /// <summary>Applies a change; changes to a hashed section re-hash it and rebuild REPORT_DATA so only the change itself is wrong.</summary>
    private static JsonObject Change(string change)
    {
        var d = Build();
        var challenge = d["challenge"]!.AsObject();
        var cpu = d["cpu_evidence"]!.AsObject();
        var endorsed = cpu["endorsed"]!.AsObject();
        var crypto = JsonNode.Parse(Convert.FromBase64String(d["crypto_material"]!.GetValue<string>()))!.AsObject();
        var device = JsonNode.Parse(Convert.FromBase64String(d["device_evidence"]!.GetValue<string>()))!.AsObject();
        var collateral = d["collateral"]!.AsArray();
        var item = collateral[0]!.AsObject();
        var deviceItem = new JsonObject { ["id"] = "gpu0", ["kind"] = "gpu", ["vendor"] = "nvidia", ["format"] = "https://example.com/gpu", ["evidence"] = "x" };
        string? rawCrypto = null;
        var sections = true;
        switch (change)
        {
            case "format": d["format"] = "https://tinfoil.sh/predicate/attestation/v2"; break;
            case "unknown-member": d["extra"] = 1; break;
            case "missing-member": d.Remove("device_evidence"); sections = false; break;
            case "format-number": d["format"] = 3; break;
            case "challenge-unknown": challenge["extra"] = "x"; break;
            case "nonce-upper": challenge["nonce"] = NonceHex.ToUpperInvariant(); break;
            case "nonce-short": challenge["nonce"] = NonceHex[2..]; break;
            case "report-data-short": challenge["report_data"] = challenge["report_data"]!.GetValue<string>()[2..]; break;
            case "algorithm": challenge["report_data_algorithm"] = "https://tinfoil.sh/report-data/v0"; break;
            case "other-nonce": challenge["nonce"] = new string('1', 64); break;
            case "cpu-format": cpu["format"] = "https://tinfoil.sh/format/unknown-quote/v1"; break;
            case "cpu-unknown": cpu["extra"] = 1; break;
            case "tdx-short": cpu["format"] = "https://tinfoil.sh/format/tdx-quote/v1"; cpu["report_base64"] = Convert.ToBase64String(new byte[631]); break;
            case "tdx-long": cpu["format"] = "https://tinfoil.sh/format/tdx-quote/v1"; cpu["report_base64"] = Convert.ToBase64String(new byte[65537]); break;
            // Sizes at the envelope's limits pass it (the quote itself is read by the verifier).
            case "tdx-at-minimum": cpu["format"] = "https://tinfoil.sh/format/tdx-quote/v1"; cpu["report_base64"] = Convert.ToBase64String(new byte[632]); break;
            case "tdx-at-maximum": cpu["format"] = "https://tinfoil.sh/format/tdx-quote/v1"; cpu["report_base64"] = Convert.ToBase64String(new byte[65536]); break;
            case "report-short": cpu["report_base64"] = Convert.ToBase64String(Convert.FromBase64String(cpu["report_base64"]!.GetValue<string>())[..^4]); break;
            case "report-not-base64": cpu["report_base64"] = cpu["report_base64"]!.GetValue<string>() + "="; break;
            case "endorsed-unknown": endorsed["extra"] = "x"; break;
            case "crypto-hash": endorsed["crypto_material_hash"] = new string('0', 64); sections = false; break;
            case "device-hash": endorsed["device_evidence_hash"] = new string('0', 64); sections = false; break;
            case "report-data": challenge["report_data"] = new string('0', 128); sections = false; break;
            case "crypto-format": crypto["format"] = "https://tinfoil.sh/crypto-material/v2"; break;
            case "crypto-items-object": crypto["items"] = new JsonObject(); break;
            case "crypto-item-unknown": crypto["items"]![0]!["extra"] = 1; break;
            case "crypto-item-empty-id": crypto["items"]![0]!["id"] = string.Empty; break;
            case "crypto-item-empty-format": crypto["items"]![0]!["format"] = string.Empty; break;
            case "crypto-duplicate": crypto["items"]![1]!["id"] = "tls"; break;
            case "crypto-tls-upper": crypto["items"]![0]!["data"] = Pin.Hex.ToUpperInvariant().Replace('A', 'B'); break;
            case "crypto-hpke-short": crypto["items"]![1]!["data"] = new string('5', 62); break;
            case "crypto-not-json": rawCrypto = "{\"format\":"; break;
            case "crypto-duplicate-member": rawCrypto = crypto.ToJsonString().Replace("{\"format\":", "{\"format\":\"x\",\"format\":", StringComparison.Ordinal); break;
            case "crypto-other-items": crypto["items"] = new JsonArray(new JsonObject { ["id"] = "tls", ["format"] = "https://example.com/other", ["data"] = new string('a', 64) }, new JsonObject { ["id"] = "key", ["format"] = AttestationDocument.HpkeKeyFormat, ["data"] = new string('5', 64) }); break;
            case "device-format": device["format"] = "https://tinfoil.sh/device-evidence/v2"; break;
            case "device-items-object": device["items"] = new JsonObject(); break;
            case "device-item-unknown": deviceItem["extra"] = 1; device["items"]!.AsArray().Add(deviceItem); break;
            case "device-duplicate": device["items"]!.AsArray().Add(deviceItem); device["items"]!.AsArray().Add(deviceItem.DeepClone()); break;
            case "device-empty-kind": deviceItem["kind"] = string.Empty; device["items"]!.AsArray().Add(deviceItem); break;
            case "device-empty-vendor": deviceItem["vendor"] = string.Empty; device["items"]!.AsArray().Add(deviceItem); break;
            case "device-empty-id": deviceItem["id"] = string.Empty; device["items"]!.AsArray().Add(deviceItem); break;
            case "device-format-not-uri": deviceItem["format"] = "http://example.com/gpu"; device["items"]!.AsArray().Add(deviceItem); break;
            case "device-item-subject": device["items"]!.AsArray().Add(deviceItem); item["subjects"] = new JsonArray("cpu", "gpu0"); break;
            case "collateral-object": d["collateral"] = new JsonObject(); break;
            case "collateral-unknown": item["extra"] = 1; break;
            case "collateral-duplicate": collateral[1]!["id"] = item["id"]!.GetValue<string>(); break;
            case "collateral-empty-id": item["id"] = string.Empty; break;
            case "collateral-empty-role": item["role"] = string.Empty; break;
            case "collateral-subjects-cpu": item["subjects"] = new JsonArray("cpu"); break;
            case "collateral-subjects-empty": item["subjects"] = new JsonArray(); break;
            case "collateral-subjects-unknown": item["subjects"] = new JsonArray("cpu", "gpu0"); break;
            case "collateral-subjects-number": item["subjects"] = new JsonArray(1); break;
            case "collateral-subjects-object": item["subjects"] = new JsonObject(); break;
            case "collateral-data-string": item["data"] = "x"; break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, "unknown change");
        }

        if (sections)
        {
            var cryptoBytes = Encoding.UTF8.GetBytes(rawCrypto ?? crypto.ToJsonString());
            var deviceBytes = Encoding.UTF8.GetBytes(device.ToJsonString());
            d["crypto_material"] = Convert.ToBase64String(cryptoBytes);
            d["device_evidence"] = Convert.ToBase64String(deviceBytes);
            endorsed["crypto_material_hash"] = Convert.ToHexString(SHA256.HashData(cryptoBytes)).ToLowerInvariant();
            endorsed["device_evidence_hash"] = Convert.ToHexString(SHA256.HashData(deviceBytes)).ToLowerInvariant();
            if (change is not ("nonce-upper" or "nonce-short" or "other-nonce" or "report-data-short"))
            {
                challenge["report_data"] = Convert.ToHexString(ReportDataBinding.ComputeV3(Convert.FromHexString(NonceHex), cryptoBytes, deviceBytes)).ToLowerInvariant();
            }
        }

        return d;
    }
}
