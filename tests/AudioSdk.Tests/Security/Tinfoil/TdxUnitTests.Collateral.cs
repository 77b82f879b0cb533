using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Tdx;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The revocation lists, the names and signatures of every link, the signed collateral's reading rules, the PCK
/// certificate's SGX extension and the quote layout, each at the bound where a looser check would accept.
/// </summary>
public sealed partial class TdxUnitTests
{
    private const string EcdsaSha256 = "1.2.840.10045.4.3.2";

    [Fact]
    public void ACrlWithItsIssuersNameButAnotherKey_IsRefused_ForTheRootAndThePckCa()
    {
        var root = Refused(new SyntheticTdx { RootCrlByOtherKey = true }, "PCK_CHAIN_INVALID");
        Assert.Contains("root CA CRL is not signed by Intel's SGX root CA", root.Message, StringComparison.Ordinal);
        var pck = Refused(new SyntheticTdx { PckCrlByOtherKey = true }, "PCK_CHAIN_INVALID");
        Assert.Contains("PCK CRL is not signed by the PCK certificate's CA", pck.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ACrlThatIsNotDer_IsRefusedAsTheChain(bool rootCrl)
    {
        var built = new SyntheticTdx().Build();
        var collateral = rootCrl ? built.Collateral with { RootCrl = [0x30, 0x03, 0x02] } : built.Collateral with { PckCrl = [0x04, 0x00] };
        var ex = Assert.Throws<AttestationException>(() => new TdxVerifier(built.Root).Verify(built.Quote, collateral, Now, TdxPolicy.Tinfoil));
        Assert.Equal((AttestationStage.CertificateChain, "PCK_CHAIN_INVALID"), (ex.Stage, ex.Code));
        Assert.Contains(rootCrl ? "the root CRL does not parse" : "the PCK CRL does not parse", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IntelCrl_IsStrictDer_AndSignedOverTheAlgorithmItNames()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var issuer = SelfSigned("CN=Intel SGX Root CA", key);
        var good = Crl(issuer, key, nextUpdate: true, revoked: []);
        Assert.True(IntelCrl.Parse(good).IsIssuedBy(issuer));

        var garbage = Assert.Throws<CryptographicException>(() => IntelCrl.Parse([0x30, 0x05, 0x01]));
        Assert.Equal("The CRL is not valid DER.", garbage.Message);
        Assert.Throws<CryptographicException>(() => IntelCrl.Parse([.. good, 0x05, 0x00]));          // bytes after the CRL
        Assert.Throws<CryptographicException>(() => IntelCrl.Parse(Reframe(good, extra: true)));     // a member after the signature
        var algorithm = Assert.Throws<CryptographicException>(() => IntelCrl.Parse(Crl(issuer, key, nextUpdate: true, revoked: [], innerAlgorithm: "1.2.840.10045.4.3.3")));
        Assert.Contains("signature algorithm differs", algorithm.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IntelCrl_IsIssuedOnlyByTheCertificateOfBothItsNameAndItsKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var issuer = SelfSigned("CN=Intel SGX Root CA", key);
        var crl = IntelCrl.Parse(Crl(issuer, key, nextUpdate: true, revoked: []));
        Assert.True(crl.IsIssuedBy(issuer));
        Assert.False(crl.IsIssuedBy(SelfSigned("CN=Intel SGX Root CA", otherKey)));  // the name, not the key
        Assert.False(crl.IsIssuedBy(SelfSigned("CN=Another CA", key)));              // the key, not the name
    }

    [Fact]
    public void IntelCrl_WithoutNextUpdate_IsCurrentFromThisUpdateOn_AndStillListsItsEntries()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var issuer = SelfSigned("CN=Intel SGX Root CA", key);

        var bare = IntelCrl.Parse(Crl(issuer, key, nextUpdate: false, revoked: []));
        Assert.Null(bare.NextUpdate);
        Assert.Empty(bare.RevokedSerials);
        Assert.True(bare.IsIssuedBy(issuer));
        Assert.True(bare.IsCurrentAt(Now.AddYears(50)));
        Assert.False(bare.IsCurrentAt(Now.AddDays(-2)));

        var listing = IntelCrl.Parse(Crl(issuer, key, nextUpdate: false, revoked: [[0x07, 0x08]]));
        Assert.Null(listing.NextUpdate);
        Assert.Equal(new byte[] { 0x07, 0x08 }, Assert.Single(listing.RevokedSerials));
    }

    [Fact]
    public void AnAttestationKeyOffTheCurve_IsAQuoteSignatureFailure()
    {
        // The QE report binds it, so only the quote signature can refuse it.
        var ex = Refused(new SyntheticTdx { AttestationKey = Enumerable.Repeat((byte)1, 64).ToArray() }, "QUOTE_SIGNATURE_INVALID", stage: AttestationStage.Report);
        Assert.Contains("not signed by its attestation key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EachLinkNeedsItsIssuersNameAsWellAsItsSignature()
    {
        const string Other = "CN=Intel SGX PCK Platform CA 2, O=Intel Corporation, L=Santa Clara, ST=CA, C=US";
        var pck = Refused(new SyntheticTdx { PckIssuerName = Other }, "PCK_CHAIN_INVALID");
        Assert.Contains("does not chain to Intel's SGX root CA", pck.Message, StringComparison.Ordinal);
        var signer = Refused(new SyntheticTdx { TcbSignerIssuerName = Other }, "TCB_INFO_CHAIN_INVALID");
        Assert.Contains("TCB info signing certificate is not Intel's TCB signing certificate", signer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTcbInfo_IsTdxVersion3_CurrentFromItsIssueDate_AndWellFormedOnceSigned()
    {
        var sgx = Refused(new SyntheticTdx { TcbInfoId = "SGX" }, "QV_RESULT_TERMINAL_UNSPECIFIED");
        Assert.Contains("the TCB info is SGX version 3, not TDX version 3", sgx.Message, StringComparison.Ordinal);
        var v2 = Refused(new SyntheticTdx { TcbInfoVersion = 2 }, "QV_RESULT_TERMINAL_UNSPECIFIED");
        Assert.Contains("the TCB info is TDX version 2", v2.Message, StringComparison.Ordinal);

        Assert.Equal("OK", Verify(new SyntheticTdx { TcbInfoIssuedDaysAgo = 0 }).Result);            // issued this instant
        Refused(new SyntheticTdx { TcbInfoIssuedDaysAgo = 0 }, "TCB_INFO_EXPIRED", Now.AddSeconds(-1));

        var malformed = Refused(new SyntheticTdx { PceId = "00" }, "QV_RESULT_TERMINAL_UNSPECIFIED");
        Assert.Contains("the TCB info is signed but malformed", malformed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TinfoilsPolicy_AllowsEachPublishedModule_AndNoDebugOrOlderTdxTcb()
    {
        foreach (var seam in TdxPolicy.TinfoilMrSeams)
        {
            Assert.Equal("OK", Verify(new SyntheticTdx { MrSeam = Convert.FromHexString(seam) }).Result);
        }

        var unknown = Refused(new SyntheticTdx { MrSeam = new byte[48] }, "MR_SEAM_NOT_ALLOWED", stage: AttestationStage.Policy);
        Assert.Contains(new string('0', 96), unknown.Message, StringComparison.Ordinal);
        Refused(new SyntheticTdx { TdAttributes = "0100001000000000" }, "TD_ATTRIBUTES_DEBUG_SET", stage: AttestationStage.Policy);
        var svn = Convert.FromHexString("03010100000000000000000000000000");
        var old = Refused(new SyntheticTdx { TeeTcbSvn = svn, LevelTdxComponents = svn }, "TEE_TCB_SVN_BELOW_MINIMUM", stage: AttestationStage.Policy);
        Assert.Contains("is below 03010200000000000000000000000000 at byte 2", old.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSgxExtension_NeedsEveryPart_InRange()
    {
        var full = PckExtensions.Read(Pck(Extension()));
        Assert.Equal(Convert.FromHexString("00906ed50000"), full.Fmspc);
        Assert.Equal(new byte[] { 0, 1 }, full.PceId);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (byte)(i * 17)).ToArray(), full.SgxComponents);
        Assert.Equal(0, full.PceSvn);
        Assert.Equal(65535, PckExtensions.Read(Pck(Extension(pceSvn: 65535))).PceSvn);

        // An entry whose OID only begins like a component's is not one.
        Assert.Equal(full.SgxComponents, PckExtensions.Read(Pck(Extension(lookalike: true))).SgxComponents);

        foreach (var incomplete in new[] { Extension(fmspc: false), Extension(pceId: false), Extension(components: 15), Extension(pceSvn: null) })
        {
            var ex = Assert.Throws<FormatException>(() => PckExtensions.Read(Pck(incomplete)));
            Assert.Equal("the PCK certificate's SGX extension lacks the FMSPC, PCE id or TCB", ex.Message);
        }

        foreach (var outOfRange in new[] { Extension(pceSvn: 65536), Extension(pceSvn: -1), Extension(component: 256), Extension(component: -1) })
        {
            var ex = Assert.Throws<FormatException>(() => PckExtensions.Read(Pck(outOfRange)));
            Assert.Equal("an SVN in the PCK certificate is out of range", ex.Message);
        }

        Assert.Equal(255, PckExtensions.Read(Pck(Extension(component: 255))).SgxComponents[0]);
        Assert.Equal("the PCK certificate's SGX extension is not valid DER", Assert.Throws<FormatException>(() => PckExtensions.Read(Pck([0x30, 0x05, 0x30]))).Message);
        Assert.Throws<FormatException>(() => PckExtensions.Read(Pck([.. Extension(), 0x05, 0x00])));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Equal("the PCK certificate has no SGX extension", Assert.Throws<FormatException>(() => PckExtensions.Read(SelfSigned("CN=PCK", key))).Message);
    }

    [Fact]
    public void SignedCollateral_ReadsOnlyWhatIsThere_AsTheKindItMustBe()
    {
        using var doc = JsonDocument.Parse("""{"s":"x","n":5,"neg":-1,"a":[1,2],"o":{},"t":"2026-06-01T00:00:00.5Z"}""");
        var o = doc.RootElement;
        Assert.Equal("'n' is not a string", Assert.Throws<FormatException>(() => SignedCollateral.String(o, "n")).Message);
        Assert.Equal("'s' is not a non-negative integer", Assert.Throws<FormatException>(() => SignedCollateral.Int(o, "s")).Message);
        Assert.Throws<FormatException>(() => SignedCollateral.Int(o, "neg"));
        Assert.Equal("'s' is not 2 bytes of hex", Assert.Throws<FormatException>(() => SignedCollateral.HexBytes(o, "s", 2)).Message);
        Assert.Equal("'s' is not a UTC time", Assert.Throws<FormatException>(() => SignedCollateral.Time(o, "s")).Message);
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 0, 0, 0, 500, TimeSpan.Zero), SignedCollateral.Time(o, "t"));
        Assert.Equal("'o' is not an array of at most 2", Assert.Throws<FormatException>(() => SignedCollateral.Array(o, "o", 2)).Message);
        Assert.Throws<FormatException>(() => SignedCollateral.Array(o, "a", 1));
        Assert.Throws<FormatException>(() => SignedCollateral.Array(o, "missing", 1));
        Assert.Equal(2, SignedCollateral.Array(o, "a", 2).Count());
    }

    [Fact]
    public void SignedCollateral_UpToItsSizeLimit_AndNotJson_IsNoSignature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signer = SelfSigned("CN=Intel SGX TCB Signing", key);
        const string Body = """{"id":"TDX"}""";
        var signature = Convert.ToHexString(key.SignData(Encoding.UTF8.GetBytes(Body), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        var head = "{\"tcbInfo\":" + Body + ",\"signature\":\"" + signature + "\"";
        var atLimit = head + new string(' ', SignedCollateral.MaxBytes - head.Length - 1) + "}";
        Assert.Equal(SignedCollateral.MaxBytes, atLimit.Length);
        Assert.Equal("TDX", SignedCollateral.Verify(atLimit, "tcbInfo", signer)?.GetProperty("id").GetString());
        Assert.Null(SignedCollateral.Verify(atLimit.Insert(1, " "), "tcbInfo", signer));
        Assert.Null(SignedCollateral.Verify("{\"tcbInfo\":", "tcbInfo", signer));
    }

    [Fact]
    public void TcbLevels_NeedATcbObject_AndSixteenByteSizedSvnsOfEachKind()
    {
        var body = JsonNode.Parse(new SyntheticTdx().Build().Collateral.TcbInfoJson)!["tcbInfo"]!;
        using (var unchanged = JsonDocument.Parse(body.ToJsonString()))
        {
            Assert.Single(TdxTcbInfo.Read(unchanged.RootElement).Levels);
        }

        foreach (var (change, reason) in new (Action<JsonObject>, string)[]
        {
            (l => l["tcb"] = 5, "a TCB level has no 'tcb'"),
            (l => l["tcb"]!["sgxtcbcomponents"]!.AsArray().RemoveAt(0), "'sgxtcbcomponents' does not have 16 SVNs"),
            (l => l["tcb"]!["tdxtcbcomponents"]!.AsArray()[3] = new JsonObject { ["svn"] = 256 }, "'tdxtcbcomponents' does not have 16 SVNs"),
        })
        {
            var changed = body.DeepClone();
            change(changed["tcbLevels"]![0]!.AsObject());
            using var document = JsonDocument.Parse(changed.ToJsonString());
            Assert.Equal(reason, Assert.Throws<FormatException>(() => TdxTcbInfo.Read(document.RootElement)).Message);
        }
    }

    [Fact]
    public void QuoteHeader_AndEachFieldItEndsIn_AreNamed()
    {
        var good = new SyntheticTdx().Build().Quote;
        var sig = TdxQuote.HeaderSize + TdxQuote.BodySize;
        ParseRefused(good[..TdxQuote.HeaderSize], "QUOTE_TRUNCATED", "the quote ends inside the signature data size");
        ParseRefused(new byte[TdxQuote.HeaderSize - 1], "QUOTE_TRUNCATED", $"a quote header is {TdxQuote.HeaderSize} bytes; {TdxQuote.HeaderSize - 1} were given");
        var padded = new byte[TdxQuote.MaxSize];
        good.CopyTo(padded, 0);
        Assert.Equal(TdxQuote.Parse(good).PckChainPem, TdxQuote.Parse(padded).PckChainPem);                // exactly the maximum size
        ParseRefused([.. padded, 0], "QUOTE_FORMAT_UNSUPPORTED", $"the quote is {TdxQuote.MaxSize + 1} bytes, more than {TdxQuote.MaxSize}");
        ParseRefused(With(good, q => q[0] = 3), "QUOTE_FORMAT_UNSUPPORTED", "quote version 3 is not supported (4 is)");
        ParseRefused(With(good, q => q[4] = 0), "WRONG_TEE_TYPE", "TEE type 0x0 is not TDX (0x81)");
        ParseRefused(With(good, q => q[2] = 3), "ATTESTATION_KEY_TYPE_UNSUPPORTED", "attestation key type 3 is not ECDSA P-256 (2)");
        ParseRefused(With(good, q => q[12] ^= 1), "QE_VENDOR_UNKNOWN", "is not Intel");
        ParseRefused(With(good, q => BinaryPrimitives.WriteUInt32LittleEndian(q.AsSpan(sig), uint.MaxValue)), "QUOTE_TRUNCATED", $"the signature data is said to be {uint.MaxValue} bytes");
        ParseRefused(With(good, q => q[sig + 4 + 128] = 5), "QUOTE_FORMAT_UNSUPPORTED", "the certification data is type 5 of");
        var inner = sig + 4 + 134 + TdxQuote.QeReportSize + 64;
        ParseRefused(With(good, q => q[inner + 2 + BinaryPrimitives.ReadUInt16LittleEndian(good.AsSpan(inner))] = 6), "QUOTE_FORMAT_UNSUPPORTED", "the inner certification data is type 6 of");

        var auth = BinaryPrimitives.ReadUInt16LittleEndian(good.AsSpan(sig + 4 + 134 + TdxQuote.QeReportSize + 64));
        foreach (var (within, field) in new[]
        {
            (134 + 100, "the QE report"),
            (134 + TdxQuote.QeReportSize + 10, "the QE report signature"),
            (134 + TdxQuote.QeReportSize + 64 + 1, "the QE authentication data size"),
            (134 + TdxQuote.QeReportSize + 64 + 2 + auth - 1, "the QE authentication data"),
            (134 + TdxQuote.QeReportSize + 64 + 2 + auth + 1, "the PCK certification data type"),
            (134 + TdxQuote.QeReportSize + 64 + 2 + auth + 3, "the PCK certification data size"),
        })
        {
            // The quote cut inside the field, with the signature and certification data sizes saying so.
            var cut = good[..(sig + 4 + within)];
            BinaryPrimitives.WriteUInt32LittleEndian(cut.AsSpan(sig), (uint)within);
            BinaryPrimitives.WriteUInt32LittleEndian(cut.AsSpan(sig + 4 + 130), (uint)(within - 134));
            ParseRefused(cut, "QUOTE_TRUNCATED", "the quote ends inside " + field);
        }
    }

    private static void ParseRefused(byte[] quote, string code, string reason)
    {
        var ex = Assert.Throws<AttestationException>(() => TdxQuote.Parse(quote));
        Assert.Equal((AttestationStage.Report, code), (ex.Stage, ex.Code));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    private static DerCertificate SelfSigned(string name, ECDsa key, byte[]? sgxExtension = null)
    {
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        if (sgxExtension is not null)
        {
            request.CertificateExtensions.Add(new X509Extension("1.2.840.113741.1.13.1", sgxExtension, false));
        }

        using var certificate = request.CreateSelfSigned(Now.AddYears(-1), Now.AddYears(1));
        return DerCertificate.Parse(certificate.RawData);
    }

    private static DerCertificate Pck(byte[] extension)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return SelfSigned("CN=Intel SGX PCK Certificate", key, extension);
    }

    private static byte[] Extension(bool fmspc = true, bool pceId = true, int components = 16, int? pceSvn = 0, int? component = null, bool lookalike = false)
    {
        const string Sgx = "1.2.840.113741.1.13.1";
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier(Sgx + ".2");
                using (w.PushSequence())
                {
                    for (var i = 0; i < components; i++)
                    {
                        using (w.PushSequence())
                        {
                            w.WriteObjectIdentifier($"{Sgx}.2.{i + 1}");
                            w.WriteInteger(i == 0 && component is { } c ? c : i * 17);
                        }
                    }

                    if (lookalike)
                    {
                        using (w.PushSequence())
                        {
                            w.WriteObjectIdentifier(Sgx + ".215");
                            w.WriteInteger(99);
                        }
                    }

                    if (pceSvn is { } svn)
                    {
                        using (w.PushSequence())
                        {
                            w.WriteObjectIdentifier(Sgx + ".2.17");
                            w.WriteInteger(svn);
                        }
                    }
                }
            }

            if (pceId)
            {
                using (w.PushSequence())
                {
                    w.WriteObjectIdentifier(Sgx + ".3");
                    w.WriteOctetString([0, 1]);
                }
            }

            if (fmspc)
            {
                using (w.PushSequence())
                {
                    w.WriteObjectIdentifier(Sgx + ".4");
                    w.WriteOctetString(Convert.FromHexString("00906ed50000"));
                }
            }
        }

        return w.Encode();
    }

    /// <summary>A CRL signed by <paramref name="key"/> in the issuer's name, written field by field (so nextUpdate may be left out).</summary>
    private static byte[] Crl(DerCertificate issuer, ECDsa key, bool nextUpdate, byte[][] revoked, string innerAlgorithm = EcdsaSha256)
    {
        var tbs = new AsnWriter(AsnEncodingRules.DER);
        using (tbs.PushSequence())
        {
            tbs.WriteInteger(1);
            using (tbs.PushSequence())
            {
                tbs.WriteObjectIdentifier(innerAlgorithm);
            }

            tbs.WriteEncodedValue(issuer.Subject.Span);
            tbs.WriteUtcTime(Now.AddDays(-1));
            if (nextUpdate)
            {
                tbs.WriteUtcTime(Now.AddDays(30));
            }

            if (revoked.Length > 0)
            {
                using (tbs.PushSequence())
                {
                    foreach (var serial in revoked)
                    {
                        using (tbs.PushSequence())
                        {
                            tbs.WriteIntegerUnsigned(serial);
                            tbs.WriteUtcTime(Now.AddDays(-1));
                        }
                    }
                }
            }
        }

        var tbsBytes = tbs.Encode();
        var crl = new AsnWriter(AsnEncodingRules.DER);
        using (crl.PushSequence())
        {
            crl.WriteEncodedValue(tbsBytes);
            using (crl.PushSequence())
            {
                crl.WriteObjectIdentifier(EcdsaSha256);
            }

            crl.WriteBitString(key.SignData(tbsBytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        }

        return crl.Encode();
    }

    /// <summary>The CRL's outer sequence again, with a NULL after the signature when <paramref name="extra"/>.</summary>
    private static byte[] Reframe(byte[] crl, bool extra)
    {
        var list = new AsnReader(crl, AsnEncodingRules.DER).ReadSequence();
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            while (list.HasData)
            {
                w.WriteEncodedValue(list.ReadEncodedValue().Span);
            }

            if (extra)
            {
                w.WriteNull();
            }
        }

        return w.Encode();
    }
}
