using System.Text.Json.Nodes;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Tdx;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>The verify-attestation-tdx stage: the quote and inline collateral through <see cref="TdxVerifier"/>.</summary>
internal static partial class ConformanceAdapters
{
    public static JsonObject AttestationTdx(JsonObject input)
    {
        var quote = Convert.FromBase64String(input["quote_b64"]!.GetValue<string>());
        var collateral = TdxCollateralOf(input["collateral"]!.AsObject());
        var time = DateTimeOffset.FromUnixTimeSeconds(input["expiration_check_date_unix"]!.GetValue<long>());
        var root = input["collateral"]!["intel_root_ca_pem"]?.GetValue<string>() is { Length: > 0 } rootPem ? DerCertificate.ParsePem(rootPem)[0] : IntelRoots.SgxRootCa;
        if (input["execution_mode"]?.GetValue<string>() == "public_api")
        {
            // The attestor's own path: Tinfoil's policy, collateral fetched over HTTP from a loopback PCS.
            return TdxOutputs(VerifyThroughAttestorAsync(quote, input["collateral"]!.AsObject(), root, time).GetAwaiter().GetResult().Verification);
        }

        var verified = new TdxVerifier(root).Verify(quote, collateral, time, TdxPolicyOf(input["policy"] as JsonObject, TdxPolicy.Bare));
        return TdxOutputs(verified);
    }

    /// <summary>Serves the collateral at Intel PCS paths (issuer chains in the PCS headers) and verifies through <see cref="TinfoilAttestor"/>.</summary>
    internal static async Task<TdxEnclave> VerifyThroughAttestorAsync(byte[] quote, JsonObject c, DerCertificate root, DateTimeOffset time)
    {
        await using var pcs = ServePcs(c);
        var options = new TinfoilAttestorOptions
        {
            IntelCollateralEndpoint = pcs.BaseAddress,
            IntelRootCrlEndpoint = new Uri(pcs.BaseAddress, "IntelSGXRootCA.der"),
            TimeProvider = new FixedClock(time),
        };
        using var attestor = new TinfoilAttestor("tinfoilsh/confidential-model-router", options, TinfoilTrust.Production with { IntelRoot = root }, null);
        return await attestor.VerifyTdxQuoteAsync(quote, CancellationToken.None);
    }

    /// <summary>A loopback PCS serving a vector's collateral at Intel's paths, the issuer chains in PCS's headers, the root CRL at <c>/IntelSGXRootCA.der</c>.</summary>
    internal static CollateralServer ServePcs(JsonObject c)
    {
        static string Header(string name, JsonNode? pem) => pem is null ? string.Empty : $"{name}: {Uri.EscapeDataString(pem.GetValue<string>())}";
        return new CollateralServer(
            new Dictionary<string, byte[]>
            {
                ["/tdx/certification/v4/tcb"] = System.Text.Encoding.UTF8.GetBytes(c["tcb_info_json"]!.GetValue<string>()),
                ["/tdx/certification/v4/qe/identity"] = System.Text.Encoding.UTF8.GetBytes(c["qe_identity_json"]!.GetValue<string>()),
                ["/sgx/certification/v4/pckcrl"] = Convert.FromBase64String(c["pck_crl_der_b64"]!.GetValue<string>()),
                ["/IntelSGXRootCA.der"] = Convert.FromBase64String(c["root_crl_der_b64"]!.GetValue<string>()),
            },
            new Dictionary<string, string>
            {
                ["/tdx/certification/v4/tcb"] = Header("TCB-Info-Issuer-Chain", c["tcb_info_issuer_chain_pem"]),
                ["/tdx/certification/v4/qe/identity"] = Header("SGX-Enclave-Identity-Issuer-Chain", c["qe_identity_issuer_chain_pem"]),
            });
    }

    internal static TdxCollateral TdxCollateralOf(JsonObject c) => new()
    {
        TcbInfoJson = c["tcb_info_json"]!.GetValue<string>(),
        QeIdentityJson = c["qe_identity_json"]!.GetValue<string>(),
        PckCrl = Convert.FromBase64String(c["pck_crl_der_b64"]!.GetValue<string>()),
        RootCrl = Convert.FromBase64String(c["root_crl_der_b64"]!.GetValue<string>()),
        TcbInfoIssuerChainPem = c["tcb_info_issuer_chain_pem"]?.GetValue<string>(),
        QeIdentityIssuerChainPem = c["qe_identity_issuer_chain_pem"]?.GetValue<string>(),
    };

