using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;

namespace AudioSdk.Security.Tinfoil.Sigstore;

/// <summary>Embedded SCTs of a Fulcio certificate (RFC 6962): parsed, de-duplicated by log and verified over the rebuilt
/// precertificate.</summary>
internal static class CertificateTransparency
{
    public const string OidSctList = "1.3.6.1.4.1.11129.2.4.2";

    /// <summary>Counts SCTs that verify under a trusted CT log key.</summary>
    /// <exception cref="AttestationException">Two SCTs come from one log, or the list is malformed.</exception>
    public static int CountVerified(DerCertificate leaf, DerCertificate issuer, IReadOnlyList<TransparencyLogKey> logs)
    {
        if (!leaf.Extensions.TryGetValue(OidSctList, out var extension))
        {
            return 0;
        }

        byte[] list;
        try
        {
            list = new AsnReader(extension, AsnEncodingRules.DER).ReadOctetString();
        }
        catch (AsnContentException ex)
        {
            throw Reject.With(AttestationStage.Provenance, "SCT_INSUFFICIENT", "the SCT list is malformed", ex);
        }

        var scts = Split(list) ?? throw Reject.With(AttestationStage.Provenance, "SCT_INSUFFICIENT", "the SCT list is malformed");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sct in scts)
        {
            if (sct.Length < 43 || !seen.Add(Convert.ToBase64String(sct.Slice(1, 32).Span)))
            {
                throw Reject.With(AttestationStage.Provenance, "SCT_DUPLICATE_LOG", "two SCTs come from the same CT log");
            }
        }

        var tbs = PrecertificateTbs(leaf);
        var issuerKeyHash = SHA256.HashData(issuer.SubjectPublicKeyInfo.Span);
        var verified = 0;
        foreach (var sct in scts)
        {
            if (Verify(sct.Span, tbs, issuerKeyHash, logs))
            {
                verified++;
            }
        }

        return verified;
    }

    private static List<ReadOnlyMemory<byte>>? Split(byte[] list)
    {
        if (list.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(list) != list.Length - 2)
        {
            return null;
        }

        var result = new List<ReadOnlyMemory<byte>>();
        var at = 2;
        while (at < list.Length)
        {
            if (at + 2 > list.Length)
            {
                return null;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(list.AsSpan(at));
            at += 2;
            if (at + length > list.Length)
            {
                return null;
            }

            result.Add(list.AsMemory(at, length));
            at += length;
        }

        return result;
    }

    private static bool Verify(ReadOnlySpan<byte> sct, byte[] tbs, byte[] issuerKeyHash, IReadOnlyList<TransparencyLogKey> logs)
    {
        // version(1) log_id(32) timestamp(8) extensions(2+n) hash(1) sig(1) signature(2+n)
        if (sct[0] != 0)
        {
            return false;
        }

        var logId = sct.Slice(1, 32);
        var timestamp = sct.Slice(33, 8);
        var extLength = BinaryPrimitives.ReadUInt16BigEndian(sct[41..]);
        if (43 + extLength + 4 > sct.Length)
        {
            return false;
        }

        var extensions = sct.Slice(41, 2 + extLength);
        var rest = sct[(43 + extLength)..];
        var sigLength = BinaryPrimitives.ReadUInt16BigEndian(rest[2..]);
        if (rest[0] != 4 || rest[1] != 3 || 4 + sigLength != rest.Length)
        {
            return false;
        }

        var signature = rest[4..];
        var signed = new byte[2 + 8 + 2 + 32 + 3 + tbs.Length + extensions.Length];
        var w = signed.AsSpan();
        w[0] = 0;
        w[1] = 0;
        timestamp.CopyTo(w[2..]);
        BinaryPrimitives.WriteUInt16BigEndian(w[10..], 1);
        issuerKeyHash.CopyTo(w[12..]);
        w[44] = (byte)(tbs.Length >> 16);
        w[45] = (byte)(tbs.Length >> 8);
        w[46] = (byte)tbs.Length;
        tbs.CopyTo(w[47..]);
        extensions.CopyTo(w[(47 + tbs.Length)..]);
        foreach (var log in logs)
        {
            if (logId.SequenceEqual(log.LogId)
                && DerCertificate.VerifyEcdsa(log.SubjectPublicKeyInfo, signed, signature, HashAlgorithmName.SHA256))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The leaf's TBSCertificate with the SCT list extension removed (what the CT log signed).</summary>
    private static byte[] PrecertificateTbs(DerCertificate leaf)
    {
        var reader = new AsnReader(leaf.Tbs, AsnEncodingRules.DER).ReadSequence();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true);
        using (writer.PushSequence())
        {
            while (reader.HasData)
            {
                if (reader.PeekTag() == extensionsTag)
                {
                    var list = reader.ReadSequence(extensionsTag).ReadSequence();
                    using (writer.PushSequence(extensionsTag))
                    using (writer.PushSequence())
                    {
                        while (list.HasData)
                        {
                            var encoded = list.ReadEncodedValue();
                            var oid = new AsnReader(encoded, AsnEncodingRules.DER).ReadSequence().ReadObjectIdentifier();
                            if (oid != OidSctList)
                            {
                                writer.WriteEncodedValue(encoded.Span);
                            }
                        }
                    }
                }
                else
                {
                    writer.WriteEncodedValue(reader.ReadEncodedValue().Span);
                }
            }
        }

        return writer.Encode();
    }
}
