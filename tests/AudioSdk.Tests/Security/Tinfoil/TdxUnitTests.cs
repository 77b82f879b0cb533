using System.Buffers.Binary;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil.Tdx;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// Each TDX check at its bounds, on the synthetic platform (<see cref="SyntheticTdx"/>): the collateral's validity
/// windows (inclusive at both ends, each one alone), what the verdict's expiry is the minimum of, the QE report's
/// fields against the QE identity, the issuer chains of the signed collateral, the TCB level and module matching,
/// Intel's status convergence, and the TD policy bit by bit and byte by byte.
/// </summary>
public sealed partial class TdxUnitTests
{
    private static readonly DateTimeOffset Now = SyntheticTdx.Now;

    private static TdxVerification Verify(SyntheticTdx platform, DateTimeOffset? at = null, TdxPolicy? policy = null)
    {
        var built = platform.Build();
        return new TdxVerifier(built.Root).Verify(built.Quote, built.Collateral, at ?? Now, policy ?? TdxPolicy.Tinfoil);
    }

    private static AttestationException Refused(SyntheticTdx platform, string code, DateTimeOffset? at = null, TdxPolicy? policy = null, AttestationStage stage = AttestationStage.CertificateChain)
    {
        var ex = Assert.Throws<AttestationException>(() => Verify(platform, at, policy));
        Assert.Equal((stage, code), (ex.Stage, ex.Code));
        return ex;
    }

