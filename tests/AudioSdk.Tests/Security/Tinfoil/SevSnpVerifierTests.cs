using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The SEV-SNP report check for each generation (Milan, Genoa, Turin layouts and chip-id widths) on a chain whose keys
/// the test holds: a report of that generation verifies, and its tampered copies (a signed byte, the signature, the
/// chip id, each TCB component) are refused at the stage and code they belong to; the chain, the VCEK extensions and
/// every policy rule are checked on both sides of their bounds.
/// </summary>
public sealed class SevSnpVerifierTests
{
    private static readonly DateTimeOffset Now = SyntheticAmdChain.Now;

    public static TheoryData<AmdGeneration> Generations() => new(Enum.GetValues<AmdGeneration>());

    [Theory]
    [MemberData(nameof(Generations))]
    public void ReportOfEachGeneration_Verifies_WithItsLayout(AmdGeneration generation)
    {
        var amd = SyntheticAmdChain.For(generation);

        var report = amd.Verifier.Authenticate(amd.Report(), amd.Vcek, Now, out var vcek, out var chain);

        Assert.Same(amd.Chain, chain);
        Assert.Equal(amd.Vcek, vcek.Raw);
        Assert.Equal(generation == AmdGeneration.Turin, report.IsTurin);
        Assert.Equal(amd.Tcb, report.ReportedTcb);
        Assert.Equal(amd.Tcb, report.CurrentTcb);
        Assert.Equal(amd.Tcb, report.CommittedTcb);
        Assert.Equal(amd.Tcb, report.LaunchTcb);
        Assert.Equal(amd.ChipId, report.ChipId.ToArray());
        Assert.Equal((byte)40, report.CurrentBuild);
        Assert.Equal((byte)55, report.CurrentMinor);
        Assert.Equal((byte)1, report.CurrentMajor);
        SevSnpVerifier.CheckPolicy(report, new SevSnpPolicy { MinimumTcb = amd.Tcb, MinimumLaunchTcb = amd.Tcb, PermitProvisionalFirmware = false });
    }

    [Theory]
    [MemberData(nameof(Generations))]
    public void TamperedCopiesOfEachGeneration_AreRefused(AmdGeneration generation)
    {
        var amd = SyntheticAmdChain.For(generation);
        foreach (var offset in new[] { 0x00, 0x50, 0x90, 0x180, 0x1A0, 0x29F, 0x2A0, 0x2CF, 0x2E8, 0x317 })
        {
            var report = amd.Report();
            report[offset] ^= 1;
            Refused(amd, report, AttestationStage.Report, offset == 0 ? "WRONG_REPORT_VERSION" : "REPORT_SIGNATURE_INVALID");
        }

        foreach (var offset in new[] { 0x2A0 + 48, 0x2A0 + 71, 0x2E8 + 48, 0x2E8 + 71, 0x330, 0x49F })
        {
            var report = amd.Report();
            report[offset] = 1; // outside R and S's 48 bytes: the signature field must be zero there
            Refused(amd, report, AttestationStage.Report, "REPORT_SIGNATURE_INVALID");
        }

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Refused(amd, amd.Report(signer: other), AttestationStage.Report, "REPORT_SIGNATURE_INVALID");
        Refused(amd, amd.Report(r => r[0x1A0 + 7] ^= 1), AttestationStage.CertificateChain, "VCEK_HWID_MISMATCH");
        Refused(amd, amd.Report(r => r[0x1A0 + 63] ^= 1), AttestationStage.CertificateChain, "VCEK_HWID_MISMATCH");
    }

