using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Tdx;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// Out-of-range numbers and times in every numeric field the TDX path reads: the TCB info and QE identity members (re-signed by
/// the synthetic platform's TCB signing key, so they reach the reading behind the signature), the quote's length fields, the
/// endorsed TDX policy's numbers, and appraisal times at the ends of <see cref="DateTimeOffset"/>. Each is refused with an
/// <see cref="AttestationException"/> of the stage and code it belongs to; an algorithm a key cannot have is a refusal too.
/// </summary>
public sealed class TdxHostileNumberTests
{
    /// <summary>Values no signed collateral number may take: negative, past Int32, non-integers, other types.</summary>
    public static readonly string[] NotAnInt32 =
    [
        "-1", "-2147483648", "2147483648", "9223372036854775807", "9223372036854775808", "18446744073709551616", "1e400", "1.5", "-0.5",
        "1e3", "\"18\"", "\"\"", "null", "true", "[]", "{}",
    ];

    private const string MalformedCode = "QV_RESULT_TERMINAL_UNSPECIFIED";

    public static TheoryData<bool, string> Fields() => new()
    {
        { true, "version" }, { true, "tcbEvaluationDataNumber" }, { true, "tcbLevels.0.tcb.sgxtcbcomponents.0.svn" },
        { true, "tcbLevels.0.tcb.sgxtcbcomponents.15.svn" }, { true, "tcbLevels.0.tcb.pcesvn" }, { true, "tcbLevels.0.tcb.tdxtcbcomponents.0.svn" },
        { true, "tcbLevels.0.tcb.tdxtcbcomponents.15.svn" },
        { false, "version" }, { false, "tcbEvaluationDataNumber" }, { false, "isvprodid" }, { false, "tcbLevels.0.tcb.isvsvn" },
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public void ANumberThatIsNotAnInt32_IsRefusedAsMalformedCollateral(bool tcbInfo, string field)
    {
        foreach (var value in NotAnInt32)
        {
            var ex = Refused(tcbInfo, field, value);
            Assert.True((ex.Stage, ex.Code) == (AttestationStage.CertificateChain, MalformedCode), $"{field} = {value}: {ex.Stage}/{ex.Code}: {ex.Message}");
        }
    }

    [Theory]
    [InlineData(true, "tcbLevels.0.tcb.sgxtcbcomponents.3.svn", "256", MalformedCode)]             // a component SVN is a byte
    [InlineData(true, "tcbLevels.0.tcb.tdxtcbcomponents.3.svn", "2147483647", MalformedCode)]
    [InlineData(true, "tcbLevels.0.tcb.pcesvn", "65536", MalformedCode)]                          // above any PCE SVN: no level admits
    [InlineData(true, "tcbLevels.0.tcb.pcesvn", "2147483647", MalformedCode)]
    [InlineData(true, "version", "2147483647", MalformedCode)]
    [InlineData(false, "version", "2147483647", "QE_IDENTITY_VERSION_INVALID")]
    [InlineData(false, "version", "0", "QE_IDENTITY_VERSION_INVALID")]
    [InlineData(false, "isvprodid", "65536", "QE_IDENTITY_FIELD_MISMATCH")]                       // the QE report's product id is 16 bits
    [InlineData(false, "tcbLevels.0.tcb.isvsvn", "65536", "QE_IDENTITY_FIELD_MISMATCH")]          // above any QE SVN: no level admits
    [InlineData(false, "miscselect", "\"FFFFFFFFFF\"", MalformedCode)]                            // 5 bytes, not 4
    [InlineData(false, "miscselect", "4294967295", MalformedCode)]                                // a number, not hex
    [InlineData(false, "miscselect", "\"-1\"", MalformedCode)]
    [InlineData(false, "miscselect", "\"FFFFFFFF\"", "QE_IDENTITY_FIELD_MISMATCH")]               // in range, not the QE's
    [InlineData(true, "issueDate", "\"9999-12-31T23:59:59Z\"", "TCB_INFO_EXPIRED")]                // the last second of DateTimeOffset
    [InlineData(true, "issueDate", "\"10000-01-01T00:00:00Z\"", MalformedCode)]                    // past it
    [InlineData(true, "nextUpdate", "\"0001-01-01T00:00:00Z\"", "TCB_INFO_EXPIRED")]               // the first second
    [InlineData(true, "nextUpdate", "\"0000-12-31T23:59:59Z\"", MalformedCode)]                    // before it
    [InlineData(true, "nextUpdate", "\"9999-12-31T23:59:59.99999999Z\"", MalformedCode)]           // a digit more than ticks carry
    [InlineData(true, "nextUpdate", "253402300800", MalformedCode)]
    [InlineData(false, "issueDate", "\"9999-12-31T23:59:59.9999999Z\"", "QE_IDENTITY_EXPIRED")]
    [InlineData(false, "nextUpdate", "\"0001-01-01T00:00:00Z\"", "QE_IDENTITY_EXPIRED")]
    [InlineData(false, "nextUpdate", "\"+10000-01-01T00:00:00Z\"", MalformedCode)]
    [InlineData(false, "issueDate", "\"2026-02-30T00:00:00Z\"", MalformedCode)]
    public void AnOutOfRangeValue_IsRefusedWithTheCodeOfItsCheck(bool tcbInfo, string field, string value, string code)
    {
        var ex = Refused(tcbInfo, field, value);

        Assert.Equal((AttestationStage.CertificateChain, code), (ex.Stage, ex.Code));
    }

    [Theory]
    [InlineData(true, "tcbEvaluationDataNumber", "0")]
    [InlineData(false, "tcbEvaluationDataNumber", "18")]
    public void AnEvaluationDataNumberBelowTheEndorsedMinimum_IsRefusedAtPolicy(bool tcbInfo, string field, string value)
    {
        var ex = Refused(tcbInfo, field, value);

        Assert.Equal((AttestationStage.Policy, "TCB_EVAL_DATA_NUMBER_TOO_LOW"), (ex.Stage, ex.Code));
    }

    [Theory]
    [InlineData(true, "nextUpdate", "\"9999-12-31T23:59:59.9999999Z\"")]   // Intel may sign a far update time: the document holds until the nearest one
    [InlineData(true, "tcbLevels.0.tcbDate", "\"10000-01-01T00:00:00Z\"")]  // tcbDate is not read (the status carries the level's meaning)
    [InlineData(true, "tcbEvaluationDataNumber", "2147483647")]
    public void ASignedValueAtTheEndOfItsRange_IsAccepted(bool tcbInfo, string field, string value)
    {
        var fixture = Build(tcbInfo, field, value);

        var verified = TdxHostileInputTests.Verify(fixture.Document, fixture.Trust);

        Assert.True(verified.ValidUntil < DateTimeOffset.MaxValue);
    }

    public static TheoryData<int> LengthFields() => [632, 766, 1254];

    [Theory]
    [MemberData(nameof(LengthFields))]
    public void QuoteLengthFieldsUpToUInt32Max_AreRefusedAtTheReport(int offset)
    {
        var fixture = Shared.Value;
        foreach (var value in new uint[] { 0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, uint.MaxValue })
        {
            var quote = (byte[])fixture.Quote.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(quote.AsSpan(offset), value);

            var ex = Assert.ThrowsAny<AttestationException>(() => TdxHostileInputTests.Verify(fixture.WithQuote(quote), fixture.Trust));

            Assert.True(ex.Stage == AttestationStage.Report && ex.Code is "QUOTE_TRUNCATED" or "QUOTE_FORMAT_UNSUPPORTED", $"{offset} = {value}: {ex.Stage}/{ex.Code}");
        }
    }

    public static TheoryData<string, string> PolicyNumbers()
    {
        var data = new TheoryData<string, string>();
        foreach (var value in new[] { "-1", "65536", "2147483648", "9223372036854775808", "18446744073709551616", "1e400", "1.5", "\"7\"", "null", "[]" })
        {
            data.Add("minimum_qe_svn", value);
            data.Add("minimum_pce_svn", value);
        }

        foreach (var value in new[] { "-1", "-2147483648", "2147483648", "9223372036854775808", "1e400", "1.5", "\"19\"", "null", "true" })
        {
            data.Add("minimum_tcb_evaluation_data_number", value);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PolicyNumbers))]
    public void AnOutOfRangeEndorsedPolicyNumber_IsRefusedAtPolicy(string member, string value)
    {
        var predicate = RealFrozenDocument.Predicate("sigstore-platform");
        var ppid = Convert.FromHexString(TdxDocumentEndToEndTests.EndorsedPpid);
        var machine = predicate["machines"]![TdxDocumentEndToEndTests.EndorsedPpid]!.GetValue<string>();
        predicate["policies"]![machine]!["tdx"]![member] = JsonNode.Parse(value);

        var ex = Assert.Throws<AttestationException>(() => PlatformEndorsements.TdxPolicyFor(JsonDocument.Parse(predicate.ToJsonString()).RootElement, ppid));

        Assert.Equal((AttestationStage.Policy, "PLATFORM_POLICY_REJECTED"), (ex.Stage, ex.Code));
    }

