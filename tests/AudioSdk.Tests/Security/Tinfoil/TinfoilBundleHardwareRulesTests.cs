using System.Buffers.Binary;
using System.Text;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Bundle;
using AudioSdk.Security.Tinfoil.Sigstore;
using AudioSdk.Testing.Internal.Tinfoil;
using AudioSdk.Tests.Security.Tinfoil.Differential;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The hardware and measurement checks of the bundle verifier, each broken once: the real captured report (with the real
/// Sigstore provenance of its release) is changed in one field and signed again by a synthetic AMD chain the verifier is
/// given as its trust. An unchanged report passes every such check and stops only at the attestation hash, which the
/// real enclave certificate names for the original body.
/// </summary>
public sealed class TinfoilBundleHardwareRulesTests
{
    private const string Repository = "tinfoilsh/confidential-model-router";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(BundleVariants.BaseTime);

    [Fact]
    public void AnUnchangedReport_PassesHardwareCodeAndMeasurement_WithOrWithoutACrl()
    {
        foreach (var withCrl in new[] { true, false })
        {
            var ex = Refused(_ => { }, withCrl);

            Assert.Equal((AttestationStage.Binding, "ATTESTATION_HASH_MISMATCH"), (ex.Stage, ex.Code));
        }
    }

    [Fact]
    public void ASignerOtherThanTheVcek_IsRefused()
    {
        var ex = Refused(r => r[0x48] |= 1 << 2);

        Assert.Equal((AttestationStage.Report, "REPORT_SIGNER_NOT_VCEK"), (ex.Stage, ex.Code));
        Assert.Contains("the report is not signed by a VCEK", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SignerInfoBitsOutsideTheSigningKeyField_AreNotTheSignerCheck()
    {
        var ex = Refused(r => r[0x48] |= 1);

        Assert.NotEqual("REPORT_SIGNER_NOT_VCEK", ex.Code);
    }

    [Fact]
    public void AGuestThatAllowsCxlOrRequiresAes256Xts_IsRefused()
    {
        foreach (var bit in new[] { 21, 22 })
        {
            var ex = Refused(r => SetPolicyBit(r, bit));

            Assert.Equal((AttestationStage.Policy, "GUEST_POLICY_MISMATCH"), (ex.Stage, ex.Code));
            Assert.Contains("allows CXL or requires AES-256-XTS, which the policy forbids", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheHardwarePolicy_IsChecked_DebugProvisionalFirmwareAndTsme()
    {
        var debug = Refused(r => SetPolicyBit(r, 19));
        Assert.Equal((AttestationStage.Policy, "GUEST_POLICY_DEBUG_SET"), (debug.Stage, debug.Code));

        var provisional = Refused(r => r[0x1EC]++);
        Assert.Equal((AttestationStage.Policy, "PROVISIONAL_FIRMWARE"), (provisional.Stage, provisional.Code));

        var tsme = Refused(r => r[0x40] &= unchecked((byte)~0x02));
        Assert.Equal((AttestationStage.Policy, "PLATFORM_INFO_MISMATCH"), (tsme.Stage, tsme.Code));
        Assert.Contains("platform info TSME_EN is False, the policy requires True", tsme.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherMeasurement_ThanTheReleaseNames_IsRefused()
    {
        var ex = Refused(r => r[0x90] ^= 1);

        Assert.Equal((AttestationStage.Measurement, "MEASUREMENT_MISMATCH"), (ex.Stage, ex.Code));
    }

    private static void SetPolicyBit(byte[] report, int bit)
    {
        var policy = BinaryPrimitives.ReadUInt64LittleEndian(report.AsSpan(0x08));
        BinaryPrimitives.WriteUInt64LittleEndian(report.AsSpan(0x08), policy | (1UL << bit));
    }

    private static AttestationException Refused(Action<byte[]> change, bool withCrl = true)
    {
        var real = BundleVariants.LoadReal();
        var attestation = real["enclaveAttestationReport"]!.AsObject();
        var report = SyntheticAmdSigner.Gunzip(Convert.FromBase64String(attestation["body"]!.GetValue<string>()));
        change(report);
        using var amd = new SyntheticAmdSigner(report, Now - TimeSpan.FromHours(1), Now + TimeSpan.FromDays(7));
        SyntheticAmdSigner.Sign(report, amd.VcekKey);
        attestation["body"] = Convert.ToBase64String(SyntheticAmdSigner.Gzip(report));
        real["vcek"] = Convert.ToBase64String(amd.Vcek);
        using var bundle = AttestationBundle.Parse(Encoding.UTF8.GetBytes(real.ToJsonString()));
        var verifier = new TinfoilBundleVerifier(new TinfoilTrust([AmdChain.FromKdsPem("Genoa", amd.ChainPem)], SigstoreTrustedRoot.Production));

        return Assert.Throws<AttestationException>(() => verifier.Verify(bundle, Repository, Now, withCrl ? amd.Crl : null));
    }
}
