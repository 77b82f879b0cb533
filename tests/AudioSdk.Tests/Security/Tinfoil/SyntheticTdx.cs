using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Tdx;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// A synthetic Intel TDX platform built with the BCL: an SGX-style root, PCK CA and PCK certificate (with the SGX
/// extension), a TCB signing certificate, CRLs, signed TCB info and QE identity, and a quote signed by a fresh
/// attestation key bound in a QE report signed by the PCK. Each knob changes one thing, so a test can reach a
/// verifier branch no vector reaches.
/// </summary>
internal sealed record SyntheticTdx
{
    private const string Suffix = ", O=Intel Corporation, L=Santa Clara, ST=CA, C=US";

    public static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public byte[] TeeTcbSvn { get; init; } = Convert.FromHexString("03010200000000000000000000000000");
    public byte[] SgxComponents { get; init; } = Enumerable.Repeat((byte)5, 16).ToArray();
    public int PceSvn { get; init; } = 11;
    public string PlatformStatus { get; init; } = "UpToDate";
    public string QeStatus { get; init; } = "UpToDate";
    public string? ModuleStatus { get; init; }
    public byte[] ModuleSigner { get; init; } = new byte[48];
    public bool RevokePck { get; init; }
    public bool RevokeTcbSigner { get; init; }
    public string CaName { get; init; } = "Intel SGX PCK Platform CA";
    public int LevelPceSvn { get; init; } = 11;
    public string PceId { get; init; } = "0000";
    public byte[]? LevelSgxComponents { get; init; }
    public byte[]? LevelTdxComponents { get; init; }
    public int TcbEvaluationDataNumber { get; init; } = 18;
    public int QeEvaluationDataNumber { get; init; } = 18;
    public string TcbSignerName { get; init; } = "Intel SGX TCB Signing";
    public string? ModuleId { get; init; }
    public int ModuleLevelSvn { get; init; }
    public int TcbInfoDays { get; init; } = 30;
    public int QeIdentityDays { get; init; } = 30;
    public int RootCrlDays { get; init; } = 30;
    public int PckCrlDays { get; init; } = 30;
    public int TcbSignerDays { get; init; } = 5 * 365;
    public int PckDays { get; init; } = 5 * 365;
    public int QeSignerDays { get; init; } = 5 * 365;

    /// <summary>The QE identity is signed by its own TCB signing certificate, which the root CRL may revoke.</summary>
    public bool SeparateQeSigner { get; init; }
    public bool RevokeQeSigner { get; init; }

    public byte[]? MrSeam { get; init; }
    public string TdAttributes { get; init; } = "0000001000000000";
    public string TcbInfoId { get; init; } = "TDX";
    public int TcbInfoVersion { get; init; } = 3;
    public int TcbInfoIssuedDaysAgo { get; init; } = 2;
    public string QeIdentityId { get; init; } = "TD_QE";

    /// <summary>The quote's PCK chain without Intel's root (leaf and CA only).</summary>
    public bool ChainWithoutRoot { get; init; }
    public int QeIdentityVersion { get; init; } = 2;
    public string QeIdentityMrSigner { get; init; } = new('0', 64);

    /// <summary>Issuer names written into the PCK and TCB signing certificates instead of their signers' (the signatures stay right).</summary>
    public string? PckIssuerName { get; init; }
    public string? TcbSignerIssuerName { get; init; }

    /// <summary>The root or PCK CRL carries its issuer's name but is signed by another key.</summary>
    public bool RootCrlByOtherKey { get; init; }
    public bool PckCrlByOtherKey { get; init; }

    /// <summary>The attestation key the quote carries and the QE report binds (64 bytes, X then Y), instead of the signing key's.</summary>
    public byte[]? AttestationKey { get; init; }

    /// <summary>The time the platform's certificates and collateral are issued around (default <see cref="Now"/>).</summary>
    public DateTimeOffset At { get; init; } = Now;

    /// <summary>The PPID the PCK certificate names (16 bytes); zeros when null.</summary>
    public byte[]? Ppid { get; init; }

    /// <summary>Leaves the PPID out of the PCK certificate's SGX extension.</summary>
    public bool WithoutPpid { get; init; }