    public static TheoryData<long> ExtremeTimes() => new()
    {
        DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks - TimeSpan.TicksPerDay,
        DateTimeOffset.MinValue.UtcTicks + TimeSpan.TicksPerMinute,
    };

    [Theory]
    [MemberData(nameof(ExtremeTimes))]
    public void AppraisalTimesAtTheEndsOfDateTimeOffset_AreRefusedWithAStageAndCode(long ticks)
    {
        var fixture = Shared.Value;
        var time = new DateTimeOffset(ticks, TimeSpan.Zero);
        using var document = AudioSdk.Security.Tinfoil.V3.AttestationDocument.Parse(fixture.Document, TdxDocumentEndToEndTests.Nonce);
        var verifier = new TinfoilDocumentVerifier(fixture.Trust);

        var whole = Assert.ThrowsAny<AttestationException>(() => verifier.Verify(document, RealFrozenDocument.Repository, time));
        var quote = Assert.ThrowsAny<AttestationException>(() => verifier.AuthenticateTdxQuote(document, time));

        Assert.Equal((AttestationStage.Freshness, "FRESHNESS_EXPIRED"), (whole.Stage, whole.Code));
        Assert.Equal((AttestationStage.CertificateChain, "PCK_EXPIRED"), (quote.Stage, quote.Code));
    }

