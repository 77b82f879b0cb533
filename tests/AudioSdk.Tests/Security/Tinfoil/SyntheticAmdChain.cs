using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AudioSdk.Security.Tinfoil;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>The three SEV-SNP generations: their CPUID family and model, chip-id width and TCB layout.</summary>
public enum AmdGeneration
{
    Milan,
    Genoa,
    Turin,
}

/// <summary>
/// An AMD-like chain whose keys the tests hold: an ARK and ASK (RSA-PSS, SHA-384) and a P-384 VCEK for one chip and
/// TCB of a given generation, with reports of that generation's layout signed by the VCEK and CRLs built field by
/// field (so each field can be set to what a hostile or broken service would send) and signed by the ARK.
/// </summary>
internal sealed class SyntheticAmdChain
{
    public const string OidHwId = "1.3.6.1.4.1.3704.1.4";
    public static readonly DateTimeOffset NotBefore = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset NotAfter = new(2040, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Now = new(2030, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<AmdGeneration, Lazy<SyntheticAmdChain>> Shared = Enum.GetValues<AmdGeneration>()
        .ToDictionary(g => g, g => new Lazy<SyntheticAmdChain>(() => new SyntheticAmdChain(g)));

    private readonly RSA _arkKey;
    private readonly RSA _askKey;

    public SyntheticAmdChain(AmdGeneration generation, Action<CertificateRequest>? vcekExtensions = null, ECDsa? vcekKey = null, DateTimeOffset? vcekNotBefore = null, DateTimeOffset? vcekNotAfter = null)
    {
        Generation = generation;
        ChipId = new byte[64];
        RandomNumberGenerator.Fill(ChipId.AsSpan(0, generation == AmdGeneration.Turin ? 8 : 64));
        _arkKey = RSA.Create(2048);
        var arkRequest = new CertificateRequest("CN=ARK-" + generation, _arkKey, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
        arkRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ark = arkRequest.CreateSelfSigned(NotBefore, NotAfter);
        ArkSigner = X509SignatureGenerator.CreateForRSA(_arkKey, RSASignaturePadding.Pss);

        _askKey = RSA.Create(2048);
        var askRequest = new CertificateRequest("CN=SEV-" + generation, _askKey, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
        askRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ask = askRequest.Create(ark.SubjectName, ArkSigner, NotBefore, NotAfter, [0x02, 0x22]);
        AskSigner = X509SignatureGenerator.CreateForRSA(_askKey, RSASignaturePadding.Pss);

        VcekKey = vcekKey ?? ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var vcekRequest = new CertificateRequest("CN=SEV-VCEK-" + generation, VcekKey, HashAlgorithmName.SHA384);
        if (vcekExtensions is null)
        {
            AddVcekExtensions(vcekRequest, generation == AmdGeneration.Turin ? ChipId[..8] : ChipId, Tcb);
        }
        else
        {
            vcekExtensions(vcekRequest);
        }

        using var vcek = vcekRequest.Create(ask.SubjectName, AskSigner, vcekNotBefore ?? NotBefore, vcekNotAfter ?? NotAfter, [0x03, 0x33]);
        Vcek = vcek.RawData;
        ArkName = ark.SubjectName.RawData;
        Chain = new AmdChain(generation.ToString(), DerCertificate.Parse(ask.RawData), DerCertificate.Parse(ark.RawData));
    }

    public static SyntheticAmdChain For(AmdGeneration generation) => Shared[generation].Value;

    public AmdGeneration Generation { get; }

    public byte[] ChipId { get; }

    public ECDsa VcekKey { get; }

    public byte[] Vcek { get; }

    public byte[] ArkName { get; }

    public AmdChain Chain { get; }

    public X509SignatureGenerator ArkSigner { get; }

    public X509SignatureGenerator AskSigner { get; }

    public DerCertificate VcekCertificate => DerCertificate.Parse(Vcek);

    /// <summary>The TCB the VCEK certifies and the report claims (each component distinct, so a swapped one shows).</summary>
    public SevSnpTcb Tcb => Generation == AmdGeneration.Turin ? new SevSnpTcb(1, 2, 3, 4, 82) : new SevSnpTcb(0, 7, 1, 14, 72);

    public SevSnpVerifier Verifier => new([Chain]);

    /// <summary>The VCEK extensions AMD's KDS puts in: the hardware id and one INTEGER per TCB component (FMC on Turin only).</summary>
    public static void AddVcekExtensions(CertificateRequest request, byte[] hwid, SevSnpTcb tcb, bool turin = false, string? skip = null, Func<string, byte[]>? encode = null)
    {
        if (skip != OidHwId)
        {
            request.CertificateExtensions.Add(new X509Extension(OidHwId, hwid, false));
        }

        var spls = new List<(string Oid, byte Value)> { ("1.3.6.1.4.1.3704.1.3.1", tcb.Bootloader), ("1.3.6.1.4.1.3704.1.3.2", tcb.Tee), ("1.3.6.1.4.1.3704.1.3.3", tcb.Snp), ("1.3.6.1.4.1.3704.1.3.8", tcb.Microcode) };
        if (turin || hwid.Length == 8)
        {
            spls.Add(("1.3.6.1.4.1.3704.1.3.9", tcb.Fmc));
        }

        foreach (var (oid, value) in spls.Where(s => s.Oid != skip))
        {
            request.CertificateExtensions.Add(new X509Extension(oid, encode?.Invoke(oid) ?? Integer(value), false));
        }
    }

    public static byte[] Integer(BigInteger value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteInteger(value);
        return writer.Encode();
    }

    /// <summary>A version-3 report of this generation's layout for this chip and TCB, signed by the VCEK; the hook changes it before signing.</summary>
    public byte[] Report(Action<byte[]>? beforeSigning = null, ECDsa? signer = null)
    {
        var report = new byte[SevSnpReport.Size];
        var s = report.AsSpan();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(s, 3);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(s[0x08..], 0x30000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(s[0x34..], 1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(s[0x40..], 0x27);
        var raw = EncodeTcb(Tcb, Generation == AmdGeneration.Turin);
        foreach (var offset in new[] { 0x38, 0x180, 0x1E0, 0x1F0 })
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(s[offset..], raw);
        }

        (report[0x188], report[0x189]) = Generation switch
        {
            AmdGeneration.Milan => ((byte)0x19, (byte)0x01),
            AmdGeneration.Genoa => ((byte)0x19, (byte)0x11),
            _ => ((byte)0x1A, (byte)0x02),
        };
        ChipId.CopyTo(report, 0x1A0);
        report[0x1E8] = 40;
        report[0x1E9] = 55;
        report[0x1EA] = 1;
        report[0x1EC] = 40;
        report[0x1ED] = 55;
        report[0x1EE] = 1;
        RandomNumberGenerator.Fill(s.Slice(0x90, 48));
        beforeSigning?.Invoke(report);
        Sign(report, signer ?? VcekKey);
        return report;
    }

    /// <summary>Writes the R and S fields (72 bytes little-endian each) of a report signed by <paramref name="key"/>.</summary>
    public static void Sign(byte[] report, ECDsa key)
    {
        var signature = key.SignData(report.AsSpan(0, SevSnpReport.SignedLength), HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        Array.Clear(report, SevSnpReport.SignedLength, SevSnpReport.Size - SevSnpReport.SignedLength);
        var n = signature.Length / 2;
        for (var i = 0; i < n; i++)
        {
            report[0x2A0 + i] = signature[n - 1 - i];
            report[0x2E8 + i] = signature[(2 * n) - 1 - i];
        }
    }

    public static ulong EncodeTcb(SevSnpTcb tcb, bool turin) => turin
        ? tcb.Fmc | ((ulong)tcb.Bootloader << 8) | ((ulong)tcb.Tee << 16) | ((ulong)tcb.Snp << 24) | ((ulong)tcb.Microcode << 56)
        : tcb.Bootloader | ((ulong)tcb.Tee << 8) | ((ulong)tcb.Snp << 48) | ((ulong)tcb.Microcode << 56);

    /// <summary>A CRL built field by field; null members are left out. Signed by the ARK unless another key is given.</summary>
    public byte[] Crl(
        DateTimeOffset? thisUpdate = null,
        DateTimeOffset? nextUpdate = null,
        bool withNextUpdate = true,
        IEnumerable<byte[]>? revokedSerials = null,
        BigInteger? version = null,
        bool withVersion = true,
        RSA? signer = null,
        byte[]? innerAlgorithm = null,
        bool generalizedTimes = false,
        bool withExtensions = false,
        Action<byte[]>? tamperSignature = null,
        byte[]? trailing = null)
    {
        var algorithm = ArkSigner.GetSignatureAlgorithmIdentifier(HashAlgorithmName.SHA384);
        var tbs = new AsnWriter(AsnEncodingRules.DER);
        using (tbs.PushSequence())
        {
            if (withVersion)
            {
                tbs.WriteInteger(version ?? BigInteger.One);
            }

            tbs.WriteEncodedValue(innerAlgorithm ?? algorithm);
            tbs.WriteEncodedValue(ArkName);
            WriteTime(tbs, thisUpdate ?? NotBefore, generalizedTimes);
            if (withNextUpdate)
            {
                WriteTime(tbs, nextUpdate ?? NotAfter, generalizedTimes);
            }

            var serials = revokedSerials?.ToList();
            if (serials is { Count: > 0 })
            {
                using (tbs.PushSequence())
                {
                    foreach (var serial in serials)
                    {
                        using (tbs.PushSequence())
                        {
                            tbs.WriteIntegerUnsigned(serial);
                            tbs.WriteUtcTime(NotBefore);
                        }
                    }
                }
            }

            if (withExtensions)
            {
                using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
                using (tbs.PushSequence())
                using (tbs.PushSequence())
                {
                    tbs.WriteObjectIdentifier("2.5.29.20");
                    tbs.WriteOctetString(Integer(7));
                }
            }
        }

        var tbsBytes = tbs.Encode();
        var signature = (signer ?? _arkKey).SignData(tbsBytes, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
        tamperSignature?.Invoke(signature);
        var outer = new AsnWriter(AsnEncodingRules.DER);
        using (outer.PushSequence())
        {
            outer.WriteEncodedValue(tbsBytes);
            outer.WriteEncodedValue(algorithm);
            outer.WriteBitString(signature);
        }

        var crl = outer.Encode();
        return trailing is null ? crl : [.. crl, .. trailing];
    }

    public RSA AskKey => _askKey;

    private static void WriteTime(AsnWriter writer, DateTimeOffset time, bool generalized)
    {
        if (generalized)
        {
            writer.WriteGeneralizedTime(time, omitFractionalSeconds: true);
        }
        else
        {
            writer.WriteUtcTime(time);
        }
    }
}
