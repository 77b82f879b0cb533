using System.Formats.Asn1;
using System.Text.Json;
using AudioSdk.Security.Tinfoil.V3;

namespace AudioSdk.Security.Tinfoil.Bundle;

/// <summary>
/// Tinfoil's attestation bundle, as its attestation service serves it at <c>/attestation</c>: the router's domain, the
/// gzipped SEV-SNP report (format <c>sev-snp-guest/v2</c>), the VCEK, the release digest, the release's Sigstore
/// bundle and the enclave's TLS certificate. Parsed strictly (valid UTF-8, no duplicate members, every field of its
/// type, canonical base64, lower-case hex and host name); members it does not use are ignored.
/// </summary>
internal sealed class AttestationBundle : IDisposable
{
    public const string ReportFormat = "https://tinfoil.sh/predicate/sev-snp-guest/v2";
    public const int MaxBytes = 1024 * 1024;
    private const string Code = "BUNDLE_MALFORMED";

    private readonly JsonDocument _json;

    private AttestationBundle(JsonDocument json, string domain, string format, string body, byte[] report, byte[] vcek, string digest,
        JsonElement sigstore, DerCertificate certificate)
    {
        _json = json;
        Domain = domain;
        Format = format;
        Body = body;
        Report = report;
        Vcek = vcek;
        Digest = digest;
        SigstoreBundle = sigstore;
        EnclaveCertificate = certificate;
    }

    public string Domain { get; }
    public string Format { get; }

    /// <summary>The report body exactly as served (base64 of gzip), which the certificate's <c>.hatt.</c> names hash.</summary>
    public string Body { get; }

    /// <summary>The 1184-byte SEV-SNP report.</summary>
    public byte[] Report { get; }

    public byte[] Vcek { get; }
    public string Digest { get; }
    public JsonElement SigstoreBundle { get; }
    public DerCertificate EnclaveCertificate { get; }

    /// <exception cref="AttestationException">The bundle is malformed (stage Envelope, code BUNDLE_MALFORMED).</exception>
    public static AttestationBundle Parse(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length > MaxBytes)
        {
            throw Malformed($"the bundle is larger than {MaxBytes} bytes");
        }

        JsonDocument json;
        try
        {
            json = StrictJson.Parse(bytes, "the attestation bundle");
        }
        catch (AttestationException ex)
        {
            throw Malformed(ex.Message, ex);
        }

        try
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Malformed("the bundle is not a JSON object");
            }

            var domain = Text(root, "domain");
            if (domain.Length is 0 or > 253 || Uri.CheckHostName(domain) != UriHostNameType.Dns
                || !string.Equals(domain, domain.ToLowerInvariant(), StringComparison.Ordinal)
                || domain.EndsWith('.'))
            {
                throw Malformed($"the domain '{domain}' is not a lower-case DNS host name");
            }

            if (!root.TryGetProperty("enclaveAttestationReport", out var attestation) || attestation.ValueKind != JsonValueKind.Object)
            {
                throw Malformed("enclaveAttestationReport is not an object");
            }

            var format = Text(attestation, "format");
            if (!string.Equals(format, ReportFormat, StringComparison.Ordinal))
            {
                throw Malformed($"the report format '{format}' is not {ReportFormat}");
            }

            var body = Text(attestation, "body");
            var compressed = Base64Strict.TryDecodeCanonical(body) ?? throw Malformed("the report body is not canonical base64");
            var report = StrictGzip.TryDecompress(compressed, SevSnpReport.Size)
                ?? throw Malformed($"the report body is not one well-formed gzip member of a {SevSnpReport.Size}-byte report");
            var vcek = Base64Strict.TryDecodeCanonical(Text(root, "vcek")) ?? throw Malformed("the VCEK is not canonical base64");
            var digest = Text(root, "digest");
            if (Hex.TryDecodeCanonical(digest, 32) is null)
            {
                throw Malformed("the release digest is not 64 lower-case hex digits");
            }

            if (!root.TryGetProperty("sigstoreBundle", out var sigstore) || sigstore.ValueKind != JsonValueKind.Object)
            {
                throw Malformed("sigstoreBundle is not an object");
            }

            List<DerCertificate> certificates;
            try
            {
                certificates = DerCertificate.ParsePem(Text(root, "enclaveCert"));
            }
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or FormatException)
            {
                throw Malformed("the enclave certificate does not parse", ex);
            }

            if (certificates.Count != 1)
            {
                throw Malformed($"enclaveCert holds {certificates.Count} certificates, not one");
            }

            if (!IsName(certificates[0].Issuer) || !IsName(certificates[0].Subject))
            {
                throw Malformed("the enclave certificate's issuer or subject is not a DER-encoded name");
            }

            return new AttestationBundle(json, domain, format, body, report, vcek, digest, sigstore, certificates[0]);
        }
        catch
        {
            json.Dispose();
            throw;
        }
    }

    public void Dispose() => _json.Dispose();

    /// <summary>An X.501 Name in DER: a sequence of sets of (OID, value) pairs, nothing left over.</summary>
    private static bool IsName(ReadOnlyMemory<byte> name)
    {
        try
        {
            var outer = new AsnReader(name, AsnEncodingRules.DER);
            var rdns = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            while (rdns.HasData)
            {
                var set = rdns.ReadSetOf();
                while (set.HasData)
                {
                    var pair = set.ReadSequence();
                    pair.ReadObjectIdentifier();
                    pair.ReadEncodedValue();
                    pair.ThrowIfNotEmpty();
                }
            }

            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Malformed($"{name} is not a string");

    private static AttestationException Malformed(string why, Exception? inner = null) =>
        Reject.With(AttestationStage.Envelope, Code, why, inner);
}
