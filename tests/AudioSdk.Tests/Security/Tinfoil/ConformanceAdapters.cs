using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>Maps each stage's vector input onto the verifier layers and their results onto the stage's outputs.</summary>
internal static partial class ConformanceAdapters
{
    public static JsonObject Measurement(JsonObject input)
    {
        var source = ReadMeasurement(input["source"]!.AsObject());
        var target = input["target"] is JsonObject t ? ReadMeasurement(t) : null;
        target?.Let(source.EnsureMatches);
        return new JsonObject
        {
            ["source_fingerprint_hex"] = source.Fingerprint(),
            ["target_fingerprint_hex"] = target?.Fingerprint(),
        };
    }

    public static JsonObject HardwareMeasurements(JsonObject input)
    {
        var enclave = ReadMeasurement(input["enclave_measurement"]!.AsObject());
        var platforms = input["hardware_measurements"]!.AsArray()
            .Select(p => new HardwareMeasurement(p!["id"]!.GetValue<string>(), p["mrtd"]!.GetValue<string>(), p["rtmr0"]!.GetValue<string>()));
        var match = HardwareMeasurement.Match(enclave, platforms);
        return new JsonObject { ["matched_id"] = match.Id, ["matched_mrtd"] = match.Mrtd, ["matched_rtmr0"] = match.Rtmr0 };
    }

    public static JsonObject KeyBinding(JsonObject input)
    {
        var reportData = Hex.TryDecode(input["report_data_hex"]!.GetValue<string>()) ?? throw new FormatException("report_data_hex is not hex");
        var offered = Hex.TryDecode(input["offered_hpke_public_key_hex"]!.GetValue<string>()) ?? throw new FormatException("the key is not hex");
        ReportDataBinding.EnsureHpkeKey(reportData, offered);
        return new JsonObject
        {
            ["attested_hpke_public_key_hex"] = Hex.Lower(ReportDataBinding.HpkeKeyOf(reportData)),
            ["tls_fingerprint_hex"] = ReportDataBinding.TlsPinOf(reportData).ToString(),
        };
    }

    public static JsonObject AttestationSev(JsonObject input)
    {
        var report = VerifySev(input);
        return SevOutputs(report);
    }

    internal static SevSnpReport VerifySev(JsonObject input)
    {
        var compressed = Convert.FromBase64String(input["attestation_doc_b64"]!.GetValue<string>());
        var reportBytes = Base64Strict.TryGunzip(compressed, 1 << 16) ?? throw new FormatException("the attestation document is not gzip");
        var vcek = Convert.FromBase64String(input["vcek_der_b64"]!.GetValue<string>());
        var time = DateTimeOffset.FromUnixTimeSeconds(input["expiration_check_date_unix"]!.GetValue<long>());
        IReadOnlyList<AmdChain> chains = AmdChain.Production;
        if (input["amd_root_ca_pem"]?.GetValue<string>() is { Length: > 0 } arkPem && input["ask_pem"]?.GetValue<string>() is { Length: > 0 } askPem)
        {
            chains = [new AmdChain("injected", DerCertificate.ParsePem(askPem)[0], DerCertificate.ParsePem(arkPem)[0])];
        }

        var policy = SevSnpPolicy.Default;
        if (input["policy"] is JsonObject p)
        {
            policy = new SevSnpPolicy
            {
                ExpectedMeasurement = HexField(p, "expected_measurement_hex"),
                ExpectedHostData = HexField(p, "expected_host_data_hex"),
                ExpectedReportData = HexField(p, "expected_report_data_hex"),
                ExpectedIdKeyDigest = HexField(p, "expected_id_key_digest_hex"),
                ExpectedAuthorKeyDigest = HexField(p, "expected_author_key_digest_hex"),
                MinimumTcb = p.ContainsKey("min_tcb_bl_spl") || p.ContainsKey("min_tcb_tee_spl") || p.ContainsKey("min_tcb_snp_spl") || p.ContainsKey("min_tcb_ucode_spl")
                    ? new SevSnpTcb(0, Spl(p, "min_tcb_bl_spl"), Spl(p, "min_tcb_tee_spl"), Spl(p, "min_tcb_snp_spl"), Spl(p, "min_tcb_ucode_spl"))
                    : null,
            };
        }

        return new SevSnpVerifier(chains).Verify(reportBytes, vcek, time, policy);
    }

    internal static JsonObject SevOutputs(SevSnpReport report) => new()
    {
        ["measurement"] = MeasurementJson(report.ToMeasurement()),
        ["body_fields"] = new JsonObject
        {
            ["version"] = report.Version,
            ["guest_svn"] = report.GuestSvn,
            ["policy_hex"] = report.Policy.ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
            ["family_id_hex"] = Hex.Lower(report.FamilyId),
            ["image_id_hex"] = Hex.Lower(report.ImageId),
            ["vmpl"] = report.Vmpl,
            ["signature_algo"] = report.SignatureAlgorithm,
            ["current_tcb_hex"] = report.CurrentTcbRaw.ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
            ["current_tcb_decoded"] = new JsonObject
            {
                ["bl_spl"] = report.CurrentTcb.Bootloader,
                ["tee_spl"] = report.CurrentTcb.Tee,
                ["snp_spl"] = report.CurrentTcb.Snp,
                ["ucode_spl"] = report.CurrentTcb.Microcode,
            },
            ["platform_info_hex"] = report.PlatformInfo.ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
            ["signer_info_hex"] = report.SignerInfo.ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
            ["report_data_hex"] = Hex.Lower(report.ReportData),
            ["measurement_hex"] = Hex.Lower(report.Measurement),
            ["host_data_hex"] = Hex.Lower(report.HostData),
            ["id_key_digest_hex"] = Hex.Lower(report.IdKeyDigest),
            ["author_key_digest_hex"] = Hex.Lower(report.AuthorKeyDigest),
            ["report_id_hex"] = Hex.Lower(report.ReportId),
            ["chip_id_hex"] = Hex.Lower(report.ChipId),
        },
    };

    internal static JsonObject MeasurementJson(AudioSdk.Security.Tinfoil.Measurement m) => new()
    {
        ["type"] = m.Type,
        ["registers"] = new JsonArray(m.Registers.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray()),
    };

    internal static AudioSdk.Security.Tinfoil.Measurement ReadMeasurement(JsonObject o) =>
        new(o["type"]!.GetValue<string>(), o["registers"]!.AsArray().Select(r => r!.GetValue<string>()).ToArray());

    private static byte[]? HexField(JsonObject o, string name) =>
        o[name]?.GetValue<string>() is { } text ? Hex.TryDecode(text) ?? throw new FormatException($"{name} is not hex") : null;

    private static byte Spl(JsonObject o, string name) => o[name] is { } v ? (byte)v.GetValue<int>() : (byte)0;

    private static void Let<T>(this T value, Action<T> action) => action(value);

    /// <summary>A stage the verifier does not cover: rejects every vector with this code so the runner lists it.</summary>
    public static JsonObject NotCovered(JsonObject input) =>
        throw new AttestationException("This stage is not covered by the verifier.", AttestationStage.Verify) { Code = "NOT_COVERED" };
}
