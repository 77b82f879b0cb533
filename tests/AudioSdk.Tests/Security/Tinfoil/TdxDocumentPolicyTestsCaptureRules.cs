using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil.Tdx;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The <c>intel-pcs</c> collateral item of a v3 document (<see cref="IntelPcsCollateral"/>) capture by capture, on the golden TDX
/// document: which URL fills which slot, the headers read (and only validated where unused), and each malformed, duplicate or
/// missing capture refused at the quote layer with the reason that names it.
/// </summary>
public sealed class TdxDocumentPolicyTestsCaptureRules
{
    private const string Prefix = "Tinfoil attestation refused (";

    private static JsonArray Responses(JsonObject pcs) => pcs["data"]!["responses"]!.AsArray();

    private static JsonObject Ignored(string url) => new()
    {
        ["url"] = url,
        ["body_base64"] = "AA==",
        ["headers"] = new JsonObject { ["Content-Type"] = new JsonArray("application/octet-stream") },
    };

    private static TdxCollateral Read(Action<JsonObject> change)
    {
        using var document = TdxDocumentPolicyTests.Golden(change);
        return IntelPcsCollateral.From(document)!;
    }

    private static void Refused(Action<JsonObject> change, string code, string reason)
    {
        using var document = TdxDocumentPolicyTests.Golden(change);
        var ex = Assert.Throws<AttestationException>(() => IntelPcsCollateral.From(document));
        Assert.Equal((AttestationStage.CertificateChain, code), (ex.Stage, ex.Code));
        Assert.Equal($"{Prefix}{code}): {reason}", ex.Message);
    }

    private static void Malformed(Action<JsonObject> change, string reason) => Refused(change, "COLLATERAL_MALFORMED", reason);

    private static void Missing(Action<JsonObject> change, string what) =>
        Refused(change, "COLLATERAL_MISSING", $"the intel-pcs collateral lacks {what}");

    [Fact]
    public void EachSlot_IsFilledFromTheResponseItsUrlNames()
    {
        byte[] pckCrl = [], rootCrl = [];
        var collateral = Read(pcs =>
        {
            pckCrl = Convert.FromBase64String(Responses(pcs)[2]!["body_base64"]!.GetValue<string>());
            rootCrl = Convert.FromBase64String(Responses(pcs)[3]!["body_base64"]!.GetValue<string>());
        });

        Assert.Equal(pckCrl, collateral.PckCrl);
        Assert.Equal(rootCrl, collateral.RootCrl);
        Assert.NotEqual(pckCrl, rootCrl);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----\n", collateral.QeIdentityIssuerChainPem, StringComparison.Ordinal);
        Assert.StartsWith("{\"tcbInfo\"", collateral.TcbInfoJson, StringComparison.Ordinal);
        Assert.StartsWith("{\"enclaveIdentity\"", collateral.QeIdentityJson, StringComparison.Ordinal);
    }

    [Fact]
    public void SixteenResponses_AreAccepted_SeventeenOrNoneOrNotAnArray_AreRefused()
    {
        static Action<JsonObject> Padded(int extra) => pcs =>
        {
            for (var i = 0; i < extra; i++)
            {
                Responses(pcs).Add(Ignored($"https://api.trustedservices.intel.com/sgx/certification/v4/other{i}"));
            }
        };

        Assert.NotEmpty(Read(Padded(12)).RootCrl);
        const string Reason = "collateral 'pcs' does not hold 1 to 16 responses";
        Malformed(Padded(13), Reason);
        Malformed(pcs => pcs["data"]!["responses"] = new JsonArray(), Reason);
        Malformed(pcs => pcs["data"]!["responses"] = new JsonObject(), Reason);
    }

    [Fact]
    public void UrlsOfNoSlot_AreIgnored_EvenDerOrRootCaLookalikes()
    {
        var golden = Read(_ => { });
        var collateral = Read(pcs =>
        {
            Responses(pcs).Add(Ignored("https://certificates.trustedservices.intel.com/IntelSGXPlatformCA.der"));
            Responses(pcs).Add(Ignored("https://certificates.trustedservices.intel.com/IntelSGXRootCA.crl"));
            Responses(pcs).Add(Ignored("https://api.trustedservices.intel.com/tdx/certification/v4/tcb/other"));
        });

        Assert.Equal(golden.RootCrl, collateral.RootCrl);
        Assert.Equal(golden.TcbInfoJson, collateral.TcbInfoJson);
    }

    [Fact]
    public void EachCaptureTwice_IsRefused_NamingIt()
    {
        string[] names = ["TCB info", "QE identity", "PCK CRL", "root CA CRL"];
        for (var i = 0; i < names.Length; i++)
        {
            var index = i;
            Malformed(pcs => Responses(pcs).Add(Responses(pcs)[index]!.DeepClone()), $"the intel-pcs collateral holds the {names[i]} twice");
        }
    }

    [Fact]
    public void EachCaptureMissing_IsRefused_NamingIt()
    {
        string[] names = ["TCB info", "QE identity", "PCK CRL", "root CA CRL"];
        for (var i = 0; i < names.Length; i++)
        {
            var index = i;
            Missing(pcs => Responses(pcs).RemoveAt(index), $"the {names[i]} response");
        }
    }

