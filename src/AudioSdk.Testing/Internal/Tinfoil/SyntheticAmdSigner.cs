using System.Formats.Asn1;
using System.IO.Compression;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AudioSdk.Testing.Internal.Tinfoil;

/// <summary>
/// A synthetic AMD chain for a SEV-SNP report template: ARK and ASK (RSA-PSS, SHA-384), a P-384 VCEK carrying the
/// report's CHIP_ID and reported TCB (Genoa layout), a CRL signed by the ARK, and report signing as the hardware does.
/// Valid 2020 to 2045; only a verifier given <see cref="ChainPem"/> as its AMD root trusts it.
/// </summary>
internal sealed class SyntheticAmdSigner : IDisposable
{
    public const int SignedLength = 0x2A0;

    public SyntheticAmdSigner(ReadOnlySpan<byte> report, DateTimeOffset crlThisUpdate, DateTimeOffset crlNextUpdate)
    {
        var notBefore = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var notAfter = new DateTimeOffset(2045, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var arkKey = RSA.Create(2048);
        var arkRequest = new CertificateRequest("CN=ARK-Test", arkKey, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
        arkRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        arkRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        arkRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(arkRequest.PublicKey, false));
        using var ark = arkRequest.CreateSelfSigned(notBefore, notAfter);
        var arkSigner = X509SignatureGenerator.CreateForRSA(arkKey, RSASignaturePadding.Pss);

        using var askKey = RSA.Create(2048);
        var askRequest = new CertificateRequest("CN=SEV-Test", askKey, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
        askRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ask = askRequest.Create(ark.SubjectName, arkSigner, notBefore, notAfter, [0x02]);
        var askSigner = X509SignatureGenerator.CreateForRSA(askKey, RSASignaturePadding.Pss);

        VcekKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var vcekRequest = new CertificateRequest("CN=SEV-VCEK-Test", VcekKey, HashAlgorithmName.SHA384);
        vcekRequest.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.3704.1.4", report.Slice(0x1A0, 64).ToArray(), false));
        var tcb = report.Slice(0x180, 8).ToArray();
        foreach (var (oid, value) in new[] { ("1.3.6.1.4.1.3704.1.3.1", tcb[0]), ("1.3.6.1.4.1.3704.1.3.2", tcb[1]),
            ("1.3.6.1.4.1.3704.1.3.3", tcb[6]), ("1.3.6.1.4.1.3704.1.3.8", tcb[7]) })
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            writer.WriteInteger(value);
            vcekRequest.CertificateExtensions.Add(new X509Extension(oid, writer.Encode(), false));
        }

        using var vcek = vcekRequest.Create(ask.SubjectName, askSigner, notBefore, notAfter, [0x00]);
        Vcek = vcek.RawData;
        var crl = new CertificateRevocationListBuilder();
        crl.AddEntry([0x7f, 0x01], notBefore);
        Crl = crl.Build(ark.SubjectName, arkSigner, BigInteger.One, crlNextUpdate, HashAlgorithmName.SHA384,
            X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ark, true, false), crlThisUpdate);
        ChainPem = ask.ExportCertificatePem() + "\n" + ark.ExportCertificatePem() + "\n";
    }

    /// <summary>The VCEK's private key.</summary>
    public ECDsa VcekKey { get; }

    /// <summary>The VCEK (DER).</summary>
    public byte[] Vcek { get; }

    /// <summary>The CRL (DER), signed by the ARK.</summary>
    public byte[] Crl { get; }

    /// <summary>The ASK then the ARK, in PEM, as AMD's key distribution service serves a chain.</summary>
    public string ChainPem { get; }

    /// <summary>Signs report[0, 0x2A0) with ECDSA P-384/SHA-384 and stores R and S little-endian in their 72-byte fields, the rest
    /// zero.</summary>
    public static void Sign(byte[] report, ECDsa key)
    {
        var signature = key.SignData(report.AsSpan(0, SignedLength), HashAlgorithmName.SHA384,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        report.AsSpan(SignedLength).Clear();
        for (var i = 0; i < 48; i++)
        {
            report[0x2A0 + i] = signature[47 - i];
            report[0x2E8 + i] = signature[95 - i];
        }
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static byte[] Gunzip(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    public void Dispose() => VcekKey.Dispose();
}
