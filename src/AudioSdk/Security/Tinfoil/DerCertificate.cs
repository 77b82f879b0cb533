using System.Formats.Asn1;
using System.Security.Cryptography;

namespace AudioSdk.Security.Tinfoil;

/// <summary>
/// A minimal X.509 reader over the DER bytes: the signed TBS bytes, signature algorithm and value, validity,
/// SubjectPublicKeyInfo and extensions. Signatures are checked here by hand (RSA-PSS and ECDSA), without
/// <c>X509Chain</c>, so AMD's and Fulcio's certificates verify the same way on every platform.
/// </summary>
internal sealed class DerCertificate
{
    public const string OidRsaPss = "1.2.840.113549.1.1.10";
    public const string OidRsa = "1.2.840.113549.1.1.1";
    public const string OidEcdsaSha256 = "1.2.840.10045.4.3.2";
    public const string OidEcdsaSha384 = "1.2.840.10045.4.3.3";

    private const int MaxVerifiedLinks = 256;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> VerifiedLinks = new(StringComparer.Ordinal);

    private DerCertificate()
    {
    }

    public required byte[] Raw { get; init; }
    public required byte[] SerialNumber { get; init; }
    public required ReadOnlyMemory<byte> Tbs { get; init; }
    public required string SignatureAlgorithm { get; init; }
    public required ReadOnlyMemory<byte> SignatureAlgorithmParameters { get; init; }
    public required byte[] Signature { get; init; }
    public required ReadOnlyMemory<byte> Issuer { get; init; }
    public required ReadOnlyMemory<byte> Subject { get; init; }
    public required DateTimeOffset NotBefore { get; init; }
    public required DateTimeOffset NotAfter { get; init; }
    public required ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; init; }
    public required string PublicKeyAlgorithm { get; init; }
    public required IReadOnlyDictionary<string, ReadOnlyMemory<byte>> Extensions { get; init; }
    public required int ExtensionCount { get; init; }

    /// <summary>Parses a DER certificate; throws <see cref="CryptographicException"/> when it is not one.</summary>
    public static DerCertificate Parse(byte[] der)
    {
        try
        {
            return ParseCore(der);
        }
        catch (AsnContentException ex)
        {
            throw new CryptographicException("The certificate is not valid DER.", ex);
        }
    }

    /// <summary>Reads every certificate of a PEM text, in order.</summary>
    public static List<DerCertificate> ParsePem(string pem)
    {
        var list = new List<DerCertificate>();
        const string Begin = "-----BEGIN CERTIFICATE-----";
        const string End = "-----END CERTIFICATE-----";
        var at = 0;
        while ((at = pem.IndexOf(Begin, at, StringComparison.Ordinal)) >= 0)
        {
            var start = at + Begin.Length;
            var stop = pem.IndexOf(End, start, StringComparison.Ordinal);
            if (stop < 0)
            {
                throw new CryptographicException("A PEM certificate has no end line.");
            }

            list.Add(Parse(Convert.FromBase64String(pem[start..stop])));
            at = stop + End.Length;
        }

        return list;
    }

    /// <summary>
    /// Verifies that <paramref name="issuer"/>'s key signed this certificate. Positive results are remembered by the
    /// SHA-256 of both certificates (a bounded cache), so the fixed links of the trust anchors are checked once.
    /// </summary>
    public bool IsSignedBy(DerCertificate issuer)
    {
        Span<byte> pair = stackalloc byte[64];
        SHA256.HashData(Raw, pair);
        SHA256.HashData(issuer.Raw, pair[32..]);
        var key = Convert.ToBase64String(pair);
        if (VerifiedLinks.ContainsKey(key))
        {
            return true;
        }

        if (!VerifySignature(issuer.SubjectPublicKeyInfo.Span, Tbs.Span, SignatureAlgorithm, Signature))
        {
            return false;
        }

        if (VerifiedLinks.Count >= MaxVerifiedLinks)
        {
            VerifiedLinks.Clear();
        }

        VerifiedLinks[key] = true;
        return true;
    }

    /// <summary>Forgets the remembered signatures (for measuring a first verification).</summary>
    public static void ClearVerifiedLinks() => VerifiedLinks.Clear();

    public bool IsValidAt(DateTimeOffset time) => time >= NotBefore && time <= NotAfter;

    /// <summary>Verifies a signature of <paramref name="data"/> by the key in <paramref name="spki"/> under an X.509 signature
    /// algorithm.</summary>
    public static bool VerifySignature(ReadOnlySpan<byte> spki, ReadOnlySpan<byte> data, string algorithm, byte[] signature)
    {
        try
        {
            switch (algorithm)
            {
                case OidRsaPss:
                    using (var rsa = ImportRsa(spki))
                    {
                        return rsa.VerifyData(data, signature, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
                    }

                case OidEcdsaSha256:
                case OidEcdsaSha384:
                    using (var ec = ECDsa.Create())
                    {
                        ec.ImportSubjectPublicKeyInfo(spki, out _);
                        var hash = algorithm == OidEcdsaSha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA384;
                        return ec.VerifyData(data, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
                    }

                default:
                    return false;
            }
        }
        catch (Exception ex) when (ex is CryptographicException or PlatformNotSupportedException or AsnContentException)
        {
            // A key on a curve this platform does not implement verifies nothing, nor does a key that is not of the algorithm's
            // kind (an EC key read as RSA is not DER an RSA reader accepts).
            return false;
        }
    }

    /// <summary>Verifies an ECDSA signature (DER) by an SPKI key with the given hash.</summary>
    public static bool VerifyEcdsa(ReadOnlySpan<byte> spki, ReadOnlySpan<byte> data, ReadOnlySpan<byte> derSignature,
        HashAlgorithmName hash)
    {
        try
        {
            using var ec = ECDsa.Create();
            ec.ImportSubjectPublicKeyInfo(spki, out _);
            return ec.VerifyData(data, derSignature, hash, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (Exception ex) when (ex is CryptographicException or PlatformNotSupportedException)
        {
            // A key on a curve this platform does not implement verifies nothing.
            return false;
        }
    }

    private static RSA ImportRsa(ReadOnlySpan<byte> spki)
    {
        // AMD's keys may carry the RSASSA-PSS algorithm identifier, which ImportSubjectPublicKeyInfo does not accept.
        var reader = new AsnReader(spki.ToArray(), AsnEncodingRules.DER);
        var seq = reader.ReadSequence();
        seq.ReadSequence();
        var key = seq.ReadBitString(out _);
        var rsaKey = new AsnReader(key, AsnEncodingRules.DER).ReadSequence();
        var modulus = rsaKey.ReadIntegerBytes().ToArray();
        var exponent = rsaKey.ReadIntegerBytes().ToArray();
        var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = TrimLeadingZero(modulus), Exponent = TrimLeadingZero(exponent) });
        return rsa;
    }

    private static byte[] TrimLeadingZero(byte[] value) => value.Length > 1 && value[0] == 0 ? value[1..] : value;

    private static DerCertificate ParseCore(byte[] der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var cert = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var tbs = cert.ReadEncodedValue();
        var outerAlgorithm = cert.PeekEncodedValue();
        var sigAlg = cert.ReadSequence();
        var sigOid = sigAlg.ReadObjectIdentifier();
        var sigParams = sigAlg.HasData ? sigAlg.ReadEncodedValue() : ReadOnlyMemory<byte>.Empty;
        var signature = cert.ReadBitString(out _);
        cert.ThrowIfNotEmpty();

        var t = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
        if (t.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
        {
            t.ReadEncodedValue();
        }

        var serial = t.ReadIntegerBytes().ToArray();
        if (!t.ReadEncodedValue().Span.SequenceEqual(outerAlgorithm.Span))
        {
            throw new CryptographicException("The certificate's signature algorithm differs from the one it signed.");
        }
        var issuer = t.ReadEncodedValue();
        var validity = t.ReadSequence();
        var notBefore = ReadTime(validity);
        var notAfter = ReadTime(validity);
        var subject = t.ReadEncodedValue();
        var spki = t.ReadEncodedValue();
        var spkiAlg = new AsnReader(spki, AsnEncodingRules.DER).ReadSequence().ReadSequence().ReadObjectIdentifier();
        var extensions = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
        var extensionCount = 0;
        while (t.HasData)
        {
            var tag = t.PeekTag();
            if (tag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 3)))
            {
                var wrapper = t.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 3));
                var list = wrapper.ReadSequence();
                while (list.HasData)
                {
                    var ext = list.ReadSequence();
                    var oid = ext.ReadObjectIdentifier();
                    if (ext.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
                    {
                        ext.ReadBoolean();
                    }

                    var value = ext.ReadOctetString();
                    extensionCount++;
                    extensions.TryAdd(oid, value);
                }
            }
            else
            {
                t.ReadEncodedValue();
            }
        }

        return new DerCertificate
        {
            Raw = der,
            SerialNumber = serial,
            Tbs = tbs,
            SignatureAlgorithm = sigOid,
            SignatureAlgorithmParameters = sigParams,
            Signature = signature,
            Issuer = issuer,
            Subject = subject,
            NotBefore = notBefore,
            NotAfter = notAfter,
            SubjectPublicKeyInfo = spki,
            PublicKeyAlgorithm = spkiAlg,
            Extensions = extensions,
            ExtensionCount = extensionCount,
        };
    }

    /// <summary>Reads an X.509 time (UTCTime or GeneralizedTime).</summary>
    public static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();
}