    /// <summary>
    /// The PCK certificate in the quote (not covered by any signature until its CA's is checked) claiming an RSA-PSS signature:
    /// the CA's key is an EC key, so nothing verifies, and that is a chain refusal.
    /// </summary>
    [Fact]
    public void APckCertificateClaimingRsaPss_IsRefusedAsAnInvalidChain()
    {
        var fixture = Shared.Value;

        var ex = Assert.ThrowsAny<AttestationException>(() => TdxHostileInputTests.Verify(fixture.WithQuote(WithRsaPssPck(fixture.Quote)), fixture.Trust));

        Assert.Equal((AttestationStage.CertificateChain, "PCK_CHAIN_INVALID"), (ex.Stage, ex.Code));
    }

    [Theory]
    [InlineData(3)] // root CA CRL
    [InlineData(2)] // PCK CRL
    public void ACrlClaimingRsaPss_IsRefusedAsAnInvalidChain(int response)
    {
        var fixture = Shared.Value;
        var document = JsonNode.Parse(fixture.Document)!.AsObject();
        var pcs = document["collateral"]!.AsArray().Single(c => c!["format"]!.GetValue<string>() == IntelPcsCollateral.Format)!;
        var capture = pcs["data"]!["responses"]![response]!;
        capture["body_base64"] = Convert.ToBase64String(WithAlgorithm(Convert.FromBase64String(capture["body_base64"]!.GetValue<string>()), DerCertificate.OidRsaPss));

        var ex = Assert.ThrowsAny<AttestationException>(() => TdxHostileInputTests.Verify(Encoding.UTF8.GetBytes(document.ToJsonString()), fixture.Trust));

        Assert.Equal((AttestationStage.CertificateChain, "PCK_CHAIN_INVALID"), (ex.Stage, ex.Code));
    }

