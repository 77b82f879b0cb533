using System.Buffers.Binary;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil.Tdx;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// What a policy built afresh evaluates by default, and the reasons of the collateral refusals that name their part: the
/// quoting enclave or the TDX module, a QE TCB level without its TCB, signed collateral nested beyond its depth bound, a PPID
/// of the wrong length, a quote whose signature data ends inside each of its fixed fields.
/// </summary>
public sealed partial class TdxUnitTests
{
    [Fact]
    public void AFreshPolicy_EvaluatesTheIntelCollateral_ByDefault()
    {
        var policy = new TdxPolicy();

        Assert.Equal("OK", Verify(new SyntheticTdx(), policy: policy).Result);
        Refused(new SyntheticTdx { RevokePck = true }, "PCK_REVOKED", policy: new TdxPolicy());
        Refused(new SyntheticTdx { PlatformStatus = "Revoked" }, "TCB_REVOKED", policy: new TdxPolicy());
    }

    [Fact]
    public void AnUnknownStatus_IsRefused_NamingWhoseItIs()
    {
        var qe = Refused(new SyntheticTdx { QeStatus = "Bogus", ModuleStatus = "UpToDate" }, "QV_RESULT_TERMINAL_UNSPECIFIED");
        Assert.EndsWith("TCB status 'Bogus' of the quoting enclave is not one this verifier knows", qe.Message, StringComparison.Ordinal);

        var module = Refused(new SyntheticTdx { ModuleStatus = "Bogus" }, "QV_RESULT_TERMINAL_UNSPECIFIED");
        Assert.EndsWith("TCB status 'Bogus' of the TDX module is not one this verifier knows", module.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AQeTcbLevelWithoutItsTcb_IsRefusedAsMalformed()
    {
        var ex = Refused(new SyntheticTdx { QeIdentityEdit = body => body.Replace("{\"tcb\":{\"isvsvn\":8},", "{", StringComparison.Ordinal) },
            "QV_RESULT_TERMINAL_UNSPECIFIED");
        Assert.EndsWith("a QE TCB level has no 'tcb'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SignedCollateralNestedBeyondSixteenLevels_IsRefused_EvenWhenSigned()
    {
        var nested = new string('[', 20) + new string(']', 20);
        var platform = new SyntheticTdx { TcbInfoEdit = body => body.Insert(1, $"\"padding\":{nested},") };

        Refused(platform, "TCB_INFO_SIGNATURE_INVALID");
        Assert.Equal("OK", Verify(new SyntheticTdx { TcbInfoEdit = body => body.Insert(1, "\"padding\":[[[]]],") }).Result);
    }

    [Fact]
    public void APpidOfTheWrongLength_IsRefusedAtThePckChain()
    {
        var ex = Refused(new SyntheticTdx { Ppid = new byte[15] }, "PCK_CHAIN_INVALID");
        Assert.EndsWith("the PCK certificate's PPID is 15 bytes, not 16", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SignatureDataEndingInsideAField_IsRefused_NamingTheField()
    {
        var quote = new SyntheticTdx().Build().Quote;
        (int Size, string Field)[] cuts =
        [
            (63, "the quote signature"),
            (64 + 63, "the attestation key"),
            (128 + 1, "the certification data type"),
            (128 + 2 + 3, "the certification data size"),
        ];
        foreach (var (size, field) in cuts)
        {
            var cut = quote.ToArray();
            BinaryPrimitives.WriteUInt32LittleEndian(cut.AsSpan(TdxQuote.HeaderSize + TdxQuote.BodySize), (uint)size);
            var ex = Assert.Throws<AttestationException>(() => TdxQuote.Parse(cut));
            Assert.Equal((AttestationStage.Report, "QUOTE_TRUNCATED"), (ex.Stage, ex.Code));
            Assert.Equal($"Tinfoil attestation refused (QUOTE_TRUNCATED): the quote ends inside {field}", ex.Message);
        }
    }
}
