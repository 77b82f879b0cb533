using System.Text;
using System.Text.Json;
using AudioSdk.Security.Tinfoil.V3;

namespace AudioSdk.Security.Tinfoil.Tdx;

/// <summary>
/// The <c>intel-pcs</c> collateral item of a v3 document: Intel PCS responses the enclave captured (URL, base64 body,
/// response headers), replayed instead of fetched. The TCB info, QE identity, PCK CRL and root CRL are picked by the
/// path of their URL; the issuer chains come from the headers PCS sends them in (URL-encoded PEM). Nothing here is
/// trusted: <see cref="TdxVerifier"/> checks every signature against Intel's root.
/// </summary>
internal static class IntelPcsCollateral
{
    public const string Format = "https://tinfoil.sh/collateral/intel-pcs/v1";

    /// <summary>At most this many captured responses (four are used).</summary>
    public const int MaxResponses = 16;

    /// <summary>Reads the collateral from the document's <c>intel-pcs</c> endorsement for the CPU, or null when it carries none.</summary>
    /// <exception cref="AttestationException">Stage CertificateChain (QUOTE layer): the item is malformed or lacks a response.</exception>
    public static TdxCollateral? From(AttestationDocument document)
    {
        var item = document.Collateral.FirstOrDefault(c => c.Format == Format);
        if (item is null)
        {
            return null;
        }

        if (item.Role != "endorsement")
        {
            throw Malformed($"collateral '{item.Id}' is not an endorsement");
        }

        try
        {
            return Read(item);
        }
        catch (AttestationException ex) when (ex.Stage == AttestationStage.Envelope)
        {
            throw Malformed($"collateral '{item.Id}': {ex.Message}", ex);
        }
    }

    private static TdxCollateral Read(CollateralItem item)
    {
        var data = StrictJson.Object(item.Data, "the intel-pcs data", ["responses"]);
        var responses = data.GetProperty("responses");
        if (responses.ValueKind != JsonValueKind.Array || responses.GetArrayLength() is 0 or > MaxResponses)
        {
            throw Malformed($"collateral '{item.Id}' does not hold 1 to {MaxResponses} responses");
        }

        (byte[] Body, string? Chain)? tcb = null, qe = null, pckCrl = null, rootCrl = null;
        foreach (var response in responses.EnumerateArray())
        {
            StrictJson.Object(response, "a PCS response", ["url", "body_base64", "headers"]);
            var url = StrictJson.String(response, "url", "a PCS response");
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            {
                throw Malformed("a PCS response's url is not an absolute https URL");
            }

            var body = StrictJson.Base64(response, "body_base64", "a PCS response");
            var headers = response.GetProperty("headers");
            Header(headers, string.Empty);
            var path = uri.AbsolutePath;
            if (path.EndsWith("/tdx/certification/v4/tcb", StringComparison.Ordinal))
            {
                Set(ref tcb, body, Header(headers, "TCB-Info-Issuer-Chain"), "TCB info");
            }
            else if (path.EndsWith("/tdx/certification/v4/qe/identity", StringComparison.Ordinal))
            {
                Set(ref qe, body, Header(headers, "SGX-Enclave-Identity-Issuer-Chain"), "QE identity");
            }
            else if (path.EndsWith("/sgx/certification/v4/pckcrl", StringComparison.Ordinal))
            {
                Set(ref pckCrl, body, null, "PCK CRL");
            }
            else if (path.EndsWith(".der", StringComparison.Ordinal) && path.Contains("RootCA", StringComparison.Ordinal))
            {
                Set(ref rootCrl, body, null, "root CA CRL");
            }

            // Other captured responses are not used (Tinfoil's verifier ignores them too).
        }

        return new TdxCollateral
        {
            TcbInfoJson = Utf8(Required(tcb, "TCB info").Body, "TCB info"),
            TcbInfoIssuerChainPem = Required(tcb, "TCB info").Chain ?? throw Missing("the TCB info's issuer chain header"),
            QeIdentityJson = Utf8(Required(qe, "QE identity").Body, "QE identity"),
            QeIdentityIssuerChainPem = Required(qe, "QE identity").Chain ?? throw Missing("the QE identity's issuer chain header"),
            PckCrl = Required(pckCrl, "PCK CRL").Body,
            RootCrl = Required(rootCrl, "root CA CRL").Body,
        };
    }

    private static void Set(ref (byte[] Body, string? Chain)? slot, byte[] body, string? chain, string what)
    {
        if (slot is not null)
        {
            throw Malformed($"the intel-pcs collateral holds the {what} twice");
        }

        slot = (body, chain);
    }

    private static (byte[] Body, string? Chain) Required((byte[] Body, string? Chain)? slot, string what) =>
        slot ?? throw Missing($"the {what} response");

    /// <summary>
    /// Checks the headers object (names to arrays of strings) and returns the named header, URL-decoded, matched without regard to
    /// case as HTTP does; null when absent or when <paramref name="name"/> is empty (validation only).
    /// </summary>
    private static string? Header(JsonElement headers, string name)
    {
        if (headers.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("a PCS response's headers is not an object");
        }

        string? found = null;
        foreach (var header in headers.EnumerateObject())
        {
            if (header.Value.ValueKind != JsonValueKind.Array || header.Value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
            {
                throw Malformed($"PCS response header '{header.Name}' is not an array of strings");
            }

            if (name.Length > 0 && string.Equals(header.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                if (found is not null)
                {
                    throw Malformed($"PCS response header '{name}' appears twice");
                }

                try
                {
                    found = Uri.UnescapeDataString(string.Concat(header.Value.EnumerateArray().Select(v => v.GetString())));
                }
                catch (UriFormatException ex)
                {
                    throw Malformed($"PCS response header '{name}' is not URL-encoded text", ex);
                }
            }
        }

        return found;
    }

    private static string Utf8(byte[] body, string what)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(body);
        }
        catch (DecoderFallbackException ex)
        {
            throw Malformed($"the {what} response is not UTF-8", ex);
        }
    }

    private static AttestationException Missing(string what) =>
        Reject.With(AttestationStage.CertificateChain, "COLLATERAL_MISSING", $"the intel-pcs collateral lacks {what}");

    private static AttestationException Malformed(string why, Exception? inner = null) =>
        Reject.With(AttestationStage.CertificateChain, "COLLATERAL_MALFORMED", why, inner);
}
