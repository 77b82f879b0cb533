using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace AudioSdk.Testing.Internal.Tinfoil;

/// <summary>
/// Tinfoil attestation bundles for the test server: a synthetic AMD chain (ARK and ASK with RSA-PSS, a P-384 VCEK for
/// the captured chip's id and TCB) and its CRL; the captured Genoa report with REPORT_DATA set to the server's TLS key
/// fingerprint and HPKE key, re-signed by this VCEK; the captured release digest and Sigstore bundle (real, signed, so
/// the code provenance verifies under the production Sigstore root); an enclave certificate carrying the server
/// certificate's key and the <c>.hpke.</c>/<c>.hatt.</c> names. Only a client that trusts <see cref="ChainPem"/> accepts it.
/// </summary>
internal sealed class SyntheticTinfoilEnclave
{
    public const string Domain = "localhost";
    public const string Repository = "tinfoilsh/confidential-model-router";
    private const string Format = "https://tinfoil.sh/predicate/sev-snp-guest/v2";

    public SyntheticTinfoilEnclave(X509Certificate2 serverCertificate, ReadOnlySpan<byte> hpkePublicKey, DateTimeOffset now)
    {
        var captured = JsonNode.Parse(Captured())!.AsObject();
        var report = SyntheticAmdSigner.Gunzip(Convert.FromBase64String(captured["enclaveAttestationReport"]!["body"]!.GetValue<string>()));
        SHA256.HashData(serverCertificate.PublicKey.ExportSubjectPublicKeyInfo()).CopyTo(report, 0x50);
        hpkePublicKey.CopyTo(report.AsSpan(0x70, 32));
        using var amd = new SyntheticAmdSigner(report, now - TimeSpan.FromHours(1), now + TimeSpan.FromDays(7));
        SyntheticAmdSigner.Sign(report, amd.VcekKey);
        Crl = amd.Crl;
        ChainPem = amd.ChainPem;

        var body = Convert.ToBase64String(SyntheticAmdSigner.Gzip(report));
        var hatt = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Format + body))).ToLowerInvariant();
        using var enclaveCertificate = EnclaveCertificate(serverCertificate, hpkePublicKey.ToArray(), Encoding.ASCII.GetBytes(hatt), now);
        var bundle = new JsonObject
        {
            ["domain"] = Domain,
            ["enclaveAttestationReport"] = new JsonObject { ["format"] = Format, ["body"] = body },
            ["digest"] = captured["digest"]!.GetValue<string>(),
            ["sigstoreBundle"] = captured["sigstoreBundle"]!.DeepClone(),
            ["vcek"] = Convert.ToBase64String(amd.Vcek),
            ["enclaveCert"] = enclaveCertificate.ExportCertificatePem(),
        };
        Bundle = Encoding.UTF8.GetBytes(bundle.ToJsonString());
    }

    /// <summary>The bundle, as <c>/attestation</c> serves it.</summary>
    public byte[] Bundle { get; }

    /// <summary>The synthetic AMD CRL (DER), signed by the ARK, current for a week from the server's start.</summary>
    public byte[] Crl { get; }

    /// <summary>The synthetic ASK then ARK, in PEM, as AMD's key distribution service serves a chain.</summary>
    public string ChainPem { get; }

    private static byte[] Captured()
    {
        using var stream = typeof(SyntheticTinfoilEnclave).Assembly.GetManifestResourceStream("AudioSdk.Testing.captured-bundle.json")
            ?? throw new InvalidOperationException("The captured attestation bundle is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>A certificate with the server certificate's key and the names Tinfoil's enclaves carry; its issuer signature is not what
    /// binds it.</summary>
    private static X509Certificate2 EnclaveCertificate(X509Certificate2 server, byte[] hpke, byte[] hatt, DateTimeOffset now)
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(Domain);
        AddEncoded(names, "hpke", Base32(hpke));
        AddEncoded(names, "hatt", Base32(hatt));
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + Domain), server.PublicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(names.Build());
        using var issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return request.Create(new X500DistinguishedName("CN=Test Enclave Issuer"), X509SignatureGenerator.CreateForECDsa(issuerKey),
            now.AddDays(-1), now.AddDays(90), [0x01]);
    }

    private static void AddEncoded(SubjectAlternativeNameBuilder names, string label, string encoded)
    {
        const int ChunkLength = 60; // with the two index digits, within a DNS label's 63 characters
        for (int at = 0, index = 0; at < encoded.Length; at += ChunkLength, index++)
        {
            var chunk = encoded.Substring(at, Math.Min(ChunkLength, encoded.Length - at));
            names.AddDnsName($"{index:D2}{chunk}.{label}.{Domain}");
        }
    }

    private static string Base32(byte[] data)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var text = new StringBuilder();
        int bits = 0, value = 0;
        foreach (var b in data)
        {
            value = (value << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                text.Append(Alphabet[(value >> bits) & 31]);
            }
        }

        if (bits > 0)
        {
            text.Append(Alphabet[(value << (5 - bits)) & 31]);
        }

        return text.ToString();
    }
}
