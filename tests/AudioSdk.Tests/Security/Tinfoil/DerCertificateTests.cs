using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AudioSdk.Security.Tinfoil;
using Xunit;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The hand-written X.509 reader against certificates .NET's own <see cref="CertificateRequest"/> writes and
/// <see cref="X509Certificate2"/> reads, and against re-encoded copies that break one rule of DER or of X.509.
/// </summary>
public sealed class DerCertificateTests
{
    private static readonly DateTimeOffset From = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AnEcdsaCertificate_ReadsAsX509Certificate2ReadsIt()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var request = new CertificateRequest("CN=leaf", key, HashAlgorithmName.SHA384);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
        using var x509 = request.CreateSelfSigned(From, From.AddDays(10));

        var cert = DerCertificate.Parse(x509.RawData);
        Assert.Equal(Enumerable.Reverse(x509.GetSerialNumber()), cert.SerialNumber);
        Assert.Equal(x509.NotBefore.ToUniversalTime(), cert.NotBefore.UtcDateTime);
        Assert.Equal(x509.NotAfter.ToUniversalTime(), cert.NotAfter.UtcDateTime);
        Assert.Equal(x509.PublicKey.ExportSubjectPublicKeyInfo(), cert.SubjectPublicKeyInfo.ToArray());
        Assert.Equal(x509.SubjectName.RawData, cert.Subject.ToArray());
        Assert.Equal(x509.IssuerName.RawData, cert.Issuer.ToArray());
        Assert.Equal(DerCertificate.OidEcdsaSha384, cert.SignatureAlgorithm);
        Assert.True(cert.SignatureAlgorithmParameters.IsEmpty); // ECDSA with SHA-384 has no parameters
        Assert.Equal("1.2.840.10045.2.1", cert.PublicKeyAlgorithm);
        Assert.Equal(2, cert.ExtensionCount);
        Assert.Equal(["2.5.29.15", "2.5.29.19"], cert.Extensions.Keys.Order(StringComparer.Ordinal));
        Assert.True(cert.IsSignedBy(cert));
        Assert.True(cert.IsValidAt(From) && cert.IsValidAt(From.AddDays(10)));
        Assert.False(cert.IsValidAt(From.AddTicks(-TimeSpan.TicksPerSecond)) || cert.IsValidAt(From.AddDays(10).AddSeconds(1)));
    }

    [Fact]
    public void AnRsaPssCertificate_KeepsItsAlgorithmParameters_AndItsSignatureVerifies()
    {
        // A 2048-bit modulus has its top bit set, so DER writes it with a leading zero byte that the key import must drop.
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=ark", key, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
        using var x509 = request.CreateSelfSigned(From, From.AddDays(1));

        var cert = DerCertificate.Parse(x509.RawData);
        Assert.Equal(DerCertificate.OidRsaPss, cert.SignatureAlgorithm);
        Assert.Equal(x509.SignatureAlgorithm.Value, cert.SignatureAlgorithm);
        Assert.False(cert.SignatureAlgorithmParameters.IsEmpty);
        var parameters = new AsnReader(cert.SignatureAlgorithmParameters, AsnEncodingRules.DER).ReadSequence();
        Assert.True(parameters.HasData); // the PSS hash, mask generation and salt length
        Assert.Equal(DerCertificate.OidRsa, cert.PublicKeyAlgorithm);
        Assert.True(DerCertificate.VerifySignature(cert.SubjectPublicKeyInfo.Span, cert.Tbs.Span, cert.SignatureAlgorithm, cert.Signature));

        var tampered = (byte[])cert.Signature.Clone();
        tampered[^1] ^= 1;
        Assert.False(DerCertificate.VerifySignature(cert.SubjectPublicKeyInfo.Span, cert.Tbs.Span, cert.SignatureAlgorithm, tampered));
    }

    [Fact]
    public void VerifySignature_IsFalse_ForAnUnknownAlgorithmOrAKeyThatDoesNotImport()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var data = "signed"u8.ToArray();
        var signature = key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var spki = key.ExportSubjectPublicKeyInfo();
        Assert.True(DerCertificate.VerifySignature(spki, data, DerCertificate.OidEcdsaSha256, signature));
        Assert.False(DerCertificate.VerifySignature(spki, data, "1.2.840.10045.4.3.4", signature)); // ECDSA with SHA-512: not accepted
        Assert.False(DerCertificate.VerifySignature(spki, data, DerCertificate.OidRsa, signature));
        Assert.False(DerCertificate.VerifySignature([0x30, 0x03, 0x02, 0x01, 0x00], data, DerCertificate.OidEcdsaSha256, signature));
        Assert.False(DerCertificate.VerifySignature([0x30, 0x03, 0x02, 0x01, 0x00], data, DerCertificate.OidRsaPss, signature));
    }

    [Fact]
    public void BytesAfterTheCertificate_OrAFourthMember_AreNotACertificate()
    {
        var der = EcdsaCertificate(out _);
        Assert.NotNull(DerCertificate.Parse(der));

        var trailing = Assert.Throws<CryptographicException>(() => DerCertificate.Parse([.. der, 0x00]));
        Assert.Equal("The certificate is not valid DER.", trailing.Message);
        Assert.IsAssignableFrom<AsnContentException>(trailing.InnerException);

        var (tbs, algorithm, signature) = Split(der);
        var fourth = Reencode(w =>
        {
            w.WriteEncodedValue(tbs);
            w.WriteEncodedValue(algorithm);
            w.WriteEncodedValue(signature);
            w.WriteInteger(1);
        });
        Assert.Equal("The certificate is not valid DER.", Assert.Throws<CryptographicException>(() => DerCertificate.Parse(fourth)).Message);
    }

    [Fact]
    public void ASignatureAlgorithmOtherThanTheSignedOne_IsRefused()
    {
        var der = EcdsaCertificate(out _);
        var (tbs, _, signature) = Split(der);
        var other = new AsnWriter(AsnEncodingRules.DER);
        using (other.PushSequence())
        {
            other.WriteObjectIdentifier(DerCertificate.OidEcdsaSha256);
        }

        var swapped = Reencode(w =>
        {
            w.WriteEncodedValue(tbs);
            w.WriteEncodedValue(other.Encode());
            w.WriteEncodedValue(signature);
        });
        var ex = Assert.Throws<CryptographicException>(() => DerCertificate.Parse(swapped));
        Assert.Equal("The certificate's signature algorithm differs from the one it signed.", ex.Message);
    }

    [Fact]
    public void ARepeatedExtension_IsCounted_AndTheFirstIsKept()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=twice", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.57264.1.5", [0x01], false));
        request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.57264.1.7", [0x02], false));
        request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.57264.1.6", [0x03], false));
        using var x509 = request.CreateSelfSigned(From, From.AddDays(1));
        Assert.Equal(3, DerCertificate.Parse(x509.RawData).ExtensionCount);

        // The second extension's OID renamed to the first's (same length; the signature no longer matters to the reader).
        var der = x509.RawData;
        var oid = new AsnWriter(AsnEncodingRules.DER);
        oid.WriteObjectIdentifier("1.3.6.1.4.1.57264.1.7");
        var at = der.AsSpan().IndexOf(oid.Encode());
        Assert.True(at > 0);
        der[at + oid.GetEncodedLength() - 1] = 5;

        var cert = DerCertificate.Parse(der);
        Assert.Equal(3, cert.ExtensionCount);
        Assert.Equal(2, cert.Extensions.Count);
        Assert.Equal([0x01], cert.Extensions["1.3.6.1.4.1.57264.1.5"].ToArray());
    }

    [Fact]
    public void Pem_ReadsEveryCertificateInOrder_AndRefusesOneWithoutAnEndLine()
    {
        var first = EcdsaCertificate(out _);
        var second = EcdsaCertificate(out _);
        var pem = Pem(first) + "some text between\n" + Pem(second);
        var list = DerCertificate.ParsePem(pem);
        Assert.Equal(2, list.Count);
        Assert.Equal(first, list[0].Raw);
        Assert.Equal(second, list[1].Raw);
        Assert.Empty(DerCertificate.ParsePem("no certificate here"));

        var cut = Pem(first) + Pem(second)[..^30];
        Assert.Equal("A PEM certificate has no end line.", Assert.Throws<CryptographicException>(() => DerCertificate.ParsePem(cut)).Message);
    }

    private static byte[] EcdsaCertificate(out ECDsa key)
    {
        key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var x509 = new CertificateRequest("CN=c", key, HashAlgorithmName.SHA384).CreateSelfSigned(From, From.AddDays(1));
        return x509.RawData;
    }

    private static (byte[] Tbs, byte[] Algorithm, byte[] Signature) Split(byte[] der)
    {
        var cert = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        return (cert.ReadEncodedValue().ToArray(), cert.ReadEncodedValue().ToArray(), cert.ReadEncodedValue().ToArray());
    }

    private static byte[] Reencode(Action<AsnWriter> members)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            members(writer);
        }

        return writer.Encode();
    }

    private static string Pem(byte[] der) =>
        "-----BEGIN CERTIFICATE-----\n" + Convert.ToBase64String(der, Base64FormattingOptions.InsertLineBreaks) + "\n-----END CERTIFICATE-----\n";
}
