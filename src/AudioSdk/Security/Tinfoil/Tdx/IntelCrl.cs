using System.Formats.Asn1;
using System.Security.Cryptography;

namespace AudioSdk.Security.Tinfoil.Tdx;

/// <summary>An Intel PCS certificate revocation list (the SGX root CA's, or a PCK CA's): ECDSA-signed DER.</summary>
internal sealed class IntelCrl
{
    private IntelCrl()
    {
    }

    public required ReadOnlyMemory<byte> Issuer { get; init; }
    public required DateTimeOffset ThisUpdate { get; init; }
    public required DateTimeOffset? NextUpdate { get; init; }
    public required IReadOnlyList<byte[]> RevokedSerials { get; init; }

    private ReadOnlyMemory<byte> Tbs { get; init; }
    private string SignatureAlgorithm { get; init; } = string.Empty;
    private byte[] Signature { get; init; } = [];

    /// <summary>Parses a DER CRL; throws <see cref="CryptographicException"/> when it is not one.</summary>
    public static IntelCrl Parse(byte[] der)
    {
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER);
            var list = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var tbs = list.ReadEncodedValue();
            var outerAlgorithm = list.PeekEncodedValue();
            var algorithm = list.ReadSequence().ReadObjectIdentifier();
            var signature = list.ReadBitString(out _);
            list.ThrowIfNotEmpty();
            var t = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
            if (t.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            {
                t.ReadInteger();
            }

            if (!t.ReadEncodedValue().Span.SequenceEqual(outerAlgorithm.Span))
            {
                throw new CryptographicException("The CRL's signature algorithm differs from the one it signed.");
            }

            var issuer = t.ReadEncodedValue();
            var thisUpdate = DerCertificate.ReadTime(t);
            DateTimeOffset? nextUpdate = t.HasData
                && (t.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || t.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime))
                ? DerCertificate.ReadTime(t)
                : null;
            var revoked = new List<byte[]>();
            if (t.HasData && t.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var entries = t.ReadSequence();
                while (entries.HasData)
                {
                    revoked.Add(entries.ReadSequence().ReadIntegerBytes().ToArray());
                }
            }

            return new IntelCrl
            {
                Issuer = issuer,
                ThisUpdate = thisUpdate,
                NextUpdate = nextUpdate,
                RevokedSerials = revoked,
                Tbs = tbs,
                SignatureAlgorithm = algorithm,
                Signature = signature,
            };
        }
        catch (AsnContentException ex)
        {
            throw new CryptographicException("The CRL is not valid DER.", ex);
        }
    }

    /// <summary>Whether <paramref name="issuer"/> issued this CRL: its name and its signature.</summary>
    public bool IsIssuedBy(DerCertificate issuer) =>
        Issuer.Span.SequenceEqual(issuer.Subject.Span) &&
        DerCertificate.VerifySignature(issuer.SubjectPublicKeyInfo.Span, Tbs.Span, SignatureAlgorithm, Signature);

    public bool IsCurrentAt(DateTimeOffset time) => time >= ThisUpdate && (NextUpdate is not { } next || time <= next);

    public bool Revokes(DerCertificate certificate) => RevokedSerials.Any(s => s.AsSpan().SequenceEqual(certificate.SerialNumber));
}
