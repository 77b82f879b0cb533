using System.Security.Cryptography;
using System.Text.Json;

namespace AudioSdk.Security.Tinfoil.V3;

/// <summary>An item of crypto_material: a key the enclave holds (tls: SPKI fingerprint; hpke: X25519 key).</summary>
internal sealed record CryptoItem(string Id, string Format, string Data);

/// <summary>An item of the collateral list: endorsements (VCEK, CRL) and reference values (Sigstore bundles).</summary>
internal sealed record CollateralItem(string Id, string Role, string Format, JsonElement Data);

/// <summary>
/// The v3 attestation document (<c>https://tinfoil.sh/predicate/attestation/v3</c>), parsed strictly: exact members,
/// canonical base64 and lowercase hex, section hashes endorsed by the report, and the REPORT_DATA ladder over the
/// verifier's own nonce. Owns a <see cref="JsonDocument"/>: dispose it.
/// </summary>
internal sealed class AttestationDocument : IDisposable
{
    public const string Format = "https://tinfoil.sh/predicate/attestation/v3";
    public const string SevSnpReportFormat = "https://tinfoil.sh/format/sev-snp-report/v1";
    public const string TdxQuoteFormat = "https://tinfoil.sh/format/tdx-quote/v1";
    public const string CryptoMaterialFormat = "https://tinfoil.sh/crypto-material/v1";
    public const string DeviceEvidenceFormat = "https://tinfoil.sh/device-evidence/v1";
    public const string TlsFingerprintFormat = "https://tinfoil.sh/key/spki-fp-sha256/v1";
    public const string HpkeKeyFormat = "https://tinfoil.sh/key/x25519-hpke/v1";
    public const int MaxBytes = 1 << 20;

    private readonly JsonDocument _document;

    private AttestationDocument(JsonDocument document)
    {
        _document = document;
    }

    public required byte[] Nonce { get; init; }
    public required byte[] ReportData { get; init; }
    /// <summary>The CPU evidence: a SEV-SNP report (1184 bytes) or, when <see cref="IsTdx"/>, an Intel TDX quote.</summary>
    public required byte[] Report { get; init; }

    /// <summary>Whether the CPU evidence is an Intel TDX quote (<see cref="TdxQuoteFormat"/>) rather than a SEV-SNP report.</summary>
    public required bool IsTdx { get; init; }
    public required byte[] CryptoMaterial { get; init; }
    public required byte[] DeviceEvidence { get; init; }
    public required IReadOnlyList<CryptoItem> CryptoItems { get; init; }
    public required IReadOnlyList<CollateralItem> Collateral { get; init; }

    /// <summary>The TLS key pin (SHA-256 of the SubjectPublicKeyInfo) the document binds, or null when it has no usable <c>tls</c>
    /// item.</summary>
    public byte[]? TlsKeyFingerprint =>
        CryptoItems.FirstOrDefault(i => i.Id == "tls" && i.Format == TlsFingerprintFormat) is { } item ? Hex.TryDecodeCanonical(item.Data,
        32) : null;

    /// <summary>The X25519 HPKE key the document binds, or null.</summary>
    public byte[]? HpkeKey =>
        CryptoItems.FirstOrDefault(i => i.Id == "hpke" && i.Format == HpkeKeyFormat) is { } item ? Hex.TryDecodeCanonical(item.Data,
        32) : null;