    /// <summary>The same in a Sigstore bundle of the captured SEV-SNP document: the code release's signing certificate claiming RSA-PSS
    /// under Fulcio's EC key.</summary>
    [Fact]
    public void ASigningCertificateClaimingRsaPss_IsRefusedAtProvenance()
    {
        var document = RealFrozenDocument.Document;
        var certificate = document["collateral"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == "code")!["data"]!["sigstore_bundle"]!["verificationMaterial"]!["certificate"]!;
        certificate["rawBytes"] = Convert.ToBase64String(WithAlgorithm(Convert.FromBase64String(certificate["rawBytes"]!.GetValue<string>()), DerCertificate.OidRsaPss));

        var ex = Assert.ThrowsAny<AttestationException>(() => TinfoilAttestor.VerifyDocument(Encoding.UTF8.GetBytes(document.ToJsonString()), RealFrozenDocument.Nonce, RealFrozenDocument.Repository, RealFrozenDocument.Time));

        Assert.Equal(AttestationStage.Provenance, ex.Stage);
        Assert.NotNull(ex.Code);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("")]
    [InlineData("uptodate")]
    public void AQuotingEnclaveOrModuleStatusIntelDoesNotUse_IsRefused_NotReadAsUpToDate(string status)
    {
        var root = new SyntheticTdx { QeStatus = status }.Build();
        var module = new SyntheticTdx { ModuleStatus = status }.Build();

        var qe = Assert.Throws<AttestationException>(() => new TdxVerifier(root.Root).Verify(root.Quote, root.Collateral, SyntheticTdx.Now, TdxPolicy.Bare));
        var seam = Assert.Throws<AttestationException>(() => new TdxVerifier(module.Root).Verify(module.Quote, module.Collateral, SyntheticTdx.Now, TdxPolicy.Bare));

        Assert.Equal((AttestationStage.CertificateChain, "QV_RESULT_TERMINAL_UNSPECIFIED"), (qe.Stage, qe.Code));
        Assert.Contains("quoting enclave", qe.Message, StringComparison.Ordinal);
        Assert.Equal((AttestationStage.CertificateChain, "QV_RESULT_TERMINAL_UNSPECIFIED"), (seam.Stage, seam.Code));
        Assert.Contains("TDX module", seam.Message, StringComparison.Ordinal);
        var good = new SyntheticTdx { ModuleStatus = "UpToDate" }.Build();
        Assert.Equal("OK", new TdxVerifier(good.Root).Verify(good.Quote, good.Collateral, SyntheticTdx.Now, TdxPolicy.Bare).Result);
    }

    [Theory]
    [InlineData("Intel SGX TCB Signing+OU=Extra")]      // another attribute joined to the common name
    [InlineData("Intel SGX TCB Signer")]
    public void ATcbSigningCertificateWithAnotherName_IsRefusedAsAnInvalidChain(string name)
    {
        var built = new SyntheticTdx { TcbSignerName = name }.Build();

        var ex = Record.Exception(() => new TdxVerifier(built.Root).Verify(built.Quote, built.Collateral, SyntheticTdx.Now, TdxPolicy.Bare));

        Assert.True(ex is AttestationException { Stage: AttestationStage.CertificateChain, Code: "TCB_INFO_CHAIN_INVALID" }, $"{ex?.GetType().Name}: {ex?.Message}");
    }

    [Fact]
    public void VerifySignature_WithAnRsaAlgorithmOverAnEcKey_IsFalse()
    {
        var root = TdxQuote.Parse(Shared.Value.Quote).PckChainPem is var pem ? DerCertificate.ParsePem(pem)[2] : null!;

        Assert.False(DerCertificate.VerifySignature(root.SubjectPublicKeyInfo.Span, root.Tbs.Span, DerCertificate.OidRsaPss, root.Signature));
        Assert.False(DerCertificate.VerifySignature([0x30, 0x03, 0x02, 0x01, 0x00], root.Tbs.Span, DerCertificate.OidRsaPss, root.Signature));
        Assert.True(DerCertificate.VerifySignature(root.SubjectPublicKeyInfo.Span, root.Tbs.Span, root.SignatureAlgorithm, root.Signature));
    }