    [Fact]
    public void AnIssuerChainHeaderMissing_IsRefused_NamingIt()
    {
        Missing(pcs => Responses(pcs)[0]!["headers"] = new JsonObject(), "the TCB info's issuer chain header");
        Missing(pcs => Responses(pcs)[1]!["headers"] = new JsonObject(), "the QE identity's issuer chain header");
    }

    [Fact]
    public void ABodyNotUtf8_IsRefused_NamingIt()
    {
        var invalid = Convert.ToBase64String([0x7b, 0xff, 0xfe, 0x7d]);
        Malformed(pcs => Responses(pcs)[0]!["body_base64"] = invalid, "the TCB info response is not UTF-8");
        Malformed(pcs => Responses(pcs)[1]!["body_base64"] = invalid, "the QE identity response is not UTF-8");
    }

    [Fact]
    public void AnIssuerChainHeader_IsMatchedWithoutCase_OnceOnly_AndOtherHeadersAreLeftAlone()
    {
        string chain = string.Empty;
        var collateral = Read(pcs =>
        {
            var headers = Responses(pcs)[0]!["headers"]!.AsObject();
            chain = Uri.UnescapeDataString(headers["Tcb-Info-Issuer-Chain"]![0]!.GetValue<string>());
            headers["Content-Type"] = new JsonArray("application/json");
            headers["Request-ID"] = new JsonArray("a", "b");
            Responses(pcs)[2]!["headers"]!["Date"] = new JsonArray("Wed, 01 Jan 2025 00:00:00 GMT");
        });
        Assert.Equal(chain, collateral.TcbInfoIssuerChainPem);

        Malformed(pcs => Responses(pcs)[0]!["headers"]!["TCB-INFO-ISSUER-CHAIN"] = new JsonArray("x"),
            "PCS response header 'TCB-Info-Issuer-Chain' appears twice");
    }

    [Fact]
    public void AnIssuerChainSplitOverSeveralStrings_IsJoined()
    {
        var golden = Read(_ => { });
        var collateral = Read(pcs =>
        {
            var value = Responses(pcs)[1]!["headers"]!["Sgx-Enclave-Identity-Issuer-Chain"]![0]!.GetValue<string>();
            Responses(pcs)[1]!["headers"]!["Sgx-Enclave-Identity-Issuer-Chain"] = new JsonArray(value[..100], value[100..]);
        });

        Assert.Equal(golden.QeIdentityIssuerChainPem, collateral.QeIdentityIssuerChainPem);
    }

    [Fact]
    public void HeadersAreValidated_EvenOnResponsesWhoseHeadersAreNotRead()
    {
        Malformed(pcs => Responses(pcs)[2]!["headers"] = new JsonArray(), "a PCS response's headers is not an object");
        Malformed(pcs => Responses(pcs)[3]!["headers"] = "none", "a PCS response's headers is not an object");
        Malformed(pcs => Responses(pcs)[3]!["headers"] = new JsonObject { ["Date"] = new JsonArray("x", 1) },
            "PCS response header 'Date' is not an array of strings");
        Malformed(pcs => Responses(pcs)[0]!["headers"]!["Date"] = new JsonArray(1, "x"),
            "PCS response header 'Date' is not an array of strings");
        Malformed(pcs => Responses(pcs)[0]!["headers"]!["Date"] = "x", "PCS response header 'Date' is not an array of strings");
    }

    [Fact]
    public void MalformedResponses_AreRefused_WithTheEnvelopeReasonUnderTheItem()
    {
        const string Envelope = "collateral 'pcs': Tinfoil attestation refused (ENVELOPE_REJECTED): ";
        Malformed(pcs => pcs["data"]!["cached"] = true, Envelope + "the intel-pcs data has an unknown member 'cached'");
        Malformed(pcs => Responses(pcs)[0]!["status"] = 200, Envelope + "a PCS response has an unknown member 'status'");
        Malformed(pcs => Responses(pcs)[2]!.AsObject().Remove("headers"), Envelope + "a PCS response lacks one of url, body_base64, headers");
        Malformed(pcs => Responses(pcs)[0]!["url"] = 1, Envelope + "a PCS response.url is not a string");
        Malformed(pcs => Responses(pcs)[3]!["body_base64"] = "AA", Envelope + "a PCS response.body_base64 is not canonical base64");
    }

    [Fact]
    public void AUrlNotAbsoluteHttps_IsRefused()
    {
        const string Reason = "a PCS response's url is not an absolute https URL";
        Malformed(pcs => Responses(pcs)[0]!["url"] = "http://api.trustedservices.intel.com/tdx/certification/v4/tcb", Reason);
        Malformed(pcs => Responses(pcs)[3]!["url"] = "/IntelSGXRootCA.der", Reason);
    }

    [Fact]
    public void AnItemNotAnEndorsement_IsRefused()
    {
        Malformed(pcs => pcs["role"] = "reference-values", "collateral 'pcs' is not an endorsement");
    }
}