    /// <summary>MRTD then RTMR0 to RTMR3 (48 bytes each); a random MRTD and zero RTMRs when null.</summary>
    public byte[][]? Registers { get; init; }

    /// <summary>The TD's REPORT_DATA (64 bytes: the TLS key pin, then the HPKE key); random when null.</summary>
    public byte[]? ReportData { get; init; }

    /// <summary>Changes the QE report after its REPORT_DATA is set and before the PCK signs it.</summary>
    public Action<byte[]>? QeReportEdit { get; init; }

    /// <summary>Rewrites the TCB info body (JSON text) before the TCB signing key signs it.</summary>
    public Func<string, string>? TcbInfoEdit { get; init; }

    /// <summary>Rewrites the QE identity body (JSON text) before its signing key signs it.</summary>
    public Func<string, string>? QeIdentityEdit { get; init; }

    public sealed record Built(byte[] Quote, TdxCollateral Collateral, DerCertificate Root);

    public Built Build()
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var pckKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var tcbKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var qeKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ak = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var from = At.AddYears(-1);
        var to = At.AddYears(5);

        using var root = Ca("CN=Intel SGX Root CA" + Suffix, rootKey).CreateSelfSigned(from, to);
        using var ca = Ca($"CN={CaName}" + Suffix, caKey).Create(root, from, to, [1, 1]);
        var leafRequest = new CertificateRequest("CN=Intel SGX PCK Certificate" + Suffix, pckKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509Extension("1.2.840.113741.1.13.1", SgxExtension(), false));
        using var pck = leafRequest.Create(PckIssuerName is null ? ca.SubjectName : new X500DistinguishedName(PckIssuerName), X509SignatureGenerator.CreateForECDsa(caKey), from, At.AddDays(PckDays), [2, 2]);
        using var tcbSigner = new CertificateRequest($"CN={TcbSignerName}" + Suffix, tcbKey, HashAlgorithmName.SHA256).Create(
            TcbSignerIssuerName is null ? root.SubjectName : new X500DistinguishedName(TcbSignerIssuerName), X509SignatureGenerator.CreateForECDsa(rootKey), from, At.AddDays(TcbSignerDays), [3, 3]);
        using var qeSigner = new CertificateRequest("CN=Intel SGX TCB Signing" + Suffix, qeKey, HashAlgorithmName.SHA256).Create(root, from, At.AddDays(QeSignerDays), [4, 4]);

        var rootCrl = new CertificateRevocationListBuilder();
        if (RevokeTcbSigner)
        {
            rootCrl.AddEntry(tcbSigner);
        }

        if (RevokeQeSigner)
        {
            rootCrl.AddEntry(qeSigner);
        }

        var pckCrl = new CertificateRevocationListBuilder();
        if (RevokePck)
        {
            pckCrl.AddEntry(pck);
        }

