using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Sigstore;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// Embedded SCTs on a leaf built here: each SCT signed by a CT log key over the precertificate entry (the leaf's TBS
/// without the SCT list), counted only when its log is trusted and every field verifies; one log twice or a
/// malformed list is refused.
/// </summary>
public sealed class CertificateTransparencyTests
{
    private static readonly ECDsa IssuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly ECDsa LeafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly ECDsa[] Logs = [ECDsa.Create(ECCurve.NamedCurves.nistP256), ECDsa.Create(ECCurve.NamedCurves.nistP256), ECDsa.Create(ECCurve.NamedCurves.nistP256)];
    private static readonly X509Certificate2 Issuer = new CertificateRequest("CN=Fulcio-Test", IssuerKey, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));

    private static TransparencyLogKey LogKey(int i) => new(SHA256.HashData(Logs[i].ExportSubjectPublicKeyInfo()), Logs[i].ExportSubjectPublicKeyInfo(), null, null);

    [Fact]
    public void SctsFromTrustedLogs_AreCounted()
    {
        var leaf = Leaf(precert => [Sct(0, precert), Sct(1, precert)]);
        Assert.Equal(2, Count(leaf, [LogKey(0), LogKey(1)]));
        Assert.Equal(1, Count(leaf, [LogKey(1)]));
        Assert.Equal(1, Count(leaf, [LogKey(2), LogKey(0)]));
        Assert.Equal(0, Count(leaf, [LogKey(2)]));
        Assert.Equal(0, Count(leaf, [LogKey(0) with { LogId = LogKey(1).LogId }])); // log 1's id with log 0's key
        Assert.Equal(2, Count(Leaf(precert => [Sct(0, precert, extensions: [1, 2, 3]), Sct(1, precert)]), [LogKey(0), LogKey(1)]));
    }

    [Fact]
    public void SctWithAChangedField_IsNotCounted()
    {
        Func<byte[], byte[]>[] changes =
        [
            precert => Sct(0, precert, version: 1),
            precert => Sct(0, precert, hash: 5),
            precert => Sct(0, precert, signatureAlgorithm: 1),
            precert => Tamper(Sct(0, precert), 33), // the timestamp
            precert => Tamper(Sct(0, precert), 40),
            precert => Sct(0, [.. precert, 0]), // signed over another entry
            precert => Sct(0, precert, signedEntryType: 0),
            precert => Sct(0, precert, signedSignatureType: 1),
            precert => Sct(0, precert, signedVersion: 1),
            precert => Sct(0, precert, extensions: [9], signedExtensions: []),
            precert => Sct(0, precert, issuerKeyHash: new byte[32]),
            precert => Sct(0, precert, signatureLengthDelta: 1),
            precert => Sct(0, precert, signatureLengthDelta: -1),
            precert => Sct(0, precert, extensionLengthDelta: 200),
            precert => Sct(0, precert)[..46],
            precert => Tamper(Sct(0, precert), -1),
        ];
        foreach (var change in changes)
        {
            var leaf = Leaf(precert => [change(precert), Sct(1, precert)]);
            Assert.Equal(1, Count(leaf, [LogKey(0), LogKey(1)]));
        }

        using var otherIssuer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var other = DerCertificate.Parse(new CertificateRequest("CN=Fulcio-Test", otherIssuer, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(1)).RawData);
        Assert.Equal(0, CertificateTransparency.CountVerified(Leaf(precert => [Sct(0, precert)]), other, [LogKey(0)]));
    }

    [Fact]
    public void TwoSctsFromOneLog_OrAShortSct_AreRefused()
    {
        Refused(Leaf(precert => [Sct(0, precert), Sct(1, precert), Sct(0, precert)]), "SCT_DUPLICATE_LOG");
        Refused(Leaf(precert => [Sct(0, precert), new byte[42]]), "SCT_DUPLICATE_LOG");
        Assert.Equal(1, Count(Leaf(precert => [Sct(0, precert), new byte[43]]), [LogKey(0)]));
    }

    [Fact]
    public void MalformedSctLists_AreRefused_AndNoListCountsZero()
    {
        Assert.Equal(0, Count(DerCertificate.Parse(Issuer.RawData), [LogKey(0)]));
        Refused(Leaf(_ => [], list: [0x00]), "SCT_INSUFFICIENT");
        Refused(Leaf(_ => [], list: [0x00, 0x03, 0x00, 0x01, 0x00, 0x00]), "SCT_INSUFFICIENT");
        Refused(Leaf(_ => [], list: [0x00, 0x03, 0x00, 0x05, 0x00]), "SCT_INSUFFICIENT");
        Refused(Leaf(_ => [], list: [0x00, 0x01, 0x00]), "SCT_INSUFFICIENT");
        Refused(Leaf(_ => [], rawExtension: [0x05, 0x00]), "SCT_INSUFFICIENT");
        Assert.Equal(0, Count(Leaf(_ => [], list: [0x00, 0x00]), [LogKey(0)]));
    }

    [Fact]
    public void APrecertificateOfMoreThan64KiB_IsSignedWithItsThreeByteLength()
    {
        var leaf = Leaf(precert => [Sct(0, precert)], padding: 70_000);
        Assert.True(leaf.Tbs.Length > 65_536);
        Assert.Equal(1, Count(leaf, [LogKey(0)]));
    }

    [Fact]
    public void AnEmptySctAtTheEndOfTheList_IsAShortSct_AndEachRefusalSaysWhy()
    {
        var empty = Assert.ThrowsAny<AttestationException>(() => Count(Leaf(_ => [], list: [0x00, 0x02, 0x00, 0x00]), [LogKey(0)]));
        Assert.Equal("SCT_DUPLICATE_LOG", empty.Code);
        Assert.Contains("two SCTs come from the same CT log", empty.Message, StringComparison.Ordinal);
        var truncated = Assert.ThrowsAny<AttestationException>(() => Count(Leaf(_ => [], list: [0x00, 0x01, 0x00]), [LogKey(0)]));
        Assert.Contains("the SCT list is malformed", truncated.Message, StringComparison.Ordinal);
        var notOctets = Assert.ThrowsAny<AttestationException>(() => Count(Leaf(_ => [], rawExtension: [0x05, 0x00]), [LogKey(0)]));
        Assert.Contains("the SCT list is malformed", notOctets.Message, StringComparison.Ordinal);
    }

    private static int Count(DerCertificate leaf, IReadOnlyList<TransparencyLogKey> logs) => CertificateTransparency.CountVerified(leaf, DerCertificate.Parse(Issuer.RawData), logs);

    private static void Refused(DerCertificate leaf, string code)
    {
        var ex = Assert.ThrowsAny<AttestationException>(() => Count(leaf, [LogKey(0), LogKey(1)]));
        Assert.Equal((AttestationStage.Provenance, code), (ex.Stage, ex.Code));
    }

    private static byte[] Tamper(byte[] sct, int at)
    {
        sct[at < 0 ? sct.Length + at : at] ^= 1;
        return sct;
    }

    /// <summary>A leaf whose last extension is an SCT list built from the precertificate TBS (the leaf's TBS without it).</summary>
    private static DerCertificate Leaf(Func<byte[], IEnumerable<byte[]>> scts, byte[]? list = null, byte[]? rawExtension = null, int padding = 0)
    {
        CertificateRequest Request()
        {
            var request = new CertificateRequest("CN=leaf", LeafKey, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            if (padding > 0)
            {
                request.CertificateExtensions.Add(new X509Extension("1.2.3.4.5", new byte[padding], false));
            }

            return request;
        }

        var generator = X509SignatureGenerator.CreateForECDsa(IssuerKey);
        var from = DateTimeOffset.UnixEpoch.AddYears(50);
        using var precert = Request().Create(Issuer.SubjectName, generator, from, from.AddMinutes(10), [0x42]);
        var tbs = new AsnReader(precert.RawData, AsnEncodingRules.DER).ReadSequence().ReadEncodedValue().ToArray();
        var request = Request();
        if (list is null)
        {
            var items = scts(tbs).ToList();
            list = new byte[2 + items.Sum(s => 2 + s.Length)];
            BinaryPrimitives.WriteUInt16BigEndian(list, (ushort)(list.Length - 2));
            var at = 2;
            foreach (var item in items)
            {
                BinaryPrimitives.WriteUInt16BigEndian(list.AsSpan(at), (ushort)item.Length);
                item.CopyTo(list, at + 2);
                at += 2 + item.Length;
            }
        }

        if (rawExtension is null)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            writer.WriteOctetString(list);
            rawExtension = writer.Encode();
        }

        request.CertificateExtensions.Add(new X509Extension(CertificateTransparency.OidSctList, rawExtension, false));
        using var leaf = request.Create(Issuer.SubjectName, generator, from, from.AddMinutes(10), [0x42]);
        return DerCertificate.Parse(leaf.RawData);
    }

    private static byte[] Sct(
        int log, byte[] precertTbs, byte version = 0, byte hash = 4, byte signatureAlgorithm = 3, byte[]? extensions = null, byte[]? signedExtensions = null,
        byte signedVersion = 0, byte signedSignatureType = 0, ushort signedEntryType = 1, byte[]? issuerKeyHash = null, int signatureLengthDelta = 0, int extensionLengthDelta = 0)
    {
        extensions ??= [];
        signedExtensions ??= extensions;
        var timestamp = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(timestamp, 1_700_000_000_000);
        issuerKeyHash ??= SHA256.HashData(IssuerKey.ExportSubjectPublicKeyInfo());
        byte[] signed =
        [
            signedVersion, signedSignatureType, .. timestamp, (byte)(signedEntryType >> 8), (byte)signedEntryType, .. issuerKeyHash,
            (byte)(precertTbs.Length >> 16), (byte)(precertTbs.Length >> 8), (byte)precertTbs.Length, .. precertTbs,
            (byte)(signedExtensions.Length >> 8), (byte)signedExtensions.Length, .. signedExtensions,
        ];
        var signature = Logs[log].SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var extLength = extensions.Length + extensionLengthDelta;
        var sigLength = signature.Length + signatureLengthDelta;
        return
        [
            version, .. LogKey(log).LogId, .. timestamp, (byte)(extLength >> 8), (byte)extLength, .. extensions,
            hash, signatureAlgorithm, (byte)(sigLength >> 8), (byte)sigLength, .. signature,
        ];
    }
}
