using AudioSdk.Security;
using AudioSdk.Security.Tinfoil.Tdx;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>Each refusal says what failed: the stage and code, and a reason naming the part and the values involved.</summary>
public sealed partial class TdxUnitTests
{
    [Fact]
    public void EachRefusalOfThePlatform_SaysWhy()
    {
        var seam = new byte[48];
        seam[0] = 1;
        var cases = new (SyntheticTdx Platform, DateTimeOffset? At, TdxPolicy? Policy, string Code, string Reason)[]
        {
            (new SyntheticTdx(), null, TdxPolicy.Tinfoil with { ExpectedFmspc = new byte[6] }, "PCK_FMSPC_MISMATCH", "the PCK certificate is for FMSPC 00906ed50000, not 000000000000"),
            (new SyntheticTdx { QeReportEdit = r => r[320] ^= 1 }, null, null, "AK_BINDING_INVALID", "the quoting enclave's report does not bind the attestation key"),
            (new SyntheticTdx { TdAttributes = "0100001000000000" }, null, null, "TD_ATTRIBUTES_DEBUG_SET", "the TD runs in debug mode, so the host can read its memory"),
            (new SyntheticTdx { TdAttributes = "0200001000000000" }, null, null, "TD_ATTRIBUTES_RESERVED_BIT_SET", "TD_ATTRIBUTES 0200001000000000 set bits outside SEPT_VE_DISABLE, PKS and PERFMON"),
            (new SyntheticTdx { PckDays = -1 }, null, null, "PCK_EXPIRED", "the PCK chain is not valid at 2026-06-01T00:00:00.0000000+00:00 (PCK valid"),
            (new SyntheticTdx(), Now.AddDays(31), null, "TCB_INFO_EXPIRED", "the TCB info is current from 2026-05-30T00:00:00.0000000+00:00 to 2026-07-01T00:00:00.0000000+00:00, not at"),
            (new SyntheticTdx { PceId = "0100" }, null, null, "PCK_FMSPC_MISMATCH", "the TCB info is for FMSPC 00906ed50000, the PCK certificate for 00906ed50000"),
            (new SyntheticTdx { QeIdentityDays = 10 }, Now.AddDays(11), null, "QE_IDENTITY_EXPIRED", "the QE identity is current from 2026-05-31T00:00:00.0000000+00:00 to 2026-06-11T00:00:00.0000000+00:00"),
            (new SyntheticTdx { ChainWithoutRoot = true }, null, null, "PCK_CHAIN_INCOMPLETE", "the quote carries 2 PCK certificates, not leaf, CA and root"),
            (new SyntheticTdx { QeIdentityId = "QE" }, null, null, "QE_IDENTITY_ID_INVALID", "the QE identity is for 'QE', not the TD quoting enclave (TD_QE)"),
            (new SyntheticTdx { QeIdentityVersion = 3 }, null, null, "QE_IDENTITY_VERSION_INVALID", "QE identity version 3 is not supported (2 is)"),
            (new SyntheticTdx { QeIdentityMrSigner = "00" }, null, null, "QV_RESULT_TERMINAL_UNSPECIFIED", "the QE identity is signed but malformed: 'mrsigner' is not 32 bytes of hex"),
            (new SyntheticTdx { TcbEvaluationDataNumber = 17 }, null, null, "TCB_EVAL_DATA_NUMBER_TOO_LOW", "the collateral's TCB evaluation data numbers (17, 18) are below 18"),
            (new SyntheticTdx { QeReportEdit = r => r[128] ^= 1 }, null, null, "QE_IDENTITY_MRSIGNER_MISMATCH", "the quoting enclave is not signed by the key the QE identity names"),
            (new SyntheticTdx { QeReportEdit = r => r[256] = 3 }, null, null, "QE_IDENTITY_FIELD_MISMATCH", "the quoting enclave's MISCSELECT, attributes or product id differ from its identity"),
            (new SyntheticTdx { RootCrlDays = 1 }, Now.AddDays(2), null, "ROOT_CRL_EXPIRED", "the root CA CRL is current from 2026-05-31T00:00:00.0000000+00:00 to 2026-06-02T00:00:00.0000000+00:00"),
            (new SyntheticTdx { PckCrlDays = 1 }, Now.AddDays(2), null, "PCK_CRL_EXPIRED", "the PCK CRL is current from 2026-05-31T00:00:00.0000000+00:00 to 2026-06-02T00:00:00.0000000+00:00"),
            (new SyntheticTdx { RevokePck = true }, null, null, "PCK_REVOKED", "Intel revoked the PCK certificate"),
            (new SyntheticTdx { LevelPceSvn = 12 }, null, null, "QV_RESULT_TERMINAL_UNSPECIFIED", "no TCB level of the TCB info admits the platform's TCB"),
            (new SyntheticTdx { ModuleSigner = seam }, null, null, "MR_SIGNER_SEAM_MISMATCH", "the TDX module's signer or attributes are not the TCB info's"),
            (new SyntheticTdx { ModuleSigner = seam, ModuleStatus = "UpToDate" }, null, null, "MR_SIGNER_SEAM_MISMATCH", "the TDX module's signer or attributes are not those of TDX_01"),
            (new SyntheticTdx { PlatformStatus = "Revoked" }, null, null, "TCB_REVOKED", "Intel revoked the platform's, the quoting enclave's or the TDX module's TCB"),
            (new SyntheticTdx { PlatformStatus = "Fine" }, null, null, "QV_RESULT_TERMINAL_UNSPECIFIED", "TCB status 'Fine' is not one this verifier knows"),
        };

        foreach (var (platform, at, policy, code, reason) in cases)
        {
            var ex = Assert.Throws<AttestationException>(() => Verify(platform, at, policy));
            Assert.Equal(code, ex.Code);
            Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TamperedSignaturesAndRoots_SayWhich()
    {
        var built = new SyntheticTdx().Build();
        var verifier = new TdxVerifier(built.Root);
        string Why(byte[] quote, TdxCollateral collateral) =>
            Assert.Throws<AttestationException>(() => verifier.Verify(quote, collateral, Now, TdxPolicy.Tinfoil)).Message;

        var qeSignature = TdxQuote.HeaderSize + TdxQuote.BodySize + 4 + 134 + TdxQuote.QeReportSize;
        Assert.EndsWith("the quoting enclave's report is not signed by the PCK", Why(With(built.Quote, q => q[qeSignature + 5] ^= 1), built.Collateral), StringComparison.Ordinal);
        Assert.EndsWith("the TCB info is not signed by Intel's TCB signing key", Why(built.Quote, built.Collateral with { TcbInfoJson = built.Collateral.TcbInfoJson.Replace("\"tcbType\":0", "\"tcbType\":1", StringComparison.Ordinal) }), StringComparison.Ordinal);
        Assert.EndsWith("the QE identity is not signed by Intel's TCB signing key", Why(built.Quote, built.Collateral with { QeIdentityJson = built.Collateral.QeIdentityJson.Replace("\"isvprodid\":2", "\"isvprodid\":3", StringComparison.Ordinal) }), StringComparison.Ordinal);
        var other = new SyntheticTdx().Build();
        Assert.EndsWith("the PCK chain ends at another root than Intel's SGX root CA", Why(other.Quote, built.Collateral), StringComparison.Ordinal);
        var end = built.Quote.AsSpan().LastIndexOf("-----END"u8);
        Assert.EndsWith("the quote's PCK certificate chain does not parse", Why(With(built.Quote, q => q[end - 5] = (byte)'!'), built.Collateral), StringComparison.Ordinal);
        Assert.EndsWith("the TCB info is not signed by Intel's TCB signing key", Why(built.Quote, built.Collateral with { TcbInfoJson = "{}" }), StringComparison.Ordinal);
    }

    [Fact]
    public void EachPolicyRefusal_NamesTheFieldAndBothValues()
    {
        var quote = Quote(new SyntheticTdx().Build());
        var wrong48 = Enumerable.Repeat((byte)0xee, 48).ToArray();
        var wrong8 = Enumerable.Repeat((byte)0xee, 8).ToArray();
        var cases = new (TdxPolicy Policy, string Field, int Length)[]
        {
            (TdxPolicy.Bare with { ExpectedQeVendorId = new byte[16] }, "QE vendor id", 16),
            (TdxPolicy.Bare with { ExpectedTdAttributes = wrong8 }, "TD_ATTRIBUTES", 8),
            (TdxPolicy.Bare with { ExpectedXfam = wrong8 }, "XFAM", 8),
            (TdxPolicy.Bare with { ExpectedMrSignerSeam = wrong48 }, "MR_SIGNER_SEAM", 48),
            (TdxPolicy.Bare with { ExpectedSeamAttributes = wrong8 }, "SEAM_ATTRIBUTES", 8),
            (TdxPolicy.Bare with { ExpectedMrTd = wrong48 }, "MRTD", 48),
            (TdxPolicy.Bare with { ExpectedMrConfigId = wrong48 }, "MR_CONFIG_ID", 48),
            (TdxPolicy.Bare with { ExpectedMrOwner = wrong48 }, "MR_OWNER", 48),
            (TdxPolicy.Bare with { ExpectedMrOwnerConfig = wrong48 }, "MR_OWNER_CONFIG", 48),
            (TdxPolicy.Bare with { ExpectedRtmr3 = wrong48 }, "RTMR3", 48),
            (TdxPolicy.Bare with { ExpectedReportData = new byte[64] }, "REPORT_DATA", 64),
        };

        foreach (var (policy, field, length) in cases)
        {
            var ex = Assert.Throws<AttestationException>(() => TdxVerifier.CheckPolicy(quote, policy));
            Assert.Contains("): " + field + " ", ex.Message, StringComparison.Ordinal);
            var expected = length == 16 ? new string('0', 32) : length == 64 ? new string('0', 128) : new string('e', length * 2);
            Assert.EndsWith(" is not the expected " + expected, ex.Message, StringComparison.Ordinal);
        }

        var defaults = TdxPolicy.Bare with { EnforceSpecDefaults = true };
        var noSse = Assert.Throws<AttestationException>(() => TdxVerifier.CheckPolicy(WithBody(new SyntheticTdx().Build().Quote, 128, 0x1), defaults));
        Assert.EndsWith("): XFAM 0100000000000000 does not enable FP and SSE", noSse.Message, StringComparison.Ordinal);
        var avx512 = Assert.Throws<AttestationException>(() => TdxVerifier.CheckPolicy(WithBody(new SyntheticTdx().Build().Quote, 128, 0x3 | (1UL << 20)), defaults));
        Assert.EndsWith("): XFAM 0300100000000000 sets bits outside 0x0006dbe7", avx512.Message, StringComparison.Ordinal);
    }
}