    [Theory]
    [MemberData(nameof(Generations))]
    public void EachTcbComponentOfEachGeneration_IsComparedWithTheVcek(AmdGeneration generation)
    {
        var amd = SyntheticAmdChain.For(generation);
        var turin = generation == AmdGeneration.Turin;
        var t = amd.Tcb;
        var changed = new List<SevSnpTcb> { t with { Bootloader = (byte)(t.Bootloader + 1) }, t with { Tee = (byte)(t.Tee + 1) }, t with { Snp = (byte)(t.Snp + 1) }, t with { Microcode = (byte)(t.Microcode + 1) } };
        if (turin)
        {
            changed.Add(t with { Fmc = (byte)(t.Fmc + 1) });
        }

        foreach (var tcb in changed)
        {
            var report = amd.Report(r => BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(0x180), SyntheticAmdChain.EncodeTcb(tcb, turin)));
            var ex = Refused(amd, report, AttestationStage.CertificateChain, "VCEK_TCB_MISMATCH");
            Assert.Contains(tcb.ToString(), ex.Message, StringComparison.Ordinal);

            // The same claim as the platform's current TCB, under a policy whose minimum is the VCEK's: the layout decides which field is below.
            var below = SevSnpReport.Parse(amd.Report(r => BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(0x38), SyntheticAmdChain.EncodeTcb(t, turin))));
            SevSnpVerifier.CheckPolicy(below, new SevSnpPolicy { MinimumTcb = t });
            var policyEx = Assert.ThrowsAny<AttestationException>(() => SevSnpVerifier.CheckPolicy(below, new SevSnpPolicy { MinimumTcb = tcb }));
            Assert.Equal("TCB_OUT_OF_DATE", policyEx.Code);
        }

        // Bytes of the TCB word that no generation uses do not count.
        var unused = turin ? new[] { 4, 5, 6 } : new[] { 2, 3, 4, 5 };
        foreach (var b in unused)
        {
            var raw = SyntheticAmdChain.EncodeTcb(t, turin) | (0x5AUL << (8 * b));
            amd.Verifier.Authenticate(amd.Report(r => BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(0x180), raw)), amd.Vcek, Now, out _, out _);
        }
    }

    [Fact]
    public void TurinChipId_MustBeZeroAfterItsEightBytes_AndOnlyTurinTakesAnEightByteHwid()
    {
        var turin = SyntheticAmdChain.For(AmdGeneration.Turin);
        Refused(turin, turin.Report(r => r[0x1A0 + 8] = 1), AttestationStage.CertificateChain, "VCEK_HWID_MISMATCH");
        Refused(turin, turin.Report(r => r[0x1A0 + 40] = 1), AttestationStage.CertificateChain, "VCEK_HWID_MISMATCH");

        // A Genoa report whose chip id starts with the VCEK's 8 bytes and is zero after them: an 8-byte hwid is Turin's only.
        var asGenoa = turin.Report(r => r[0x188] = 0x19);
        Refused(turin, asGenoa, AttestationStage.CertificateChain, "VCEK_TCB_MISMATCH", "VCEK_HWID_MISMATCH");
        var genoa = SyntheticAmdChain.For(AmdGeneration.Genoa);
        var hwid8 = new SyntheticAmdChain(AmdGeneration.Genoa, r => SyntheticAmdChain.AddVcekExtensions(r, genoa.ChipId[..8], genoa.Tcb));
        var report = hwid8.Report(r => { genoa.ChipId[..8].CopyTo(r, 0x1A0); Array.Clear(r, 0x1A8, 56); });
        Refused(hwid8, report, AttestationStage.CertificateChain, "VCEK_HWID_MISMATCH");
    }

    [Fact]
    public void VcekExtensions_MissingOrOutOfRange_AreRefused()
    {
        var genoa = SyntheticAmdChain.For(AmdGeneration.Genoa);
        const string Bl = "1.3.6.1.4.1.3704.1.3.1";
        (Action<CertificateRequest> Extensions, string Code)[] cases =
        [
            (r => SyntheticAmdChain.AddVcekExtensions(r, genoa.ChipId, genoa.Tcb, skip: SyntheticAmdChain.OidHwId), "VCEK_HWID_MISMATCH"),
            (r => SyntheticAmdChain.AddVcekExtensions(r, genoa.ChipId[..63], genoa.Tcb), "VCEK_HWID_MISMATCH"),
            (r => SyntheticAmdChain.AddVcekExtensions(r, genoa.ChipId, genoa.Tcb, skip: Bl), "VCEK_TCB_MISMATCH"),
            (r => SyntheticAmdChain.AddVcekExtensions(r, genoa.ChipId, genoa.Tcb, skip: "1.3.6.1.4.1.3704.1.3.8"), "VCEK_TCB_MISMATCH"),
            (r => SyntheticAmdChain.AddVcekExtensions(r, genoa.ChipId, genoa.Tcb, encode: oid => oid == Bl ? SyntheticAmdChain.Integer(256 + genoa.Tcb.Bootloader) : SyntheticAmdChain.Integer(Spl(genoa.Tcb, oid))), "VCEK_TCB_MISMATCH"),
            (r => SyntheticAmdChain.AddVcekExtensions(r, genoa.ChipId, genoa.Tcb, encode: oid => oid == Bl ? SyntheticAmdChain.Integer(-1) : SyntheticAmdChain.Integer(Spl(genoa.Tcb, oid))), "VCEK_TCB_MISMATCH"),
            (r => SyntheticAmdChain.AddVcekExtensions(r, genoa.ChipId, genoa.Tcb, encode: oid => oid == Bl ? SyntheticAmdChain.Integer(1L << 40) : SyntheticAmdChain.Integer(Spl(genoa.Tcb, oid))), "VCEK_TCB_MISMATCH"),
            (r => SyntheticAmdChain.AddVcekExtensions(r, genoa.ChipId, genoa.Tcb, encode: oid => oid == Bl ? [0x04, 0x01, 0x07] : SyntheticAmdChain.Integer(Spl(genoa.Tcb, oid))), "VCEK_CHAIN_INVALID"),
        ];
        foreach (var (extensions, code) in cases)
        {
            var amd = new SyntheticAmdChain(AmdGeneration.Genoa, extensions);
            var report = amd.Report(r => genoa.ChipId.CopyTo(r, 0x1A0));
            Refused(amd, report, AttestationStage.CertificateChain, code);
        }

        var noBootloader = new SyntheticAmdChain(AmdGeneration.Genoa, r => SyntheticAmdChain.AddVcekExtensions(r, genoa.ChipId, genoa.Tcb, skip: Bl));
        var missing = Refused(noBootloader, noBootloader.Report(r => genoa.ChipId.CopyTo(r, 0x1A0)), AttestationStage.CertificateChain, "VCEK_TCB_MISMATCH");
        Assert.EndsWith($"the VCEK has no TCB extension {Bl}", missing.Message, StringComparison.Ordinal);

        var turin = SyntheticAmdChain.For(AmdGeneration.Turin);
        var noFmc = new SyntheticAmdChain(AmdGeneration.Turin, r => SyntheticAmdChain.AddVcekExtensions(r, turin.ChipId[..8], turin.Tcb, turin: true, skip: "1.3.6.1.4.1.3704.1.3.9"));
        Refused(noFmc, noFmc.Report(r => turin.ChipId.CopyTo(r, 0x1A0)), AttestationStage.CertificateChain, "VCEK_TCB_MISMATCH");
        var spl255 = new SyntheticAmdChain(AmdGeneration.Genoa, r => SyntheticAmdChain.AddVcekExtensions(r, genoa.ChipId, genoa.Tcb with { Tee = 255 }));
        spl255.Verifier.Authenticate(spl255.Report(r => { genoa.ChipId.CopyTo(r, 0x1A0); r[0x181] = 255; }), spl255.Vcek, Now, out _, out _);
    }

    [Fact]
    public void VcekWithAP256Key_IsRefused()
    {
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var amd = new SyntheticAmdChain(AmdGeneration.Genoa, vcekKey: p256);
        var report = amd.Report(signer: p256);
        Refused(amd, report, AttestationStage.Report, "REPORT_SIGNATURE_INVALID");
    }

    [Fact]
    public void Chain_IsFoundAmongSeveral_AndEachLinkAndItsTimeMatter()
    {
        var milan = SyntheticAmdChain.For(AmdGeneration.Milan);
        var genoa = SyntheticAmdChain.For(AmdGeneration.Genoa);
        var turin = SyntheticAmdChain.For(AmdGeneration.Turin);
        var verifier = new SevSnpVerifier([milan.Chain, genoa.Chain, turin.Chain]);
        verifier.Authenticate(genoa.Report(), genoa.Vcek, Now, out _, out var found);
        Assert.Same(genoa.Chain, found);
        verifier.Authenticate(turin.Report(), turin.Vcek, Now, out _, out found);
        Assert.Same(turin.Chain, found);

        RefusedWith(new SevSnpVerifier([milan.Chain, turin.Chain]), genoa, "VCEK_CHAIN_INVALID", "no trusted");
        RefusedWith(new SevSnpVerifier([]), genoa, "VCEK_CHAIN_INVALID", "no trusted");
        RefusedWith(new SevSnpVerifier([new AmdChain("mixed", genoa.Chain.Ask, milan.Chain.Ark)]), genoa, "VCEK_CHAIN_INVALID", "does not chain");
        RefusedWith(new SevSnpVerifier([new AmdChain("not-self-signed", genoa.Chain.Ask, ArkIssuedByAnotherRoot(genoa))]), genoa, "VCEK_CHAIN_INVALID", "does not chain");

        Assert.Contains("not valid", Assert.ThrowsAny<AttestationException>(() => genoa.Verifier.Authenticate(genoa.Report(), genoa.Vcek, SyntheticAmdChain.NotBefore.AddTicks(-1), out _, out _)).Message, StringComparison.Ordinal);
        Assert.Contains("not valid", Assert.ThrowsAny<AttestationException>(() => genoa.Verifier.Authenticate(genoa.Report(), genoa.Vcek, SyntheticAmdChain.NotAfter.AddTicks(1), out _, out _)).Message, StringComparison.Ordinal);
        genoa.Verifier.Authenticate(genoa.Report(), genoa.Vcek, SyntheticAmdChain.NotBefore, out _, out _);
        genoa.Verifier.Authenticate(genoa.Report(), genoa.Vcek, SyntheticAmdChain.NotAfter, out _, out _);

        var vcekFrom = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var vcekTo = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var shortVcek = new SyntheticAmdChain(AmdGeneration.Genoa, vcekNotBefore: vcekFrom, vcekNotAfter: vcekTo);
        shortVcek.Verifier.Authenticate(shortVcek.Report(), shortVcek.Vcek, vcekFrom, out _, out _);
        shortVcek.Verifier.Authenticate(shortVcek.Report(), shortVcek.Vcek, vcekTo, out _, out _);
        foreach (var at in new[] { vcekFrom.AddSeconds(-1), vcekTo.AddSeconds(1), Now })
        {
            var ex = Assert.ThrowsAny<AttestationException>(() => shortVcek.Verifier.Authenticate(shortVcek.Report(), shortVcek.Vcek, at, out _, out _));
            Assert.Equal((AttestationStage.CertificateChain, "VCEK_EXPIRED"), (ex.Stage, ex.Code));
        }

        var notDer = Assert.ThrowsAny<AttestationException>(() => genoa.Verifier.Authenticate(genoa.Report(), [0x30, 0x03, 0x02, 0x01, 0x00], Now, out _, out _));
        Assert.Equal((AttestationStage.CertificateChain, "VCEK_CHAIN_INVALID"), (notDer.Stage, notDer.Code));
    }

    [Theory]
    [InlineData(2u, "WRONG_REPORT_VERSION")]
    [InlineData(6u, "WRONG_REPORT_VERSION")]
    [InlineData(uint.MaxValue, "WRONG_REPORT_VERSION")]
    public void ReportVersionOutsideThreeToFive_IsRefused(uint version, string code)
    {
        var amd = SyntheticAmdChain.For(AmdGeneration.Genoa);
        Refused(amd, amd.Report(r => BinaryPrimitives.WriteUInt32LittleEndian(r, version)), AttestationStage.Report, code);
        foreach (var good in new[] { 3u, 4u, 5u })
        {
            Assert.Equal(good, SevSnpReport.Parse(amd.Report(r => BinaryPrimitives.WriteUInt32LittleEndian(r, good))).Version);
        }
    }

    [Fact]
    public void BytesOfTheSignatureFieldOutsideRAndS_MustBeZero()
    {
        // The signature covers [0, 0x2A0) only: what follows R and S is not signed, so anything but zero there is refused.
        var amd = SyntheticAmdChain.For(AmdGeneration.Genoa);
        Assert.NotNull(SevSnpReport.Parse(amd.Report()).SignatureP1363());
        foreach (var offset in new[] { 0x2A0 + 48, 0x2E8 + 71, 0x330, 0x49F })
        {
            var report = amd.Report();
            report[offset] = 0x80;
            Assert.Null(SevSnpReport.Parse(report).SignatureP1363());
        }
    }

    [Fact]
    public void TcbValues_ReadAsTheirComponents()
    {
        Assert.Equal("fmc 0, bl 1, tee 2, snp 3, ucode 4", new SevSnpTcb(0, 1, 2, 3, 4).ToString());
        Assert.Equal(new SevSnpTcb(0, 0x01, 0x02, 0x07, 0x08), SevSnpTcb.Decode(0x0807_0000_0000_0201, turin: false));
        Assert.Equal(new SevSnpTcb(0x01, 0x02, 0x03, 0x04, 0x08), SevSnpTcb.Decode(0x0800_0000_0403_0201, turin: true));
    }

    [Fact]
    public void ReportOfAnotherLengthOrAlgorithm_IsRefused()
    {
        var amd = SyntheticAmdChain.For(AmdGeneration.Genoa);
        Assert.EndsWith($"a SEV-SNP report is 1184 bytes, not 1183", Refused(amd, amd.Report()[..^1], AttestationStage.Report, "REPORT_TRUNCATED").Message, StringComparison.Ordinal);
        Assert.EndsWith("signature algorithm 2 is not ECDSA P-384 with SHA-384", Refused(amd, amd.Report(r => r[0x34] = 2), AttestationStage.Report, "REPORT_FORMAT_UNSUPPORTED").Message, StringComparison.Ordinal);
        Assert.EndsWith("report version 6 is not supported (3 to 5 are)", Refused(amd, amd.Report(r => r[0] = 6), AttestationStage.Report, "WRONG_REPORT_VERSION").Message, StringComparison.Ordinal);
        Refused(amd, [.. amd.Report(), 0], AttestationStage.Report, "REPORT_TRUNCATED");
        Refused(amd, amd.Report(r => r[0x34] = 2), AttestationStage.Report, "REPORT_FORMAT_UNSUPPORTED");
        Refused(amd, amd.Report(r => r[0x37] = 1), AttestationStage.Report, "REPORT_FORMAT_UNSUPPORTED");
    }

    [Fact]
    public void Verify_AuthenticatesThenAppliesThePolicy()
    {
        var amd = SyntheticAmdChain.For(AmdGeneration.Genoa);
        var report = amd.Report();
        Assert.Equal(3u, amd.Verifier.Verify(report, amd.Vcek, Now, SevSnpPolicy.Default).Version);
        var ex = Assert.ThrowsAny<AttestationException>(() => amd.Verifier.Verify(report, amd.Vcek, Now, new SevSnpPolicy { MinimumGuestSvn = 1 }));
        Assert.Equal("GUEST_SVN_TOO_LOW", ex.Code);
        report[0x90] ^= 1;
        Assert.Equal("REPORT_SIGNATURE_INVALID", Assert.ThrowsAny<AttestationException>(() => amd.Verifier.Verify(report, amd.Vcek, Now, SevSnpPolicy.Default)).Code);
    }

    [Fact]
    public void GuestPolicyBits_AreRefusedOrAccepted()
    {
        Policy(r => SetPolicy(r, 0x30000 | (1UL << 19)), SevSnpPolicy.Default, AttestationStage.Policy, "GUEST_POLICY_DEBUG_SET");
        Policy(r => SetPolicy(r, 0x10000), SevSnpPolicy.Default, AttestationStage.Policy, "GUEST_POLICY_RESERVED_BIT_SET");
        Policy(r => SetPolicy(r, 0x30000 | (1UL << 26)), SevSnpPolicy.Default, AttestationStage.Policy, "GUEST_POLICY_RESERVED_BIT_SET");
        Policy(r => SetPolicy(r, 0x30000 | (1UL << 63)), SevSnpPolicy.Default, AttestationStage.Policy, "GUEST_POLICY_RESERVED_BIT_SET");
        Policy(r => SetPolicy(r, 0x30000 | (1UL << 18)), SevSnpPolicy.Default, AttestationStage.Policy, "GUEST_POLICY_MIGRATE_MA_SET");
        Policy(r => SetPolicy(r, 0x20000 | (1UL << 25) | (1UL << 21) | 0xFF), SevSnpPolicy.Default, null, null);
    }

    [Fact]
    public void Pins_AreComparedAtTheirStage()
    {
        var amd = SyntheticAmdChain.For(AmdGeneration.Genoa);
        var report = SevSnpReport.Parse(amd.Report(r => { r[0x50] = 1; r[0xC0] = 2; r[0xE0] = 3; r[0x110] = 4; r[0x20] = 5; r[0x10] = 6; }));
        (Func<byte[], SevSnpPolicy> Pin, byte[] Actual, AttestationStage Stage, string Code)[] pins =
        [
            (v => new SevSnpPolicy { ExpectedMeasurement = v }, report.Measurement.ToArray(), AttestationStage.Measurement, "MEASUREMENT_MISMATCH"),
            (v => new SevSnpPolicy { ExpectedHostData = v }, report.HostData.ToArray(), AttestationStage.Policy, "HOST_DATA_MISMATCH"),
            (v => new SevSnpPolicy { ExpectedReportData = v }, report.ReportData.ToArray(), AttestationStage.Binding, "REPORT_DATA_MISMATCH"),
            (v => new SevSnpPolicy { ExpectedIdKeyDigest = v }, report.IdKeyDigest.ToArray(), AttestationStage.Policy, "ID_KEY_DIGEST_MISMATCH"),
            (v => new SevSnpPolicy { ExpectedAuthorKeyDigest = v }, report.AuthorKeyDigest.ToArray(), AttestationStage.Policy, "AUTHOR_KEY_DIGEST_MISMATCH"),
            (v => new SevSnpPolicy { ExpectedImageId = v }, report.ImageId.ToArray(), AttestationStage.Policy, "IMAGE_ID_MISMATCH"),
            (v => new SevSnpPolicy { ExpectedFamilyId = v }, report.FamilyId.ToArray(), AttestationStage.Policy, "FAMILY_ID_MISMATCH"),
        ];
        Assert.Equal(1, report.ReportData[0]);
        Assert.Equal(5, report.ImageId[0]);
        Assert.Equal(6, report.FamilyId[0]);
        foreach (var (pin, actual, stage, code) in pins)
        {
            SevSnpVerifier.CheckPolicy(report, pin(actual));
            var wrong = (byte[])actual.Clone();
            wrong[^1] ^= 1;
            var ex = Assert.ThrowsAny<AttestationException>(() => SevSnpVerifier.CheckPolicy(report, pin(wrong)));
            Assert.Equal((stage, code), (ex.Stage, ex.Code));
        }
    }

    [Fact]
    public void Minimums_AreInclusive()
    {
        var t = SyntheticAmdChain.For(AmdGeneration.Genoa).Tcb;
        var higher = t with { Snp = (byte)(t.Snp + 1) };
        Policy(null, new SevSnpPolicy { MinimumTcb = t, MinimumLaunchTcb = t, MinimumBuild = 40, MinimumFirmwareVersion = (1, 55), MinimumGuestSvn = 0, Vmpl = 0 }, null, null);
        Policy(r => WriteTcb(r, 0x38, higher), new SevSnpPolicy { MinimumTcb = higher }, AttestationStage.Policy, "TCB_OUT_OF_DATE"); // reported below
        Policy(r => WriteTcb(r, 0x180, higher), new SevSnpPolicy { MinimumTcb = higher }, AttestationStage.Policy, "TCB_OUT_OF_DATE"); // current below
        Policy(r => { WriteTcb(r, 0x180, higher); WriteTcb(r, 0x38, higher); }, new SevSnpPolicy { MinimumTcb = higher }, null, null);
        Policy(null, new SevSnpPolicy { MinimumLaunchTcb = higher }, AttestationStage.Policy, "TCB_OUT_OF_DATE");
        Policy(r => WriteTcb(r, 0x1F0, higher), new SevSnpPolicy { MinimumLaunchTcb = higher }, null, null);
        Policy(null, new SevSnpPolicy { MinimumBuild = 41 }, AttestationStage.Policy, "TCB_OUT_OF_DATE");
        Policy(null, new SevSnpPolicy { MinimumFirmwareVersion = (1, 56) }, AttestationStage.Policy, "TCB_OUT_OF_DATE");
        Policy(null, new SevSnpPolicy { MinimumFirmwareVersion = (2, 0) }, AttestationStage.Policy, "TCB_OUT_OF_DATE");
        Policy(null, new SevSnpPolicy { MinimumFirmwareVersion = (0, 99) }, null, null);
        Policy(r => r[0x04] = 5, new SevSnpPolicy { MinimumGuestSvn = 5 }, null, null);
        Policy(r => r[0x04] = 5, new SevSnpPolicy { MinimumGuestSvn = 6 }, AttestationStage.Policy, "GUEST_SVN_TOO_LOW");
        Policy(r => r[0x30] = 2, new SevSnpPolicy { Vmpl = 2 }, null, null);
        Policy(r => r[0x30] = 2, new SevSnpPolicy { Vmpl = 0 }, AttestationStage.Policy, "VMPL_MISMATCH");
    }

    [Fact]
    public void SmtSingleSocketProvisionalFirmwareAndPlatformInfo_FollowThePolicy()
    {
        Policy(null, new SevSnpPolicy { RequireSmt = false }, AttestationStage.Policy, "GUEST_POLICY_SMT_MISMATCH");
        Policy(null, new SevSnpPolicy { RequireSmt = true }, null, null);
        Policy(r => SetPolicy(r, 0x20000), new SevSnpPolicy { RequireSmt = false }, null, null);
        Policy(null, new SevSnpPolicy { RequireSingleSocket = true }, AttestationStage.Policy, "GUEST_POLICY_SINGLE_SOCKET_MISMATCH");
        Policy(null, new SevSnpPolicy { RequireSingleSocket = false }, null, null);
        Policy(r => SetPolicy(r, 0x30000 | (1UL << 20)), new SevSnpPolicy { RequireSingleSocket = true }, null, null);

        Policy(r => r[0x1E0] ^= 1, new SevSnpPolicy { PermitProvisionalFirmware = false }, AttestationStage.Policy, "PROVISIONAL_FIRMWARE");
        Policy(r => r[0x1EC] ^= 1, new SevSnpPolicy { PermitProvisionalFirmware = false }, AttestationStage.Policy, "PROVISIONAL_FIRMWARE");
        Policy(r => r[0x1EE] ^= 1, new SevSnpPolicy { PermitProvisionalFirmware = false }, AttestationStage.Policy, "PROVISIONAL_FIRMWARE");
        Policy(r => r[0x1EF] ^= 1, new SevSnpPolicy { PermitProvisionalFirmware = false }, null, null); // the reserved byte after the committed version
        Policy(r => { r[0x1E0] ^= 1; r[0x1EC] ^= 1; }, new SevSnpPolicy { PermitProvisionalFirmware = true }, null, null);

        Policy(null, new SevSnpPolicy { PlatformInfo = [(0, true, "smt_enabled"), (5, true, "alias_check_complete"), (3, false, "rapl_disabled")] }, null, null);
        Policy(null, new SevSnpPolicy { PlatformInfo = [(0, true, "smt_enabled"), (3, true, "rapl_disabled")] }, AttestationStage.Policy, "PLATFORM_INFO_MISMATCH");
        Policy(null, new SevSnpPolicy { PlatformInfo = [(5, false, "alias_check_complete")] }, AttestationStage.Policy, "PLATFORM_INFO_MISMATCH");
        Policy(null, new SevSnpPolicy { PlatformInfo = [(1, false, "tsme_enabled")] }, AttestationStage.Policy, "PLATFORM_INFO_MISMATCH");
    }

    [Fact]
    public void AnAskExpiredWhileItsArkIsValid_IsRefused_AndTheFirstChainThatSignedTheVcekIsTheOne()
    {
        var genoa = SyntheticAmdChain.For(AmdGeneration.Genoa);
        var ask = X509CertificateLoader.LoadCertificate(genoa.Chain.Ask.Raw);
        var arkName = new X500DistinguishedName(genoa.ArkName);
        var request = new CertificateRequest(ask.SubjectName, ask.PublicKey, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
        using var shortAsk = request.Create(arkName, genoa.ArkSigner, SyntheticAmdChain.NotBefore, Now.AddDays(-1), [0x07]);
        var expired = new AmdChain("short-ask", DerCertificate.Parse(shortAsk.RawData), genoa.Chain.Ark);
        var ex = Assert.ThrowsAny<AttestationException>(() => new SevSnpVerifier([expired]).Authenticate(genoa.Report(), genoa.Vcek, Now, out _, out _));
        Assert.Equal((AttestationStage.CertificateChain, "VCEK_CHAIN_INVALID"), (ex.Stage, ex.Code));
        Assert.Contains("the short-ask ASK or ARK is not valid at", ex.Message, StringComparison.Ordinal);

        var copy = new AmdChain("copy", genoa.Chain.Ask, genoa.Chain.Ark);
        new SevSnpVerifier([genoa.Chain, copy]).Authenticate(genoa.Report(), genoa.Vcek, Now, out _, out var first);
        Assert.Same(genoa.Chain, first);
        new SevSnpVerifier([copy, genoa.Chain]).Authenticate(genoa.Report(), genoa.Vcek, Now, out _, out first);
        Assert.Same(copy, first);
    }

    [Fact]
    public void AVcekWithAnRsaKey_VerifiesNoReportSignature()
    {
        var genoa = SyntheticAmdChain.For(AmdGeneration.Genoa);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=SEV-VCEK-RSA", rsa, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
        SyntheticAmdChain.AddVcekExtensions(request, genoa.ChipId, genoa.Tcb);
        using var vcek = request.Create(X509CertificateLoader.LoadCertificate(genoa.Chain.Ask.Raw).SubjectName, genoa.AskSigner, SyntheticAmdChain.NotBefore, SyntheticAmdChain.NotAfter, [0x08]);
        var ex = Assert.ThrowsAny<AttestationException>(() => genoa.Verifier.Authenticate(genoa.Report(), vcek.RawData, Now, out _, out _));
        Assert.Equal((AttestationStage.Report, "REPORT_SIGNATURE_INVALID"), (ex.Stage, ex.Code));
    }

    [Fact]
    public void EachRefusal_SaysWhy()
    {
        var amd = SyntheticAmdChain.For(AmdGeneration.Genoa);
        var tampered = amd.Report();
        tampered[0x90] ^= 1;
        Reason(() => amd.Verifier.Authenticate(tampered, amd.Vcek, Now, out _, out _), "the report's signature does not verify under the VCEK");
        Reason(() => amd.Verifier.Authenticate(amd.Report(), [0x30, 0x03, 0x02, 0x01, 0x00], Now, out _, out _), "the VCEK certificate does not parse");
        Reason(() => amd.Verifier.Authenticate(amd.Report(r => r[0x1A0] ^= 1), amd.Vcek, Now, out _, out _), "the VCEK was issued for another chip than the report's CHIP_ID");
        var shortVcek = new SyntheticAmdChain(AmdGeneration.Genoa, vcekNotBefore: Now.AddDays(-2), vcekNotAfter: Now.AddDays(-1));
        Reason(() => shortVcek.Verifier.Authenticate(shortVcek.Report(), shortVcek.Vcek, Now, out _, out _), $"the VCEK is valid from {Now.AddDays(-2):O} to {Now.AddDays(-1):O}, not at {Now:O}");

        var genoa = amd;
        (Action<CertificateRequest> Extensions, string Reason)[] vceks =
        [
            (r => SyntheticAmdChain.AddVcekExtensions(r, genoa.ChipId, genoa.Tcb, skip: SyntheticAmdChain.OidHwId), "the VCEK has no hardware id extension"),
            (r => SyntheticAmdChain.AddVcekExtensions(r, genoa.ChipId, genoa.Tcb, encode: oid => oid == "1.3.6.1.4.1.3704.1.3.2" ? SyntheticAmdChain.Integer(256) : SyntheticAmdChain.Integer(Spl(genoa.Tcb, oid))), "the VCEK's TCB extension 1.3.6.1.4.1.3704.1.3.2 is out of range"),
            (r => SyntheticAmdChain.AddVcekExtensions(r, genoa.ChipId, genoa.Tcb, encode: oid => oid == "1.3.6.1.4.1.3704.1.3.3" ? [0x04, 0x01, 0x07] : SyntheticAmdChain.Integer(Spl(genoa.Tcb, oid))), "the VCEK's TCB extension 1.3.6.1.4.1.3704.1.3.3 is malformed"),
        ];
        foreach (var (extensions, reason) in vceks)
        {
            var chain = new SyntheticAmdChain(AmdGeneration.Genoa, extensions);
            Reason(() => chain.Verifier.Authenticate(chain.Report(r => genoa.ChipId.CopyTo(r, 0x1A0)), chain.Vcek, Now, out _, out _), reason);
        }

        var t = amd.Tcb;
        var higher = t with { Snp = (byte)(t.Snp + 1) };
        (Action<byte[]>? Change, SevSnpPolicy Policy, string Reason)[] policies =
        [
            (r => SetPolicy(r, 0x30000 | (1UL << 19)), SevSnpPolicy.Default, "the guest allows debugging, so the host can read its memory"),
            (r => SetPolicy(r, 0x10000), SevSnpPolicy.Default, "guest policy 0x0000000000010000 has reserved bits set wrongly"),
            (r => SetPolicy(r, 0x30000 | (1UL << 18)), SevSnpPolicy.Default, "the guest allows a migration agent"),
            (r => Array.Fill(r, (byte)0xAB, 0x90, 48), new SevSnpPolicy { ExpectedMeasurement = new byte[48] }, "the report's measurement " + string.Concat(Enumerable.Repeat("ab", 48)) + " is not the expected " + new string('0', 96)),
            (r => r[0xC0] = 1, new SevSnpPolicy { ExpectedHostData = new byte[32] }, "HOST_DATA 01" + new string('0', 62) + " is not the expected " + new string('0', 64)),
            (r => r[0x50] = 1, new SevSnpPolicy { ExpectedReportData = new byte[64] }, "REPORT_DATA 01"),
            (r => r[0xE0] = 1, new SevSnpPolicy { ExpectedIdKeyDigest = new byte[48] }, "ID_KEY_DIGEST 01"),
            (r => r[0x110] = 1, new SevSnpPolicy { ExpectedAuthorKeyDigest = new byte[48] }, "AUTHOR_KEY_DIGEST 01"),
            (r => r[0x20] = 1, new SevSnpPolicy { ExpectedImageId = new byte[16] }, "IMAGE_ID 01"),
            (r => r[0x10] = 1, new SevSnpPolicy { ExpectedFamilyId = new byte[16] }, "FAMILY_ID 01"),
            (r => WriteTcb(r, 0x180, higher), new SevSnpPolicy { MinimumTcb = higher }, $"the platform's TCB ({t}) is below the minimum ({higher})"),
            (r => WriteTcb(r, 0x38, higher), new SevSnpPolicy { MinimumTcb = higher }, $"the reported TCB ({t}) is below the minimum ({higher})"),
            (null, new SevSnpPolicy { MinimumLaunchTcb = higher }, $"the launch TCB ({t}) is below the minimum ({higher})"),
            (null, new SevSnpPolicy { MinimumBuild = 41 }, "firmware build 40 is below 41"),
            (null, new SevSnpPolicy { MinimumFirmwareVersion = (1, 56) }, "firmware 1.55 is below 1.56"),
            (null, new SevSnpPolicy { MinimumGuestSvn = 1 }, "guest SVN 0 is below 1"),
            (r => r[0x30] = 2, new SevSnpPolicy { Vmpl = 0 }, "the report is from VMPL 2, not 0"),
            (null, new SevSnpPolicy { RequireSmt = false }, "the guest policy allows SMT"),
            (null, new SevSnpPolicy { RequireSingleSocket = true }, "the guest policy does not require a single socket"),
            (r => r[0x1E0] ^= 1, new SevSnpPolicy { PermitProvisionalFirmware = false }, "the platform runs firmware that is not committed"),
            (null, new SevSnpPolicy { PlatformInfo = [(3, true, "rapl_disabled")] }, "platform info rapl_disabled is False, the policy requires True"),
            (null, new SevSnpPolicy { PlatformInfo = [(0, false, "smt_enabled")] }, "platform info smt_enabled is True, the policy requires False"),
        ];
        foreach (var (change, policy, reason) in policies)
        {
            var report = SevSnpReport.Parse(amd.Report(change));
            Reason(() => SevSnpVerifier.CheckPolicy(report, policy), reason);
        }
    }

    private static void Reason(Action refused, string reason)
    {
        var ex = Assert.ThrowsAny<AttestationException>(refused);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    private static int Spl(SevSnpTcb tcb, string oid) => oid switch
    {
        "1.3.6.1.4.1.3704.1.3.1" => tcb.Bootloader,
        "1.3.6.1.4.1.3704.1.3.2" => tcb.Tee,
        "1.3.6.1.4.1.3704.1.3.3" => tcb.Snp,
        "1.3.6.1.4.1.3704.1.3.8" => tcb.Microcode,
        _ => tcb.Fmc,
    };

    private static void SetPolicy(byte[] report, ulong policy) => BinaryPrimitives.WriteUInt64LittleEndian(report.AsSpan(0x08), policy);

    private static void WriteTcb(byte[] report, int offset, SevSnpTcb tcb) => BinaryPrimitives.WriteUInt64LittleEndian(report.AsSpan(offset), SyntheticAmdChain.EncodeTcb(tcb, false));

    private static void Policy(Action<byte[]>? change, SevSnpPolicy policy, AttestationStage? stage, string? code)
    {
        var report = SevSnpReport.Parse(SyntheticAmdChain.For(AmdGeneration.Genoa).Report(change));
        var ex = Record.Exception(() => SevSnpVerifier.CheckPolicy(report, policy));
        if (code is null)
        {
            Assert.Null(ex);
            return;
        }

        var refused = Assert.IsType<AttestationException>(ex, exactMatch: false);
        Assert.Equal((stage, code), (refused.Stage, refused.Code));
    }

    private static AttestationException Refused(SyntheticAmdChain amd, byte[] report, AttestationStage stage, params string[] codes)
    {
        var ex = Assert.ThrowsAny<AttestationException>(() => amd.Verifier.Authenticate(report, amd.Vcek, Now, out _, out _));
        Assert.Equal(stage, ex.Stage);
        Assert.Contains(ex.Code, codes);
        return ex;
    }

    private static void RefusedWith(SevSnpVerifier verifier, SyntheticAmdChain amd, string code, string reason)
    {
        var ex = Assert.ThrowsAny<AttestationException>(() => verifier.Authenticate(amd.Report(), amd.Vcek, Now, out _, out _));
        Assert.Equal((AttestationStage.CertificateChain, code), (ex.Stage, ex.Code));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>An ARK with the real ARK's key and name but issued by another root, so it is not self-signed.</summary>
    private static DerCertificate ArkIssuedByAnotherRoot(SyntheticAmdChain amd)
    {
        using var rootKey = RSA.Create(2048);
        var root = new CertificateRequest("CN=Other-Root", rootKey, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
        using var rootCert = root.CreateSelfSigned(SyntheticAmdChain.NotBefore, SyntheticAmdChain.NotAfter);
        var ark = X509CertificateLoader.LoadCertificate(amd.Chain.Ark.Raw);
        var request = new CertificateRequest(ark.SubjectName, ark.PublicKey, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
        using var reissued = request.Create(rootCert.SubjectName, X509SignatureGenerator.CreateForRSA(rootKey, RSASignaturePadding.Pss), SyntheticAmdChain.NotBefore, SyntheticAmdChain.NotAfter, [0x09]);
        return DerCertificate.Parse(reissued.RawData);
    }
}