    private static readonly Lazy<TdxHostileInputTests.Fixture> Shared = new(() => TdxHostileInputTests.Fixture.Create(new TdxDocumentEndToEndTests.Options()));

    private static AttestationException Refused(bool tcbInfo, string field, string value)
    {
        var fixture = Build(tcbInfo, field, value);
        var ex = Record.Exception(() => TdxHostileInputTests.Verify(fixture.Document, fixture.Trust));
        Assert.True(ex is AttestationException { Code: not null }, $"{field} = {value}: {ex?.GetType().Name ?? "accepted"}: {ex}");
        return (AttestationException)ex!;
    }

    /// <summary>The synthetic document with one member of the TCB info or QE identity set to a JSON value, re-signed.</summary>
    private static TdxHostileInputTests.Fixture Build(bool tcbInfo, string field, string value)
    {
        string Edit(string body)
        {
            var root = JsonNode.Parse(body)!;
            var path = field.Split('.');
            var parent = path[..^1].Aggregate(root, (node, step) => int.TryParse(step, out var i) ? node[i]! : node[step]!);
            parent[path[^1]] = JsonNode.Parse(value);
            return root.ToJsonString();
        }

        return TdxHostileInputTests.Fixture.Create(new TdxDocumentEndToEndTests.Options
        {
            PlatformEdit = p => tcbInfo ? p with { TcbInfoEdit = Edit } : p with { QeIdentityEdit = Edit },
        });
    }

    /// <summary>A certificate or CRL whose signed and outer algorithm identifiers both name <paramref name="oid"/> (its signature is kept).</summary>
    internal static byte[] WithAlgorithm(byte[] der, string oid)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var tbs = new AsnReader(outer.ReadEncodedValue(), AsnEncodingRules.DER).ReadSequence();
        outer.ReadEncodedValue();
        var signature = outer.ReadEncodedValue();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                var replaced = false;
                while (tbs.HasData)
                {
                    var element = tbs.ReadEncodedValue();
                    if (!replaced && element.Span[0] == 0x30)
                    {
                        Algorithm(writer, oid);
                        replaced = true;
                    }
                    else
                    {
                        writer.WriteEncodedValue(element.Span);
                    }
                }
            }

            Algorithm(writer, oid);
            writer.WriteEncodedValue(signature.Span);
        }

        return writer.Encode();
    }

    private static void Algorithm(AsnWriter writer, string oid)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
        }
    }

    private static string Pem(byte[] der) => System.Security.Cryptography.PemEncoding.WriteString("CERTIFICATE", der) + "\n";

    /// <summary>The quote with its PCK certificate claiming an RSA-PSS signature.</summary>
    internal static byte[] WithRsaPssPck(byte[] quote)
    {
        var chain = DerCertificate.ParsePem(TdxQuote.Parse(quote).PckChainPem);
        return WithPem(quote, Pem(WithAlgorithm(chain[0].Raw, DerCertificate.OidRsaPss)) + Pem(chain[1].Raw) + Pem(chain[2].Raw));
    }

    /// <summary>The quote with another PCK chain, its three length fields rewritten.</summary>
    private static byte[] WithPem(byte[] quote, string pem)
    {
        var chain = Encoding.ASCII.GetBytes(pem);
        var rebuilt = new byte[1258 + chain.Length];
        quote.AsSpan(0, 1258).CopyTo(rebuilt);
        chain.CopyTo(rebuilt, 1258);
        BinaryPrimitives.WriteUInt32LittleEndian(rebuilt.AsSpan(1254), (uint)chain.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(rebuilt.AsSpan(766), (uint)(rebuilt.Length - 770));
        BinaryPrimitives.WriteUInt32LittleEndian(rebuilt.AsSpan(632), (uint)(rebuilt.Length - 636));
        return rebuilt;
    }
}