    internal static TdxPolicy TdxPolicyOf(JsonObject? p, TdxPolicy basis)
    {
        if (p is null)
        {
            return basis;
        }

        return basis with
        {
            TcbEvaluationRequired = p["tcb_evaluation_required"]?.GetValue<bool>() ?? basis.TcbEvaluationRequired,
            AcceptedResults = p["accepted_qv_results"] is JsonArray results ? results.Select(r => r!.GetValue<string>()).ToArray() : basis.AcceptedResults,
            ExpectedFmspc = HexField(p, "expected_fmspc_hex") ?? basis.ExpectedFmspc,
            MinimumEvaluationDataNumber = p["min_tcb_evaluation_data_number"]?.GetValue<int>() ?? basis.MinimumEvaluationDataNumber,
            EnforceSpecDefaults = p["enforce_spec_defaults"]?.GetValue<bool>() ?? basis.EnforceSpecDefaults,
            ExpectedQeVendorId = HexField(p, "expected_qe_vendor_id_hex") ?? basis.ExpectedQeVendorId,
            ExpectedTdAttributes = HexField(p, "expected_td_attributes_hex") ?? basis.ExpectedTdAttributes,
            ExpectedXfam = HexField(p, "expected_xfam_hex") ?? basis.ExpectedXfam,
            ExpectedMrSignerSeam = HexField(p, "expected_mr_signer_seam_hex") ?? basis.ExpectedMrSignerSeam,
            ExpectedSeamAttributes = HexField(p, "expected_seam_attributes_hex") ?? basis.ExpectedSeamAttributes,
            MrSeamAllowlist = p["expected_mrseam_allowlist"] is JsonArray seams
                ? seams.Select(s => Hex.TryDecode(s!.GetValue<string>()) ?? throw new FormatException("an MR_SEAM is not hex")).ToArray()
                : basis.MrSeamAllowlist,
            ExpectedMrTd = HexField(p, "expected_mrtd_hex") ?? basis.ExpectedMrTd,
            ExpectedMrConfigId = HexField(p, "expected_mr_config_id_hex") ?? basis.ExpectedMrConfigId,
            ExpectedMrOwner = HexField(p, "expected_mr_owner_hex") ?? basis.ExpectedMrOwner,
            ExpectedMrOwnerConfig = HexField(p, "expected_mr_owner_config_hex") ?? basis.ExpectedMrOwnerConfig,
            ExpectedRtmr3 = HexField(p, "expected_rtmr3_hex") ?? basis.ExpectedRtmr3,
            ExpectedReportData = HexField(p, "expected_report_data_hex") ?? basis.ExpectedReportData,
            MinimumTeeTcbSvn = HexField(p, "min_tee_tcb_svn_hex") ?? basis.MinimumTeeTcbSvn,
        };
    }

    internal static JsonObject TdxOutputs(TdxVerification verified)
    {
        var q = verified.Quote;
        var attributes = q.TdAttributesValue;
        var outputs = new JsonObject
        {
            ["measurement"] = MeasurementJson(q.ToMeasurement()),
            ["qv_result"] = verified.Result ?? "OK",
            ["collateral_expired"] = false,
            ["quote_version"] = (int)q.Version,
            ["tee_type"] = "TDX",
            ["fmspc_hex"] = Hex.Lower(verified.Fmspc),
            ["header_fields"] = new JsonObject
            {
                ["attestation_key_type"] = (int)q.AttestationKeyType,
                ["qe_vendor_id_hex"] = Hex.Lower(q.QeVendorId),
                ["user_data_hex"] = Hex.Lower(q.UserData),
            },
            ["body_fields"] = new JsonObject
            {
                ["tee_tcb_svn_hex"] = Hex.Lower(q.TeeTcbSvn),
                ["mrseam_hex"] = Hex.Lower(q.MrSeam),
                ["mrsignerseam_hex"] = Hex.Lower(q.MrSignerSeam),
                ["seam_attributes_hex"] = Hex.Lower(q.SeamAttributes),
                ["td_attributes_hex"] = Hex.Lower(q.TdAttributes),
                ["td_attributes_decoded"] = new JsonObject
                {
                    ["tud_debug"] = (attributes & 1) != 0,
                    ["tud_reserved_nonzero"] = (attributes & 0xFE) != 0,
                    ["sec_reserved_lower_nonzero"] = (attributes & 0x0FFFFF00) != 0,
                    ["sec_sept_ve_disable"] = (attributes & (1UL << 28)) != 0,
                    ["sec_reserved_bit29"] = (attributes & (1UL << 29)) != 0,
                    ["sec_pks"] = (attributes & (1UL << 30)) != 0,
                    ["sec_kl"] = (attributes & (1UL << 31)) != 0,
                    ["other_reserved_nonzero"] = (attributes & 0x7FFFFFFF00000000) != 0,
                    ["other_perfmon"] = (attributes & (1UL << 63)) != 0,
                },
                ["xfam_hex"] = Hex.Lower(q.Xfam),
                ["mrtd_hex"] = Hex.Lower(q.MrTd),
                ["mrconfigid_hex"] = Hex.Lower(q.MrConfigId),
                ["mrowner_hex"] = Hex.Lower(q.MrOwner),
                ["mrownerconfig_hex"] = Hex.Lower(q.MrOwnerConfig),
                ["rtmrs_hex"] = new JsonArray(Enumerable.Range(0, 4).Select(i => (JsonNode?)JsonValue.Create(Hex.Lower(q.Rtmr(i)))).ToArray()),
                ["report_data_hex"] = Hex.Lower(q.ReportData),
            },
        };
        if (verified.TcbStatus is { } status)
        {
            outputs["tcb_status"] = status;
        }

        return outputs;
    }
}