    /// <summary>Parses and checks the envelope against the nonce the verifier chose.</summary>
    /// <exception cref="AttestationException">Stage Envelope (ENVELOPE_REJECTED).</exception>
    public static AttestationDocument Parse(ReadOnlyMemory<byte> bytes, ReadOnlySpan<byte> expectedNonce)
    {
        if (bytes.Length > MaxBytes)
        {
            throw StrictJson.Envelope($"the document is larger than {MaxBytes} bytes");
        }

        var document = StrictJson.Parse(bytes, "the document");
        try
        {
            return Read(document, expectedNonce);
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    public void Dispose() => _document.Dispose();

    private static AttestationDocument Read(JsonDocument document, ReadOnlySpan<byte> expectedNonce)
    {
        var root = StrictJson.Object(document.RootElement, "the document",
            ["format", "challenge", "cpu_evidence", "crypto_material", "device_evidence", "collateral"]);
        if (StrictJson.String(root, "format", "the document") != Format)
        {
            throw StrictJson.Envelope("the document's format is not v3");
        }

        var challenge = StrictJson.Object(root.GetProperty("challenge"), "challenge", ["nonce", "report_data", "report_data_algorithm"]);
        var nonce = StrictJson.Hex(challenge, "nonce", "challenge", 32);
        var reportData = StrictJson.Hex(challenge, "report_data", "challenge", 64);
        if (StrictJson.String(challenge, "report_data_algorithm", "challenge") != ReportDataBinding.V3Algorithm)
        {
            throw StrictJson.Envelope("the REPORT_DATA algorithm is not supported");
        }

        if (!CryptographicOperations.FixedTimeEquals(nonce, expectedNonce))
        {
            throw StrictJson.Envelope("the document answers another nonce than the one sent");
        }

        var cpu = StrictJson.Object(root.GetProperty("cpu_evidence"), "cpu_evidence", ["format", "report_base64", "endorsed"]);
        var isTdx = StrictJson.String(cpu, "format", "cpu_evidence") switch
        {
            SevSnpReportFormat => false,
            TdxQuoteFormat => true,
            _ => throw StrictJson.Envelope("the CPU evidence is neither a SEV-SNP report nor an Intel TDX quote"),
        };

        var report = StrictJson.Base64(cpu, "report_base64", "cpu_evidence");
        if (!isTdx && report.Length != SevSnpReport.Size)
        {
            throw StrictJson.Envelope($"the SEV-SNP report is {report.Length} bytes, not {SevSnpReport.Size}");
        }

        if (isTdx && report.Length is < Tdx.TdxQuote.HeaderSize + Tdx.TdxQuote.BodySize or > Tdx.TdxQuote.MaxSize)
        {
            throw StrictJson.Envelope(
                $"the TDX quote is {report.Length} bytes, outside {Tdx.TdxQuote.HeaderSize + Tdx.TdxQuote.BodySize} to {Tdx.TdxQuote.MaxSize}");
        }

        var endorsed = StrictJson.Object(cpu.GetProperty("endorsed"), "endorsed", ["crypto_material_hash", "device_evidence_hash"]);
        var cryptoMaterial = StrictJson.Base64(root, "crypto_material", "the document");
        var deviceEvidence = StrictJson.Base64(root, "device_evidence", "the document");
        var items = ReadCryptoMaterial(cryptoMaterial);
        var deviceIds = ReadDeviceEvidence(deviceEvidence);
        if (!CryptographicOperations.FixedTimeEquals(StrictJson.Hex(endorsed, "crypto_material_hash", "endorsed", 32),
            SHA256.HashData(cryptoMaterial)))
        {
            throw StrictJson.Envelope("crypto_material does not have the endorsed hash");
        }

        if (!CryptographicOperations.FixedTimeEquals(StrictJson.Hex(endorsed, "device_evidence_hash", "endorsed", 32),
            SHA256.HashData(deviceEvidence)))
        {
            throw StrictJson.Envelope("device_evidence does not have the endorsed hash");
        }

        if (!CryptographicOperations.FixedTimeEquals(ReportDataBinding.ComputeV3(nonce, cryptoMaterial, deviceEvidence), reportData))
        {
            throw StrictJson.Envelope("REPORT_DATA does not bind the nonce and the sections");
        }

        var collateral = ReadCollateral(root.GetProperty("collateral"), deviceIds);
        return new AttestationDocument(document)
        {
            Nonce = nonce,
            ReportData = reportData,
            Report = report,
            IsTdx = isTdx,
            CryptoMaterial = cryptoMaterial,
            DeviceEvidence = deviceEvidence,
            CryptoItems = items,
            Collateral = collateral,
        };
    }

    private static List<CryptoItem> ReadCryptoMaterial(byte[] bytes)
    {
        using var document = StrictJson.Parse(bytes, "crypto_material");
        var root = StrictJson.Object(document.RootElement, "crypto_material", ["format", "items"]);
        if (StrictJson.String(root, "format", "crypto_material") != CryptoMaterialFormat)
        {
            throw StrictJson.Envelope("crypto_material has an unknown format");
        }

        var items = new List<CryptoItem>();
        foreach (var item in Array(root, "items", "crypto_material"))
        {
            StrictJson.Object(item, "a crypto item", ["id", "format", "data"]);
            var id = NonEmpty(item, "id", "a crypto item");
            var format = NonEmpty(item, "format", "a crypto item");
            var data = StrictJson.String(item, "data", "a crypto item");
            if (items.Any(i => i.Id == id))
            {
                throw StrictJson.Envelope($"crypto item '{id}' appears twice");
            }

            if ((format == TlsFingerprintFormat || format == HpkeKeyFormat) && Hex.TryDecodeCanonical(data, 32) is null)
            {
                throw StrictJson.Envelope($"crypto item '{id}' is not 32 bytes of lowercase hex");
            }

            items.Add(new CryptoItem(id, format, data));
        }

        return items;
    }

    private static HashSet<string> ReadDeviceEvidence(byte[] bytes)
    {
        using var document = StrictJson.Parse(bytes, "device_evidence");
        var root = StrictJson.Object(document.RootElement, "device_evidence", ["format", "items"]);
        if (StrictJson.String(root, "format", "device_evidence") != DeviceEvidenceFormat)
        {
            throw StrictJson.Envelope("device_evidence has an unknown format");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in Array(root, "items", "device_evidence"))
        {
            StrictJson.Object(item, "a device item", ["id", "kind", "vendor", "format", "evidence"]);
            if (!ids.Add(NonEmpty(item, "id", "a device item")))
            {
                throw StrictJson.Envelope("a device item id appears twice");
            }

            NonEmpty(item, "kind", "a device item");
            NonEmpty(item, "vendor", "a device item");
            if (!NonEmpty(item, "format", "a device item").StartsWith("https://", StringComparison.Ordinal))
            {
                throw StrictJson.Envelope("a device item's format is not a URI");
            }
        }

        return ids;
    }

    private static List<CollateralItem> ReadCollateral(JsonElement collateral, HashSet<string> deviceIds)
    {
        if (collateral.ValueKind != JsonValueKind.Array)
        {
            throw StrictJson.Envelope("collateral is not an array");
        }

        var list = new List<CollateralItem>();
        foreach (var item in collateral.EnumerateArray())
        {
            StrictJson.Object(item, "a collateral item", ["id", "role", "format", "data"], "subjects");
            var id = NonEmpty(item, "id", "a collateral item");
            if (list.Any(c => c.Id == id))
            {
                throw StrictJson.Envelope($"collateral '{id}' appears twice");
            }

            if (item.TryGetProperty("subjects", out var subjects) &&
                (subjects.ValueKind != JsonValueKind.Array || subjects.GetArrayLength() == 0 ||
                 subjects.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String
                     || (x.GetString() != "cpu" && !deviceIds.Contains(x.GetString()!)))))
            {
                throw StrictJson.Envelope($"collateral '{id}' names subjects that are not 'cpu' or a device item");
            }

            var data = item.GetProperty("data");
            if (data.ValueKind != JsonValueKind.Object)
            {
                throw StrictJson.Envelope($"collateral '{id}' has no data object");
            }

            list.Add(new CollateralItem(id, NonEmpty(item, "role", "a collateral item"), NonEmpty(item, "format", "a collateral item"),
                data));
        }

        return list;
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement element, string name, string what)
    {
        var value = element.GetProperty(name);
        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : throw StrictJson.Envelope($"{what}.{name} is not an array");
    }

    private static string NonEmpty(JsonElement element, string name, string what)
    {
        var value = StrictJson.String(element, name, what);
        return value.Length > 0 ? value : throw StrictJson.Envelope($"{what} has an empty {name}");
    }
}
