using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Sigstore;
using AudioSdk.Testing.Internal.Tinfoil;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// A test enclave: its own AMD-like chain (ARK and ASK with RSA-PSS, a P-384 VCEK for the real chip's id and TCB),
/// and v3 documents built for any nonce that bind a given TLS key. The release, platform endorsements and freshness
/// witnesses are the real signed ones from the captured document, so Sigstore verifies with the production root; the
/// report is the captured one with REPORT_DATA replaced and re-signed by this VCEK.
/// </summary>
internal sealed class SyntheticEnclave
{
    private static readonly Lazy<SyntheticEnclave> Shared = new(() => new SyntheticEnclave());
    private readonly ECDsa _vcekKey;
    private readonly byte[] _vcek;
    private readonly byte[] _crl;
    private readonly byte[] _template;

    public SyntheticEnclave()
    {
        var report = CapturedReport;
        _template = report;
        var signer = new SyntheticAmdSigner(report, new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _vcekKey = signer.VcekKey;
        _vcek = signer.Vcek;
        _crl = signer.Crl;
        Trust = new TinfoilTrust([AmdChain.FromKdsPem("test", signer.ChainPem)], SigstoreTrustedRoot.Production);
    }

    /// <summary>An enclave on a synthetic chain of any generation: its report layout, chip id, VCEK and CRL.</summary>
    public SyntheticEnclave(SyntheticAmdChain amd)
    {
        _vcekKey = amd.VcekKey;
        _vcek = amd.Vcek;
        _crl = amd.Crl();
        _template = amd.Report();
        Trust = new TinfoilTrust([amd.Chain], SigstoreTrustedRoot.Production);
    }

    /// <summary>
    /// The captured report's chip on a synthetic Genoa chain whose VCEK ends at <paramref name="vcekNotAfter"/> and whose CRL
    /// names <paramref name="crlNextUpdate"/> as its next update.
    /// </summary>
    public SyntheticEnclave(DateTimeOffset crlNextUpdate, DateTimeOffset vcekNotAfter)
    {
        _template = CapturedReport;
        var tcb = SevSnpReport.Parse(_template).ReportedTcb;
        var amd = new SyntheticAmdChain(AmdGeneration.Genoa, r => SyntheticAmdChain.AddVcekExtensions(r, _template[0x1A0..0x1E0], tcb), vcekNotAfter: vcekNotAfter);
        _vcekKey = amd.VcekKey;
        _vcek = amd.Vcek;
        _crl = amd.Crl(nextUpdate: crlNextUpdate);
        Trust = new TinfoilTrust([amd.Chain], SigstoreTrustedRoot.Production);
    }

    public static SyntheticEnclave Instance => Shared.Value;

    /// <summary>The VCEK (DER), as AMD's key distribution service would serve it.</summary>
    public byte[] Vcek => _vcek;

    /// <summary>The CRL (DER) signed by this chain's ARK.</summary>
    public byte[] Crl => _crl;

    /// <summary>The CHIP_ID of the report, lowercase hex.</summary>
    public static string ChipIdHex => Convert.ToHexString(CapturedReport.AsSpan(0x1A0, 64)).ToLowerInvariant();

    /// <summary>The roots that trust this enclave's chain (and the production Sigstore root).</summary>
    public TinfoilTrust Trust { get; }

    /// <summary>The appraisal time at which the captured witnesses are fresh.</summary>
    public static DateTimeOffset Time => RealFrozenDocument.Time;

    private static byte[] CapturedReport => Convert.FromBase64String(RealFrozenDocument.Document["cpu_evidence"]!["report_base64"]!.GetValue<string>());

    /// <summary>A document for a nonce binding a TLS key pin; the optional hooks change the report before or after signing.</summary>
    public byte[] Document(string nonceHex, TlsPinBytes tls, Action<byte[]>? beforeSigning = null, Action<byte[]>? afterSigning = null, bool withVcek = true, bool withCrl = true, bool withHpke = true)
    {
        var nonce = Convert.FromHexString(nonceHex);
        var hpke = withHpke ? $$""",{"id":"hpke","format":"https://tinfoil.sh/key/x25519-hpke/v1","data":"{{new string('5', 64)}}"}""" : string.Empty;
        var crypto = Encoding.UTF8.GetBytes(
            $$"""{"format":"https://tinfoil.sh/crypto-material/v1","items":[{"id":"tls","format":"https://tinfoil.sh/key/spki-fp-sha256/v1","data":"{{tls.Hex}}"}{{hpke}}]}""");
        var device = """{"format":"https://tinfoil.sh/device-evidence/v1","items":[]}"""u8.ToArray();
        var reportData = ReportDataBinding.ComputeV3(nonce, crypto, device);
        var report = (byte[])_template.Clone();
        reportData.CopyTo(report, 0x50);
        beforeSigning?.Invoke(report);
        SyntheticAmdSigner.Sign(report, _vcekKey);

        afterSigning?.Invoke(report);
        var captured = RealFrozenDocument.Document;
        var collateral = new JsonArray();
        if (withVcek)
        {
            collateral.Add(new JsonObject { ["id"] = "cpu-endorsement", ["role"] = "endorsement", ["format"] = "https://tinfoil.sh/collateral/amd-vcek/v1", ["data"] = new JsonObject { ["vcek_der_base64"] = Convert.ToBase64String(_vcek) } });
        }

        if (withCrl)
        {
            collateral.Add(new JsonObject { ["id"] = "cpu-crl", ["role"] = "endorsement", ["format"] = "https://tinfoil.sh/collateral/amd-crl/v1", ["data"] = new JsonObject { ["crl_der_base64"] = Convert.ToBase64String(_crl) } });
        }

        foreach (var item in captured["collateral"]!.AsArray().Where(c => c!["role"]!.GetValue<string>() == "reference-values"))
        {
            collateral.Add(item!.DeepClone());
        }

        var document = new JsonObject
        {
            ["format"] = "https://tinfoil.sh/predicate/attestation/v3",
            ["challenge"] = new JsonObject { ["nonce"] = nonceHex, ["report_data"] = Convert.ToHexString(reportData).ToLowerInvariant(), ["report_data_algorithm"] = "https://tinfoil.sh/report-data/v1" },
            ["cpu_evidence"] = new JsonObject
            {
                ["format"] = "https://tinfoil.sh/format/sev-snp-report/v1",
                ["report_base64"] = Convert.ToBase64String(report),
                ["endorsed"] = new JsonObject
                {
                    ["crypto_material_hash"] = Convert.ToHexString(SHA256.HashData(crypto)).ToLowerInvariant(),
                    ["device_evidence_hash"] = Convert.ToHexString(SHA256.HashData(device)).ToLowerInvariant(),
                },
            },
            ["crypto_material"] = Convert.ToBase64String(crypto),
            ["device_evidence"] = Convert.ToBase64String(device),
            ["collateral"] = collateral,
        };
        return Encoding.UTF8.GetBytes(document.ToJsonString());
    }
}

/// <summary>A TLS pin in lowercase hex.</summary>
internal readonly record struct TlsPinBytes(string Hex)
{
    public static TlsPinBytes Of(X509Certificate2 certificate) => new(AudioSdk.Security.TlsPin.Compute(certificate).ToString());
}