    [Fact]
    public void CollateralWindows_AreInclusiveAtBothEnds_AndEachIsChecked()
    {
        var platform = new SyntheticTdx();
        Assert.Equal("OK", Verify(platform, Now.AddDays(-1)).Result);  // QE identity and CRLs issued then, TCB info a day earlier
        Assert.Equal("OK", Verify(platform, Now.AddDays(30)).Result);  // everything's next update
        Refused(platform, "TCB_INFO_EXPIRED", Now.AddDays(-2).AddSeconds(-1));
        Refused(platform, "QE_IDENTITY_EXPIRED", Now.AddDays(-1).AddSeconds(-1));
        Refused(platform, "TCB_INFO_EXPIRED", Now.AddDays(30).AddSeconds(1));
        Refused(new SyntheticTdx { QeIdentityDays = 10 }, "QE_IDENTITY_EXPIRED", Now.AddDays(10).AddSeconds(1));
        Assert.Equal("OK", Verify(new SyntheticTdx { QeIdentityDays = 10 }, Now.AddDays(10)).Result);
        Refused(new SyntheticTdx { RootCrlDays = 10 }, "ROOT_CRL_EXPIRED", Now.AddDays(10).AddSeconds(1));
        Assert.Equal("OK", Verify(new SyntheticTdx { RootCrlDays = 10 }, Now.AddDays(10)).Result);
        Refused(new SyntheticTdx { PckCrlDays = 10 }, "PCK_CRL_EXPIRED", Now.AddDays(10).AddSeconds(1));
        Assert.Equal("OK", Verify(new SyntheticTdx { PckCrlDays = 10 }, Now.AddDays(10)).Result);
        Refused(new SyntheticTdx { PckDays = 10 }, "PCK_EXPIRED", Now.AddDays(10).AddSeconds(1));
        var signer = Refused(new SyntheticTdx { TcbSignerDays = 10 }, "TCB_INFO_CHAIN_INVALID", Now.AddDays(10).AddSeconds(1));
        Assert.Contains("not valid at", signer.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> Expiries() => new() { "tcb-info", "qe-identity", "root-crl", "pck-crl", "tcb-signer", "qe-signer", "pck" };

    [Theory]
    [MemberData(nameof(Expiries))]
    public void ValidUntil_IsTheEarliestExpiryOfWhatTheVerdictRestsOn(string which)
    {
        var platform = which switch
        {
            "tcb-info" => new SyntheticTdx { TcbInfoDays = 9 },
            "qe-identity" => new SyntheticTdx { QeIdentityDays = 9 },
            "root-crl" => new SyntheticTdx { RootCrlDays = 9 },
            "pck-crl" => new SyntheticTdx { PckCrlDays = 9 },
            "tcb-signer" => new SyntheticTdx { TcbSignerDays = 9 },
            "qe-signer" => new SyntheticTdx { QeSignerDays = 9, SeparateQeSigner = true },
            _ => new SyntheticTdx { PckDays = 9 },
        };

        Assert.Equal(Now.AddDays(9), Verify(platform).ValidUntil);
    }

    [Fact]
    public void WithoutTcbEvaluation_OnlyTheChainAndSignaturesCount_AndTheyBoundTheExpiry()
    {
        var policy = TdxPolicy.Tinfoil with { TcbEvaluationRequired = false };
        var verified = Verify(new SyntheticTdx { PckDays = 9, PlatformStatus = "Revoked", TcbInfoDays = 1 }, policy: policy);
        Assert.Null(verified.Result);
        Assert.Null(verified.TcbStatus);
        Assert.Equal(Now.AddDays(9), verified.ValidUntil);
        Assert.Equal(Convert.FromHexString("00906ed50000"), verified.Fmspc);
        Refused(new SyntheticTdx(), "PCK_FMSPC_MISMATCH", policy: policy with { ExpectedFmspc = Convert.FromHexString("00906ed50001") });
        Assert.Null(Verify(new SyntheticTdx(), policy: policy with { ExpectedFmspc = Convert.FromHexString("00906ed50000") }).Result);
    }

    [Fact]
    public void TcbInfoForAnotherPceId_IsRefused() => Refused(new SyntheticTdx { PceId = "0100" }, "PCK_FMSPC_MISMATCH");

    [Fact]
    public void EvaluationDataNumbers_AreEachAtLeastTheMinimum()
    {
        Refused(new SyntheticTdx { TcbEvaluationDataNumber = 17 }, "TCB_EVAL_DATA_NUMBER_TOO_LOW");
        Refused(new SyntheticTdx { QeEvaluationDataNumber = 17 }, "TCB_EVAL_DATA_NUMBER_TOO_LOW");
        Assert.Equal("OK", Verify(new SyntheticTdx { TcbEvaluationDataNumber = 17, QeEvaluationDataNumber = 17 }, policy: TdxPolicy.Tinfoil with { MinimumEvaluationDataNumber = null }).Result);
        Assert.Equal("OK", Verify(new SyntheticTdx { TcbEvaluationDataNumber = 19, QeEvaluationDataNumber = 19 }).Result);
    }

    [Fact]
    public void QeReportFields_AreComparedWithTheQeIdentityUnderItsMasks()
    {
        Refused(new SyntheticTdx { QeReportEdit = r => r[16] = 1 }, "QE_IDENTITY_FIELD_MISMATCH");                  // MISCSELECT
        Refused(new SyntheticTdx { QeReportEdit = r => r[19] = 0x80 }, "QE_IDENTITY_FIELD_MISMATCH");               // its last byte
        Refused(new SyntheticTdx { QeReportEdit = r => r[48] = 1 }, "QE_IDENTITY_FIELD_MISMATCH");                  // ATTRIBUTES, under the mask
        Refused(new SyntheticTdx { QeReportEdit = r => r[55] = 0x80 }, "QE_IDENTITY_FIELD_MISMATCH");
        Assert.Equal("OK", Verify(new SyntheticTdx { QeReportEdit = r => { r[48] = 4; r[56] = 0xFF; r[63] = 0xFF; } }).Result); // masked-out bits
        Refused(new SyntheticTdx { QeReportEdit = r => r[256] = 3 }, "QE_IDENTITY_FIELD_MISMATCH");                 // ISVPRODID
        Refused(new SyntheticTdx { QeReportEdit = r => r[257] = 1 }, "QE_IDENTITY_FIELD_MISMATCH");
        var below = Refused(new SyntheticTdx { QeReportEdit = r => r[258] = 7 }, "QE_IDENTITY_FIELD_MISMATCH");      // ISVSVN below every level
        Assert.Contains("ISV SVN 7", below.Message, StringComparison.Ordinal);
        Assert.Equal("OK", Verify(new SyntheticTdx { QeReportEdit = r => r[258] = 9 }).Result);
        Refused(new SyntheticTdx { QeReportEdit = r => r[128 + 31] = 1 }, "QE_IDENTITY_MRSIGNER_MISMATCH");
        Refused(new SyntheticTdx { QeReportEdit = r => r[320 + 32] = 1 }, "AK_BINDING_INVALID", stage: AttestationStage.Report); // REPORT_DATA past the hash
        Refused(new SyntheticTdx { QeReportEdit = r => r[320 + 63] = 1 }, "AK_BINDING_INVALID", stage: AttestationStage.Report);
        Refused(new SyntheticTdx { QeReportEdit = r => r[320 + 31] ^= 1 }, "AK_BINDING_INVALID", stage: AttestationStage.Report);
    }

    [Fact]
    public void TheQeIdentityMayHaveItsOwnSigner_WhichTheRootCrlMayRevoke()
    {
        Assert.Equal("OK", Verify(new SyntheticTdx { SeparateQeSigner = true }).Result);
        Assert.Contains("revoked", Refused(new SyntheticTdx { SeparateQeSigner = true, RevokeQeSigner = true }, "INTERMEDIATE_REVOKED").Message, StringComparison.Ordinal);

        // Without its own issuer chain the QE identity is checked under the TCB info's signer.
        var own = new SyntheticTdx { SeparateQeSigner = true }.Build();
        var noChain = own.Collateral with { QeIdentityIssuerChainPem = null };
        var ex = Assert.Throws<AttestationException>(() => new TdxVerifier(own.Root).Verify(own.Quote, noChain, Now, TdxPolicy.Tinfoil));
        Assert.Equal("QE_IDENTITY_SIGNATURE_INVALID", ex.Code);
        var shared = new SyntheticTdx().Build();
        Assert.Equal("OK", new TdxVerifier(shared.Root).Verify(shared.Quote, shared.Collateral with { QeIdentityIssuerChainPem = null }, Now, TdxPolicy.Tinfoil).Result);
    }

    [Fact]
    public void IssuerChains_MustBeTheTcbSigningCertificateAndTheRoot()
    {
        Refused(new SyntheticTdx { TcbSignerName = "Intel SGX TCB Signer" }, "TCB_INFO_CHAIN_INVALID");
        var built = new SyntheticTdx().Build();
        var parts = built.Collateral.TcbInfoIssuerChainPem!.Split("-----END CERTIFICATE-----", StringSplitOptions.RemoveEmptyEntries)
            .Where(p => p.Contains("BEGIN", StringComparison.Ordinal)).Select(p => p + "-----END CERTIFICATE-----\n").ToArray();
        var pckChain = AudioSdk.Security.Tinfoil.DerCertificate.ParsePem(Quote(built).PckChainPem);
        var caPem = Pem(pckChain[1].Raw);
        (string Chain, string Why)[] chains =
        [
            (parts[0], "not a signing certificate"),                   // no root
            (parts[0] + parts[1] + parts[1], "not a signing certificate"), // three
            (parts[0] + caPem, "not a signing certificate"),           // ends at another certificate
            (caPem + parts[1], "not Intel's TCB signing certificate"),  // a CA under the root, not the TCB signer
            ("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n" + parts[1], "does not parse"),
        ];
        foreach (var (chain, why) in chains)
        {
            var tcb = Assert.Throws<AttestationException>(() => new TdxVerifier(built.Root).Verify(built.Quote, built.Collateral with { TcbInfoIssuerChainPem = chain }, Now, TdxPolicy.Tinfoil));
            Assert.Equal("TCB_INFO_CHAIN_INVALID", tcb.Code);
            Assert.Contains(why, tcb.Message, StringComparison.Ordinal);
            Assert.Contains("TCB info", tcb.Message, StringComparison.Ordinal);
            var qe = Assert.Throws<AttestationException>(() => new TdxVerifier(built.Root).Verify(built.Quote, built.Collateral with { QeIdentityIssuerChainPem = chain }, Now, TdxPolicy.Tinfoil));
            Assert.Equal("QE_IDENTITY_SIGNATURE_INVALID", qe.Code);
            Assert.Contains("QE identity", qe.Message, StringComparison.Ordinal);
        }

        // Without an issuer chain the TCB info must be signed by Intel's own TCB signing key, which signed nothing here.
        var builtIn = Assert.Throws<AttestationException>(() => new TdxVerifier(built.Root).Verify(built.Quote, built.Collateral with { TcbInfoIssuerChainPem = null }, Now, TdxPolicy.Tinfoil));
        Assert.Equal("TCB_INFO_CHAIN_INVALID", builtIn.Code);
    }

    [Theory]
    [InlineData("UpToDate", "SWHardeningNeeded", "OutOfDate", "OUT_OF_DATE")]
    [InlineData("OutOfDate", "SWHardeningNeeded", null, "OUT_OF_DATE")]
    [InlineData("UpToDate", "ConfigurationNeeded", "OutOfDate", "OUT_OF_DATE_CONFIG_NEEDED")]
    [InlineData("OutOfDate", "ConfigurationAndSWHardeningNeeded", null, "OUT_OF_DATE_CONFIG_NEEDED")]
    [InlineData("UpToDate", "ConfigurationAndSWHardeningNeeded", "OutOfDate", "OUT_OF_DATE_CONFIG_NEEDED")]
    [InlineData("UpToDate", "OutOfDate", null, "OUT_OF_DATE")]
    [InlineData("UpToDate", "OutOfDateConfigurationNeeded", null, "OUT_OF_DATE_CONFIG_NEEDED")]
    [InlineData("UpToDate", "UpToDate", "OutOfDate", "OUT_OF_DATE")]
    public void OutOfDateResults_AreRefusedEvenWhenAPolicyListsThem(string qe, string platform, string? module, string result)
    {
        var lenient = TdxPolicy.Tinfoil with { AcceptedResults = ["OK", "SW_HARDENING_NEEDED", "CONFIG_NEEDED", "CONFIG_AND_SW_HARDENING_NEEDED", "OUT_OF_DATE", "OUT_OF_DATE_CONFIG_NEEDED"] };
        var ex = Refused(new SyntheticTdx { QeStatus = qe, PlatformStatus = platform, ModuleStatus = module }, "QV_RESULT_NOT_ACCEPTED_BY_POLICY", policy: lenient);
        Assert.Contains($"result {result} (platform {platform}, QE {qe})", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UpToDate", "OK")]
    [InlineData("SWHardeningNeeded", "SW_HARDENING_NEEDED")]
    [InlineData("ConfigurationNeeded", "CONFIG_NEEDED")]
    [InlineData("ConfigurationAndSWHardeningNeeded", "CONFIG_AND_SW_HARDENING_NEEDED")]
    public void CurrentStatuses_ConvergeToTheirResult(string platform, string result)
    {
        var verified = Verify(new SyntheticTdx { PlatformStatus = platform, ModuleStatus = "UpToDate" });
        Assert.Equal((result, platform), (verified.Result, verified.TcbStatus));
        Refused(new SyntheticTdx { PlatformStatus = platform }, "QV_RESULT_NOT_ACCEPTED_BY_POLICY", policy: TdxPolicy.Tinfoil with { AcceptedResults = [] });
    }

    [Theory]
    [InlineData("Revoked", "UpToDate", null)]
    [InlineData("UpToDate", "Revoked", null)]
    [InlineData("UpToDate", "UpToDate", "Revoked")]
    public void AnyRevokedStatus_IsTcbRevoked(string qe, string platform, string? module) =>
        Refused(new SyntheticTdx { QeStatus = qe, PlatformStatus = platform, ModuleStatus = module }, "TCB_REVOKED");

    [Fact]
    public void TheModuleIdentity_IsFoundByVersionIgnoringCase_AndItsLevelBySvn()
    {
        Assert.Equal("OK", Verify(new SyntheticTdx { ModuleStatus = "UpToDate", ModuleId = "tdx_01" }).Result);
        Assert.Contains("TDX_01", Refused(new SyntheticTdx { ModuleStatus = "UpToDate", ModuleId = "TDX_02" }, "QV_RESULT_TERMINAL_UNSPECIFIED").Message, StringComparison.Ordinal);
        Assert.Equal("OK", Verify(new SyntheticTdx { ModuleStatus = "UpToDate", ModuleLevelSvn = 3 }).Result); // TEE_TCB_SVN[0] is 3
        Assert.Contains("module SVN 3", Refused(new SyntheticTdx { ModuleStatus = "UpToDate", ModuleLevelSvn = 4 }, "QV_RESULT_TERMINAL_UNSPECIFIED").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutAVersionedModule_TheModuleSignerOfTheTcbInfoDecides()
    {
        var other = new byte[48];
        other[47] = 1;
        Refused(new SyntheticTdx { ModuleSigner = other }, "MR_SIGNER_SEAM_MISMATCH");

        // TEE_TCB_SVN[1] = 0: the module identities are not consulted, the TDX components are matched from byte 0.
        var unversioned = Convert.FromHexString("03000200000000000000000000000000");
        var policy = TdxPolicy.Tinfoil with { MinimumTeeTcbSvn = null };
        Assert.Equal("OK", Verify(new SyntheticTdx { TeeTcbSvn = unversioned, ModuleStatus = "Revoked" }, policy: policy).Result);
        Refused(new SyntheticTdx { TeeTcbSvn = unversioned, ModuleStatus = "UpToDate", ModuleSigner = other }, "MR_SIGNER_SEAM_MISMATCH", policy: policy);
        Refused(new SyntheticTdx { TeeTcbSvn = unversioned, LevelTdxComponents = Convert.FromHexString("04000200000000000000000000000000") }, "QV_RESULT_TERMINAL_UNSPECIFIED", policy: policy);
    }

    [Fact]
    public void TheTcbLevel_NeedsEverySgxComponentAndTheTdxComponentsAfterTheModule()
    {
        var sgx = Enumerable.Repeat((byte)5, 16).ToArray();
        foreach (var i in new[] { 0, 7, 15 })
        {
            var above = sgx.ToArray();
            above[i] = 6;
            Refused(new SyntheticTdx { LevelSgxComponents = above }, "QV_RESULT_TERMINAL_UNSPECIFIED");
        }

        var lower = sgx.ToArray();
        lower[15] = 4;
        Assert.Equal("OK", Verify(new SyntheticTdx { LevelSgxComponents = lower, LevelPceSvn = 10 }).Result);

        // Bytes 0 and 1 of TEE_TCB_SVN are the module's (matched by its identity); from byte 2 on they count.
        Assert.Equal("OK", Verify(new SyntheticTdx { LevelTdxComponents = Convert.FromHexString("ffff0200000000000000000000000000") }).Result);
        Refused(new SyntheticTdx { LevelTdxComponents = Convert.FromHexString("03010300000000000000000000000000") }, "QV_RESULT_TERMINAL_UNSPECIFIED");
        Refused(new SyntheticTdx { LevelTdxComponents = Convert.FromHexString("03010200000000000000000000000001") }, "QV_RESULT_TERMINAL_UNSPECIFIED");
    }

    [Fact]
    public void SpecDefaults_AllowOnlyTheirAttributeAndXfamBits()
    {
        var quote = new SyntheticTdx().Build().Quote;
        var defaults = TdxPolicy.Bare with { EnforceSpecDefaults = true };
        TdxVerifier.CheckPolicy(TdxQuote.Parse(quote), defaults);
        foreach (var allowed in new[] { 28, 30, 63 })
        {
            TdxVerifier.CheckPolicy(WithBody(quote, 120, 1UL << allowed), defaults);
        }

        PolicyRefused(WithBody(quote, 120, 1), defaults, "TD_ATTRIBUTES_DEBUG_SET");
        PolicyRefused(WithBody(quote, 120, 1UL | (1UL << 29)), defaults, "TD_ATTRIBUTES_DEBUG_SET");
        foreach (var reserved in new[] { 1, 27, 29, 31, 62 })
        {
            PolicyRefused(WithBody(quote, 120, 1UL << reserved), defaults, "TD_ATTRIBUTES_RESERVED_BIT_SET");
        }

        TdxVerifier.CheckPolicy(WithBody(quote, 128, 0x3), defaults);
        TdxVerifier.CheckPolicy(WithBody(quote, 128, 0x0006DBE7), defaults);
        PolicyRefused(WithBody(quote, 128, 0x2), defaults, "XFAM_REQUIRED_BIT_CLEAR");
        PolicyRefused(WithBody(quote, 128, 0x1), defaults, "XFAM_REQUIRED_BIT_CLEAR");
        PolicyRefused(WithBody(quote, 128, 0x3 | (1UL << 3)), defaults, "XFAM_FORBIDDEN_BIT_SET");
        PolicyRefused(WithBody(quote, 128, 0x3 | (1UL << 63)), defaults, "XFAM_FORBIDDEN_BIT_SET");

        // Without the spec defaults none of these is refused.
        TdxVerifier.CheckPolicy(TdxQuote.Parse(With(quote, q =>
        {
            BinaryPrimitives.WriteUInt64LittleEndian(q.AsSpan(TdxQuote.HeaderSize + 120), 1 | (1UL << 29));
            BinaryPrimitives.WriteUInt64LittleEndian(q.AsSpan(TdxQuote.HeaderSize + 128), 1UL << 3);
        })), TdxPolicy.Bare);
    }

    [Fact]
    public void Pins_AreComparedAtTheirStage()
    {
        var quote = Quote(new SyntheticTdx().Build());
        (Func<byte[], TdxPolicy> Pin, byte[] Actual, AttestationStage Stage, string Code)[] pins =
        [
            (v => TdxPolicy.Bare with { ExpectedQeVendorId = v }, quote.QeVendorId.ToArray(), AttestationStage.Policy, "QE_VENDOR_ID_MISMATCH"),
            (v => TdxPolicy.Bare with { ExpectedTdAttributes = v }, quote.TdAttributes.ToArray(), AttestationStage.Policy, "TD_ATTRIBUTES_MISMATCH"),
            (v => TdxPolicy.Bare with { ExpectedXfam = v }, quote.Xfam.ToArray(), AttestationStage.Policy, "XFAM_MISMATCH"),
            (v => TdxPolicy.Bare with { ExpectedMrSignerSeam = v }, quote.MrSignerSeam.ToArray(), AttestationStage.Policy, "MR_SIGNER_SEAM_MISMATCH"),
            (v => TdxPolicy.Bare with { ExpectedSeamAttributes = v }, quote.SeamAttributes.ToArray(), AttestationStage.Policy, "SEAM_ATTRIBUTES_MISMATCH"),
            (v => TdxPolicy.Bare with { ExpectedMrTd = v }, quote.MrTd.ToArray(), AttestationStage.Measurement, "MRTD_MISMATCH"),
            (v => TdxPolicy.Bare with { ExpectedMrConfigId = v }, quote.MrConfigId.ToArray(), AttestationStage.Policy, "MR_CONFIG_ID_MISMATCH"),
            (v => TdxPolicy.Bare with { ExpectedMrOwner = v }, quote.MrOwner.ToArray(), AttestationStage.Policy, "MR_OWNER_MISMATCH"),
            (v => TdxPolicy.Bare with { ExpectedMrOwnerConfig = v }, quote.MrOwnerConfig.ToArray(), AttestationStage.Policy, "MR_OWNER_CONFIG_MISMATCH"),
            (v => TdxPolicy.Bare with { ExpectedRtmr3 = v }, quote.Rtmr(3).ToArray(), AttestationStage.Measurement, "RTMR3_NONZERO"),
            (v => TdxPolicy.Bare with { ExpectedReportData = v }, quote.ReportData.ToArray(), AttestationStage.Binding, "REPORT_DATA_MISMATCH"),
            (v => TdxPolicy.Bare with { MrSeamAllowlist = [new byte[48], v] }, quote.MrSeam.ToArray(), AttestationStage.Policy, "MR_SEAM_NOT_ALLOWED"),
        ];
        foreach (var (pin, actual, stage, code) in pins)
        {
            TdxVerifier.CheckPolicy(quote, pin(actual));
            var wrong = (byte[])actual.Clone();
            wrong[^1] ^= 1;
            var ex = Assert.Throws<AttestationException>(() => TdxVerifier.CheckPolicy(quote, pin(wrong)));
            Assert.Equal((stage, code), (ex.Stage, ex.Code));
        }

        PolicyRefused(quote, TdxPolicy.Bare with { MrSeamAllowlist = [] }, "MR_SEAM_NOT_ALLOWED");
    }

    [Fact]
    public void MinimumTeeTcbSvn_IsComparedByteByByte()
    {
        var quote = Quote(new SyntheticTdx { TeeTcbSvn = Convert.FromHexString("03010205000000000000000000000009") }.Build());
        TdxVerifier.CheckPolicy(quote, TdxPolicy.Bare with { MinimumTeeTcbSvn = Convert.FromHexString("03010205000000000000000000000009") });
        TdxVerifier.CheckPolicy(quote, TdxPolicy.Bare with { MinimumTeeTcbSvn = Convert.FromHexString("0301") });
        foreach (var minimum in new[] { "04010205000000000000000000000009", "03010206000000000000000000000009", "0301020500000000000000000000000a", "02010206" })
        {
            var ex = Assert.Throws<AttestationException>(() => TdxVerifier.CheckPolicy(quote, TdxPolicy.Bare with { MinimumTeeTcbSvn = Convert.FromHexString(minimum) }));
            Assert.Equal((AttestationStage.Policy, "TEE_TCB_SVN_BELOW_MINIMUM"), (ex.Stage, ex.Code));
        }
    }

    [Fact]
    public void QuoteStructure_IsCheckedField_ByField()
    {
        var good = new SyntheticTdx().Build().Quote;
        Assert.Equal(TdxQuote.Parse(good).PckChainPem, TdxQuote.Parse([.. good, 1, 2, 3]).PckChainPem); // bytes after the signature data are ignored
        ParseRefused(new byte[TdxQuote.HeaderSize - 1], "QUOTE_TRUNCATED");
        ParseRefused([.. good, .. new byte[TdxQuote.MaxSize]], "QUOTE_FORMAT_UNSUPPORTED");
        var sig = TdxQuote.HeaderSize + TdxQuote.BodySize;
        ParseRefused(good[..(sig + 2)], "QUOTE_TRUNCATED");
        ParseRefused(With(good, q => q[sig + 4 + 128] = 5), "QUOTE_FORMAT_UNSUPPORTED");           // certification data type
        ParseRefused(With(good, q => q[sig + 4 + 128 + 2] ^= 1), "QUOTE_FORMAT_UNSUPPORTED");      // its size
        var inner = sig + 4 + 128 + 6 + TdxQuote.QeReportSize + 64;
        var authSize = BinaryPrimitives.ReadUInt16LittleEndian(good.AsSpan(inner));
        ParseRefused(With(good, q => q[inner + 2 + authSize] = 6), "QUOTE_FORMAT_UNSUPPORTED");   // PCK chain type
        ParseRefused(With(good, q => q[inner + 2 + authSize + 2] ^= 1), "QUOTE_FORMAT_UNSUPPORTED"); // its size
        ParseRefused(With(good, q => BinaryPrimitives.WriteUInt16LittleEndian(q.AsSpan(inner), 0xFFFF)), "QUOTE_TRUNCATED");
        var parsed = TdxQuote.Parse(good);
        Assert.Equal((ushort)4, parsed.Version);
        Assert.Equal((ushort)2, parsed.AttestationKeyType);
        Assert.Equal(0x81u, parsed.TeeType);
        Assert.Equal(20, parsed.UserData.Length);
        Assert.Equal("synthetic qe authentication data"u8.ToArray(), parsed.QeAuthenticationData);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", parsed.PckChainPem, StringComparison.Ordinal);
        Assert.EndsWith("-----END CERTIFICATE-----\n", parsed.PckChainPem, StringComparison.Ordinal);
    }

    private static void ParseRefused(byte[] quote, string code)
    {
        var ex = Assert.Throws<AttestationException>(() => TdxQuote.Parse(quote));
        Assert.Equal((AttestationStage.Report, code), (ex.Stage, ex.Code));
    }

    private static byte[] With(byte[] quote, Action<byte[]> change)
    {
        var copy = quote.ToArray();
        change(copy);
        return copy;
    }

    private static TdxQuote Quote(SyntheticTdx.Built built) => TdxQuote.Parse(built.Quote);

    /// <summary>The quote with an 8-byte body field set (parsed only: its signature no longer verifies).</summary>
    private static TdxQuote WithBody(byte[] quote, int offset, ulong value) =>
        TdxQuote.Parse(With(quote, q => BinaryPrimitives.WriteUInt64LittleEndian(q.AsSpan(TdxQuote.HeaderSize + offset), value)));

    private static void PolicyRefused(TdxQuote quote, TdxPolicy policy, string code)
    {
        var ex = Assert.Throws<AttestationException>(() => TdxVerifier.CheckPolicy(quote, policy));
        Assert.Equal(code, ex.Code);
    }

    private static string Pem(byte[] der) => "-----BEGIN CERTIFICATE-----\n" + Convert.ToBase64String(der, Base64FormattingOptions.InsertLineBreaks) + "\n-----END CERTIFICATE-----\n";
}
