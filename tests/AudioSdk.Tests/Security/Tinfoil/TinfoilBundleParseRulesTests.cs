using System.Text;
using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Bundle;
using AudioSdk.Tests.Security.Tinfoil.Differential;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The envelope rules of an attestation bundle on the real captured Genoa bundle: each field malformed once is refused
/// before any check of its content, with the reason that names it; the size and domain limits hold on their boundary.
/// </summary>
public sealed class TinfoilBundleParseRulesTests
{
    [Fact]
    public void TheRealBundle_Parses_IntoItsFields()
    {
        var real = BundleVariants.LoadReal();

        using var bundle = AttestationBundle.Parse(Bytes(real));

        Assert.Equal("inference.tinfoil.sh", bundle.Domain);
        Assert.Equal(AttestationBundle.ReportFormat, bundle.Format);
        Assert.Equal(SevSnpReport.Size, bundle.Report.Length);
        Assert.Equal(real["digest"]!.GetValue<string>(), bundle.Digest);
        Assert.Equal(Convert.FromBase64String(real["vcek"]!.GetValue<string>()), bundle.Vcek);
    }

    [Fact]
    public void ABundleOfExactlyTheLimit_Parses_OneByteMore_IsRefused()
    {
        var json = BundleVariants.LoadReal().ToJsonString();
        var exact = Encoding.UTF8.GetBytes(json + new string(' ', AttestationBundle.MaxBytes - Encoding.UTF8.GetByteCount(json)));
        Assert.Equal(AttestationBundle.MaxBytes, exact.Length);

        using (AttestationBundle.Parse(exact))
        {
        }

        var ex = Assert.Throws<AttestationException>(() => AttestationBundle.Parse(exact.Append((byte)' ').ToArray()));
        AssertMalformed(ex, $"the bundle is larger than {AttestationBundle.MaxBytes} bytes");
    }

    [Fact]
    public void ADomainOf253Characters_Parses_254_IsRefused()
    {
        var domain = new string('a', 63) + "." + new string('b', 63) + "." + new string('c', 63) + "." + new string('d', 61);
        Assert.Equal(253, domain.Length);
        var real = BundleVariants.LoadReal();
        real["domain"] = domain;

        using (var bundle = AttestationBundle.Parse(Bytes(real)))
        {
            Assert.Equal(domain, bundle.Domain);
        }

        var longer = domain[..^61] + new string('d', 62);
        real["domain"] = longer;
        AssertMalformed(Refused(real), $"the domain '{longer}' is not a lower-case DNS host name");
    }

    [Fact]
    public void EachMalformedField_IsRefusedWithTheReasonThatNamesIt()
    {
        var pem = BundleVariants.LoadReal()["enclaveCert"]!.GetValue<string>();
        var cases = new (Action<JsonObject> Change, string Reason)[]
        {
            (b => b["domain"] = "in ference.tinfoil.sh", "the domain 'in ference.tinfoil.sh' is not a lower-case DNS host name"),
            (b => b["domain"] = "inference.tinfoil.sh.", "the domain 'inference.tinfoil.sh.' is not a lower-case DNS host name"),
            (b => b["domain"] = "Inference.tinfoil.sh", "the domain 'Inference.tinfoil.sh' is not a lower-case DNS host name"),
            (b => b["domain"] = string.Empty, "the domain '' is not a lower-case DNS host name"),
            (b => b["domain"] = 7, "domain is not a string"),
            (b => b.Remove("domain"), "domain is not a string"),
            (b => b["enclaveAttestationReport"] = "report", "enclaveAttestationReport is not an object"),
            (b => b.Remove("enclaveAttestationReport"), "enclaveAttestationReport is not an object"),
            (b => b["enclaveAttestationReport"]!["format"] = "v1", $"the report format 'v1' is not {AttestationBundle.ReportFormat}"),
            (b => b["enclaveAttestationReport"]!["body"] = "QR==", "the report body is not canonical base64"),
            (b => b["enclaveAttestationReport"]!["body"] = Convert.ToBase64String([.. Convert.FromBase64String(b["enclaveAttestationReport"]!["body"]!.GetValue<string>()), 0]),
                $"the report body is not one well-formed gzip member of a {SevSnpReport.Size}-byte report"),
            (b => b["vcek"] = "QR==", "the VCEK is not canonical base64"),
            (b => b["digest"] = b["digest"]!.GetValue<string>().ToUpperInvariant(), "the release digest is not 64 lower-case hex digits"),
            (b => b["sigstoreBundle"] = "bundle", "sigstoreBundle is not an object"),
            (b => b.Remove("sigstoreBundle"), "sigstoreBundle is not an object"),
            (b => b["enclaveCert"] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", "the enclave certificate does not parse"),
            (b => b["enclaveCert"] = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----", "the enclave certificate does not parse"),
            (b => b["enclaveCert"] = pem + "\n" + pem, "enclaveCert holds 2 certificates, not one"),
            (b => b["enclaveCert"] = "no certificate", "enclaveCert holds 0 certificates, not one"),
            (b => b["enclaveCert"] = BrokenIssuerPem(pem), "the enclave certificate's issuer or subject is not a DER-encoded name"),
        };

        foreach (var (change, reason) in cases)
        {
            var bundle = BundleVariants.LoadReal();
            change(bundle);

            AssertMalformed(Refused(bundle), reason);
        }
    }

    [Fact]
    public void NotJsonOrNotAnObject_IsRefused()
    {
        AssertMalformed(Assert.Throws<AttestationException>(() => AttestationBundle.Parse("{\"domain\":"u8.ToArray())), "the attestation bundle is not a single JSON value");
        AssertMalformed(Assert.Throws<AttestationException>(() => AttestationBundle.Parse("[]"u8.ToArray())), "the bundle is not a JSON object");
    }

    /// <summary>The real enclave certificate with the first (OID, value) pair of its issuer retagged as a SET: same lengths, not a Name.</summary>
    private static string BrokenIssuerPem(string pem)
    {
        var certificate = DerCertificate.ParsePem(pem)[0];
        var raw = certificate.Raw.ToArray();
        var issuer = certificate.Issuer.ToArray();
        var at = raw.AsSpan().IndexOf(issuer);
        Assert.True(at > 0);
        var oid = Array.IndexOf(issuer, (byte)0x06);
        Assert.Equal(0x30, raw[at + oid - 2]);
        raw[at + oid - 2] = 0x31;
        return "-----BEGIN CERTIFICATE-----\n" + Convert.ToBase64String(raw) + "\n-----END CERTIFICATE-----";
    }

    private static AttestationException Refused(JsonObject bundle) =>
        Assert.Throws<AttestationException>(() => AttestationBundle.Parse(Bytes(bundle)));

    private static void AssertMalformed(AttestationException ex, string reason)
    {
        Assert.Equal((AttestationStage.Envelope, "BUNDLE_MALFORMED"), (ex.Stage, ex.Code));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    private static byte[] Bytes(JsonObject bundle) => Encoding.UTF8.GetBytes(bundle.ToJsonString());
}
