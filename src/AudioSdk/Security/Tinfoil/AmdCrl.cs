using System.Formats.Asn1;

namespace AudioSdk.Security.Tinfoil;

/// <summary>AMD's certificate revocation list for a product: signed by the ARK, current at the given time, not listing the ASK or
/// VCEK.</summary>
internal static class AmdCrl
{
    /// <returns>The CRL's nextUpdate, when it has one.</returns>
    /// <exception cref="AttestationException">The CRL does not verify, is not current, or revokes a certificate of the chain (stage
    /// CertificateChain).</exception>
    public static DateTimeOffset? Check(byte[] crlDer, AmdChain chain, DerCertificate vcek, DateTimeOffset now)
    {
        try
        {
            var outer = new AsnReader(crlDer, AsnEncodingRules.DER);
            var list = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var tbs = list.ReadEncodedValue();
            var outerAlgorithm = list.PeekEncodedValue();
            var algorithm = list.ReadSequence().ReadObjectIdentifier();
            var signature = list.ReadBitString(out _);
            if (!DerCertificate.VerifySignature(chain.Ark.SubjectPublicKeyInfo.Span, tbs.Span, algorithm, signature))
            {
                throw Invalid("the CRL is not signed by the AMD root key");
            }

            var t = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
            if (t.PeekTag().HasSameClassAndValue(Asn1Tag.Integer) && (!t.TryReadInt32(out var version) || version != 1))
            {
                throw Invalid("the CRL's version is not v2 (1)");
            }

            if (!t.ReadEncodedValue().Span.SequenceEqual(outerAlgorithm.Span))
            {
                throw Invalid("the CRL's signature algorithm differs from the one it signed");
            }

            t.ReadEncodedValue();
            var thisUpdate = DerCertificate.ReadTime(t);
            DateTimeOffset? nextUpdate = t.HasData
                && (t.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime)
                || t.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime)) ? DerCertificate.ReadTime(t) : null;
            if (now < thisUpdate || (nextUpdate is { } next && now > next))
            {
                throw Invalid($"the CRL is current from {thisUpdate:O} to {nextUpdate:O}, not at {now:O}");
            }

            if (t.HasData && t.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var revoked = t.ReadSequence();
                while (revoked.HasData)
                {
                    var serial = revoked.ReadSequence().ReadIntegerBytes();
                    if (serial.Span.SequenceEqual(chain.Ask.SerialNumber) || serial.Span.SequenceEqual(vcek.SerialNumber))
                    {
                        throw Reject.With(AttestationStage.CertificateChain, "CERTIFICATE_REVOKED",
                            "AMD revoked a certificate of the chain");
                    }
                }
            }

            return nextUpdate;
        }
        catch (AsnContentException ex)
        {
            throw Invalid("the CRL is not valid DER", ex);
        }
    }

    private static AttestationException Invalid(string why, Exception? inner = null) =>
        Reject.With(AttestationStage.CertificateChain, "CRL_INVALID", why, inner);
}