        using var caWithKey = ca.CopyWithPrivateKey(caKey);
        var chain = Pem(pck) + Pem(ca) + (ChainWithoutRoot ? string.Empty : Pem(root));
        var quote = Quote(ak, pckKey, chain);
        var tcbInfo = Sign(tcbKey, "tcbInfo", TcbInfoEdit is null ? TcbInfoBody() : TcbInfoEdit(TcbInfoBody()));
        var qeIdentity = Sign(SeparateQeSigner ? qeKey : tcbKey, "enclaveIdentity", QeIdentityEdit is null ? QeIdentityBody() : QeIdentityEdit(QeIdentityBody()));
        return new Built(
            quote,
            new TdxCollateral
            {
                TcbInfoJson = tcbInfo,
                QeIdentityJson = qeIdentity,
                RootCrl = RootCrlByOtherKey ? ByOtherKey(rootCrl, root, RootCrlDays) : rootCrl.Build(root, 1, At.AddDays(RootCrlDays), HashAlgorithmName.SHA256, thisUpdate: At.AddDays(-1)),
                PckCrl = PckCrlByOtherKey ? ByOtherKey(pckCrl, ca, PckCrlDays) : pckCrl.Build(caWithKey, 1, At.AddDays(PckCrlDays), HashAlgorithmName.SHA256, thisUpdate: At.AddDays(-1)),
                TcbInfoIssuerChainPem = Pem(tcbSigner) + Pem(root),
                QeIdentityIssuerChainPem = Pem(SeparateQeSigner ? qeSigner : tcbSigner) + Pem(root),
            },
            DerCertificate.Parse(root.RawData));
    }

    private byte[] ByOtherKey(CertificateRevocationListBuilder crl, X509Certificate2 issuer, int days)
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return crl.Build(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(other), 1, At.AddDays(days), HashAlgorithmName.SHA256,
            X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(SHA1.HashData(issuer.PublicKey.EncodedKeyValue.RawData)), At.AddDays(-1));
    }

    private static CertificateRequest Ca(string name, ECDsa key)
    {
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request;
    }

    private static string Pem(X509Certificate2 certificate) => certificate.ExportCertificatePem() + "\n";

    private byte[] SgxExtension()
    {
        const string Sgx = "1.2.840.113741.1.13.1";
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            if (!WithoutPpid)
            {
                Entry(w, Sgx + ".1", () => w.WriteOctetString(Ppid ?? new byte[16]));
            }

            using (w.PushSequence())
            {
                w.WriteObjectIdentifier(Sgx + ".2");
                using (w.PushSequence())
                {
                    for (var i = 0; i < 16; i++)
                    {
                        var index = i;
                        Entry(w, $"{Sgx}.2.{i + 1}", () => w.WriteInteger(SgxComponents[index]));
                    }

                    Entry(w, Sgx + ".2.17", () => w.WriteInteger(PceSvn));
                    Entry(w, Sgx + ".2.18", () => w.WriteOctetString(SgxComponents));
                }
            }

            Entry(w, Sgx + ".3", () => w.WriteOctetString(new byte[2]));
            Entry(w, Sgx + ".4", () => w.WriteOctetString(Convert.FromHexString("00906ed50000")));
            Entry(w, Sgx + ".5", () => w.WriteEncodedValue([0x0A, 0x01, 0x00]));
        }

        return w.Encode();
    }

    private static void Entry(AsnWriter w, string oid, Action value)
    {
        using (w.PushSequence())
        {
            w.WriteObjectIdentifier(oid);
            value();
        }
    }

    private byte[] Quote(ECDsa ak, ECDsa pckKey, string chain)
    {
        var signed = new byte[TdxQuote.HeaderSize + TdxQuote.BodySize];
        BinaryPrimitives.WriteUInt16LittleEndian(signed, 4);
        BinaryPrimitives.WriteUInt16LittleEndian(signed.AsSpan(2), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(signed.AsSpan(4), 0x81);
        TdxQuote.IntelQeVendorId.CopyTo(signed.AsSpan(12));
        var body = signed.AsSpan(TdxQuote.HeaderSize);
        TeeTcbSvn.CopyTo(body);
        (MrSeam ?? Convert.FromHexString(TdxPolicy.TinfoilMrSeams[3])).CopyTo(body[16..]);
        Convert.FromHexString(TdAttributes).CopyTo(body[120..]);
        Convert.FromHexString("e702060000000000").CopyTo(body[128..]);
        RandomNumberGenerator.Fill(body.Slice(136, 48));
        if (Registers is { } registers)
        {
            registers[0].CopyTo(body[136..]);
            for (var i = 1; i < registers.Length; i++)
            {
                registers[i].CopyTo(body[(328 + (48 * (i - 1)))..]);
            }
        }
        if (ReportData is { } reportData)
        {
            reportData.CopyTo(body.Slice(520, 64));
        }
        else
        {
            RandomNumberGenerator.Fill(body.Slice(520, 64));
        }

        var parameters = ak.ExportParameters(false);
        var key = AttestationKey ?? [.. parameters.Q.X!, .. parameters.Q.Y!];
        var auth = Encoding.ASCII.GetBytes("synthetic qe authentication data");
        var qeReport = new byte[TdxQuote.QeReportSize];
        new byte[32].AsSpan().CopyTo(qeReport.AsSpan(128));
        BinaryPrimitives.WriteUInt16LittleEndian(qeReport.AsSpan(256), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(qeReport.AsSpan(258), 8);
        SHA256.HashData([.. key, .. auth], qeReport.AsSpan(320));
        QeReportEdit?.Invoke(qeReport);

        var pem = Encoding.ASCII.GetBytes(chain);
        var certification = new List<byte>();
        certification.AddRange(qeReport);
        certification.AddRange(pckKey.SignData(qeReport, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        certification.AddRange(BitConverter.GetBytes((ushort)auth.Length));
        certification.AddRange(auth);
        certification.AddRange(BitConverter.GetBytes((ushort)5));
        certification.AddRange(BitConverter.GetBytes(pem.Length));
        certification.AddRange(pem);

        var signature = new List<byte>();
        signature.AddRange(ak.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        signature.AddRange(key);
        signature.AddRange(BitConverter.GetBytes((ushort)6));
        signature.AddRange(BitConverter.GetBytes(certification.Count));
        signature.AddRange(certification);
        return [.. signed, .. BitConverter.GetBytes(signature.Count), .. signature];
    }

    private string TcbInfoBody()
    {
        static string Components(IEnumerable<byte> svns) => "[" + string.Join(",", svns.Select(s => $"{{\"svn\":{s}}}")) + "]";
        var module = ModuleStatus is null
            ? string.Empty
            : $",\"tdxModuleIdentities\":[{{\"id\":\"{ModuleId ?? $"TDX_{TeeTcbSvn[1]:X2}"}\",\"mrsigner\":\"{Convert.ToHexString(ModuleSigner)}\",\"attributes\":\"0000000000000000\",\"attributesMask\":\"FFFFFFFFFFFFFFFF\",\"tcbLevels\":[{{\"tcb\":{{\"isvsvn\":{ModuleLevelSvn}}},\"tcbDate\":\"2025-01-01T00:00:00Z\",\"tcbStatus\":\"{ModuleStatus}\"}}]}}]";
        var tdx = LevelTdxComponents ?? TeeTcbSvn.ToArray();
        return "{\"id\":\"" + TcbInfoId + "\",\"version\":" + TcbInfoVersion + ",\"issueDate\":\"" + Time(At.AddDays(-TcbInfoIssuedDaysAgo)) + "\",\"nextUpdate\":\"" + Time(At.AddDays(TcbInfoDays)) +
            "\",\"fmspc\":\"00906ED50000\",\"pceId\":\"" + PceId + "\",\"tcbType\":0,\"tcbEvaluationDataNumber\":" + TcbEvaluationDataNumber + "," +
            $"\"tdxModule\":{{\"mrsigner\":\"{Convert.ToHexString(ModuleSigner)}\",\"attributes\":\"0000000000000000\",\"attributesMask\":\"FFFFFFFFFFFFFFFF\"}}" + module +
            $",\"tcbLevels\":[{{\"tcb\":{{\"sgxtcbcomponents\":{Components(LevelSgxComponents ?? SgxComponents)},\"pcesvn\":{LevelPceSvn},\"tdxtcbcomponents\":{Components(tdx)}}},\"tcbDate\":\"2025-01-01T00:00:00Z\",\"tcbStatus\":\"{PlatformStatus}\"}}]}}";
    }

    private string QeIdentityBody() =>
        "{\"id\":\"" + QeIdentityId + "\",\"version\":" + QeIdentityVersion + ",\"issueDate\":\"" + Time(At.AddDays(-1)) + "\",\"nextUpdate\":\"" + Time(At.AddDays(QeIdentityDays)) +
        "\",\"tcbEvaluationDataNumber\":" + QeEvaluationDataNumber + ",\"miscselect\":\"00000000\",\"miscselectMask\":\"FFFFFFFF\",\"attributes\":\"00000000000000000000000000000000\"," +
        "\"attributesMask\":\"FBFFFFFFFFFFFFFF0000000000000000\",\"mrsigner\":\"" + QeIdentityMrSigner + "\",\"isvprodid\":2," +
        $"\"tcbLevels\":[{{\"tcb\":{{\"isvsvn\":8}},\"tcbDate\":\"2025-01-01T00:00:00Z\",\"tcbStatus\":\"{QeStatus}\"}}]}}";

    private static string Sign(ECDsa key, string member, string body)
    {
        var signature = key.SignData(Encoding.UTF8.GetBytes(body), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{{\"{member}\":{body},\"signature\":\"{Convert.ToHexString(signature).ToLowerInvariant()}\"}}";
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}
