using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Bundle;
using AudioSdk.Security.Tinfoil.Sigstore;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The helpers the bundle flow trusts, each rule on its boundary: the enclave certificate's names and the values they
/// encode, the REPORT_DATA halves, the in-toto statement, strict base64 and hex, and the hardware platform match.
/// </summary>
public sealed class TinfoilEncodingRulesTests
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    // ---- EnclaveCertificateNames.Names ----

    [Fact]
    public void Names_AWildcardMatchesOneLabelBelowItsParent()
    {
        Assert.True(EnclaveCertificateNames.Names(["*.tinfoil.sh"], "inference.tinfoil.sh"));
        Assert.True(EnclaveCertificateNames.Names(["inference.tinfoil.sh"], "inference.tinfoil.sh"));
        Assert.False(EnclaveCertificateNames.Names(["*.tinfoil.sh"], "a.inference.tinfoil.sh"));
    }

    [Fact]
    public void Names_AWildcardNeverMatchesTheApexOrATwoLabelDomain()
    {
        Assert.False(EnclaveCertificateNames.Names(["*.sh"], "tinfoil.sh"));
        Assert.False(EnclaveCertificateNames.Names(["*.sh"], "a.sh"));
        Assert.False(EnclaveCertificateNames.Names(["*.tinfoil.sh"], "tinfoil.sh"));
        Assert.False(EnclaveCertificateNames.Names(["*.tinfoil.sh"], ".tinfoil.sh"));
    }

    [Fact]
    public void Names_ANameWithoutTheWildcardPrefixIsComparedWhole()
    {
        Assert.False(EnclaveCertificateNames.Names(["xxtinfoil.sh"], "a.tinfoil.sh"));
        Assert.False(EnclaveCertificateNames.Names(["**tinfoil.sh"], "a.tinfoil.sh"));
        Assert.False(EnclaveCertificateNames.Names([], "a.tinfoil.sh"));
    }

    // ---- EnclaveCertificateNames.Decode ----

    [Fact]
    public void Decode_ConcatenatesTheChunksInIndexOrder_AndDecodesThemExactly()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray();
        var text = Base32(key);
        Assert.Equal(52, text.Length);
        List<string> names =
        [
            "inference.tinfoil.sh",
            $"02{text[21..]}.hpke.tinfoil.sh",
            $"00{text[..1]}.hpke.tinfoil.sh",
            "00aa.xhpke.hpkex.example",
            $"01{text[1..21]}.hpke.tinfoil.sh",
        ];

        Assert.Equal(key, EnclaveCertificateNames.Decode(names, "hpke", "HPKE_KEY_BINDING_MISMATCH"));
    }

    [Fact]
    public void Decode_EveryLengthOfKeyRoundTrips()
    {
        for (var length = 0; length <= 40; length++)
        {
            var bytes = Enumerable.Range(0, length).Select(i => (byte)(0xFF - (i * 13))).ToArray();
            var text = Base32(bytes);
            if (text.Length == 0)
            {
                continue;
            }

            Assert.Equal(bytes, EnclaveCertificateNames.Decode([$"00{text}.hatt.example.com"], "hatt", "X"));
        }
    }

    [Fact]
    public void Decode_ANameThatIsNotAnIndexedChunk_IsRefusedWithItsName()
    {
        foreach (var bad in new[] { "00aa.x.hpke.example", "0aaa.hpke.example", "a0aa.hpke.example", "00.hpke.example" })
        {
            var ex = Assert.Throws<AttestationException>(() => EnclaveCertificateNames.Decode([bad], "hpke", "HPKE_KEY_BINDING_MISMATCH"));

            Assert.Equal((AttestationStage.Binding, "HPKE_KEY_BINDING_MISMATCH"), (ex.Stage, ex.Code));
            Assert.Contains($"the enclave certificate's name '{bad}' is not an indexed hpke chunk, or repeats an index", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Decode_ARepeatedIndex_IsRefused()
    {
        var ex = Assert.Throws<AttestationException>(() => EnclaveCertificateNames.Decode(["00aa.hatt.x.y", "00ab.hatt.x.y"], "hatt", "ATTESTATION_HASH_MISMATCH"));

        Assert.Equal((AttestationStage.Binding, "ATTESTATION_HASH_MISMATCH"), (ex.Stage, ex.Code));
        Assert.Contains("'00ab.hatt.x.y' is not an indexed hatt chunk, or repeats an index", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NoNamesOfTheLabel_IsRefused()
    {
        var ex = Assert.Throws<AttestationException>(() => EnclaveCertificateNames.Decode(["inference.tinfoil.sh", "00aa.hatt.x.y"], "hpke", "HPKE_KEY_BINDING_MISMATCH"));

        Assert.Equal((AttestationStage.Binding, "HPKE_KEY_BINDING_MISMATCH"), (ex.Stage, ex.Code));
        Assert.Contains("the enclave certificate carries no hpke names", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ASkippedIndex_IsRefused()
    {
        var ex = Assert.Throws<AttestationException>(() => EnclaveCertificateNames.Decode(["00aaaa.hpke.x.y", "02aaaa.hpke.x.y"], "hpke", "HPKE_KEY_BINDING_MISMATCH"));

        Assert.Equal((AttestationStage.Binding, "HPKE_KEY_BINDING_MISMATCH"), (ex.Stage, ex.Code));
        Assert.Contains("the enclave certificate's hpke names skip an index", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ACharacterOutsideTheBase32Alphabet_IsRefused()
    {
        var ex = Assert.Throws<AttestationException>(() => EnclaveCertificateNames.Decode(["00aaa1aaaa.hpke.x.y"], "hpke", "HPKE_KEY_BINDING_MISMATCH"));

        Assert.Equal((AttestationStage.Binding, "HPKE_KEY_BINDING_MISMATCH"), (ex.Stage, ex.Code));
        Assert.Contains("the enclave certificate's hpke names are not base32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_AWholeUnusedCharacterOrNonZeroPadBits_IsRefused()
    {
        // "a": five bits that make no byte; "ab": ten bits whose two pad bits are 01.
        foreach (var chunk in new[] { "a", "ab", "aaaaaaaab" })
        {
            var ex = Assert.Throws<AttestationException>(() => EnclaveCertificateNames.Decode([$"00{chunk}.hpke.x.y"], "hpke", "HPKE_KEY_BINDING_MISMATCH"));

            Assert.Equal((AttestationStage.Binding, "HPKE_KEY_BINDING_MISMATCH"), (ex.Stage, ex.Code));
            Assert.Contains("the enclave certificate's hpke names are not canonical base32", ex.Message, StringComparison.Ordinal);
        }
    }

    // ---- EnclaveCertificateNames.DnsNames ----

    [Fact]
    public void DnsNames_ACertificateWithoutSubjectAlternativeNames_HasNone()
    {
        Assert.Empty(EnclaveCertificateNames.DnsNames(Certificate(null)));
    }

    [Fact]
    public void DnsNames_SkipsOtherKindsOfName_AndKeepsTheOrder()
    {
        var builder = new SubjectAlternativeNameBuilder();
        builder.AddIpAddress(System.Net.IPAddress.Loopback);
        builder.AddDnsName("b.example.com");
        builder.AddUri(new Uri("https://c.example.com/"));
        builder.AddDnsName("a.example.com");

        Assert.Equal(new[] { "b.example.com", "a.example.com" }, EnclaveCertificateNames.DnsNames(Certificate(builder.Build().RawData)));
    }

    [Fact]
    public void DnsNames_BytesAfterTheSequenceOrATruncatedEntry_AreRefusedAsMalformed()
    {
        var builder = new SubjectAlternativeNameBuilder();
        builder.AddDnsName("a.example.com");
        var valid = builder.Build().RawData;
        foreach (var value in new byte[][] { [.. valid, 0x05, 0x00], [0x30, 0x05, 0x82, 0x03, 0x61] })
        {
            var certificate = Certificate(value);

            var ex = Assert.Throws<AttestationException>(() => EnclaveCertificateNames.DnsNames(certificate));

            Assert.Equal((AttestationStage.Binding, "CERTIFICATE_SAN_MALFORMED"), (ex.Stage, ex.Code));
            Assert.Contains("the enclave certificate's subject alternative names are not valid DER", ex.Message, StringComparison.Ordinal);
        }
    }

    // ---- ReportDataBinding ----

    [Fact]
    public void ReportDataBinding_TakesTheTwoHalvesOfExactly64Bytes()
    {
        var data = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();

        Assert.Equal(Convert.ToHexString(data[..32]), Convert.ToHexString(ReportDataBinding.TlsPinOf(data).Bytes));
        Assert.Equal(data[32..], ReportDataBinding.HpkeKeyOf(data));
        foreach (var length in new[] { 63, 65 })
        {
            var wrong = new byte[length];
            var pin = Assert.Throws<ArgumentException>(() => ReportDataBinding.TlsPinOf(wrong));
            var hpke = Assert.Throws<ArgumentException>(() => ReportDataBinding.HpkeKeyOf(wrong));
            var ensure = Assert.Throws<ArgumentException>(() => ReportDataBinding.EnsureHpkeKey(wrong, new byte[32]));

            foreach (var ex in new[] { pin, hpke, ensure })
            {
                Assert.Equal("reportData", ex.ParamName);
                Assert.StartsWith($"REPORT_DATA is 64 bytes, not {length}.", ex.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void ReportDataBinding_AnOfferedKeyOfAnotherLengthOrValue_IsRefused()
    {
        var data = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        ReportDataBinding.EnsureHpkeKey(data, data[32..]);

        var length = Assert.Throws<ArgumentException>(() => ReportDataBinding.EnsureHpkeKey(data, data[32..63]));
        Assert.Equal("offeredKey", length.ParamName);
        Assert.StartsWith("An X25519 HPKE key is 32 bytes, not 31.", length.Message, StringComparison.Ordinal);

        var other = data[32..];
        other[31] ^= 1;
        var ex = Assert.Throws<AttestationException>(() => ReportDataBinding.EnsureHpkeKey(data, other));
        Assert.Equal((AttestationStage.Binding, "EHBP_KEY_BINDING_MISMATCH"), (ex.Stage, ex.Code));
        Assert.Contains("the offered HPKE key is not the one the report binds", ex.Message, StringComparison.Ordinal);
    }

    // ---- InTotoStatement ----

    [Fact]
    public void Statement_AValidMultiPlatformStatement_YieldsItsMeasurement()
    {
        var result = InTotoStatement.Read(Statement(), Policy());

        Assert.Equal("https://in-toto.io/Statement/v1", result.StatementType);
        Assert.Equal(Measurement.SnpTdxMultiPlatformV1, result.PredicateType);
        Assert.Equal("router", result.SubjectName);
        Assert.Equal(new string('a', 64), result.SubjectDigest);
        Assert.Equal(new[] { Register('1'), Register('2'), Register('3') }, result.Measurement!.Registers);
        Assert.Equal(string.Empty, result.OidcIssuer);
        Assert.Equal(string.Empty, result.WorkflowRepository);
    }

    [Fact]
    public void Statement_EachMalformedPart_IsRefusedWithItsReason()
    {
        var cases = new (byte[] Payload, SigstorePolicy Policy, string Code, string Reason)[]
        {
            ([0x7B, 0xFF, 0x7D], Policy(), "BUNDLE_MALFORMED", "the statement is not UTF-8"),
            ("{"u8.ToArray(), Policy(), "BUNDLE_MALFORMED", "the statement is not JSON"),
            (Statement(predicate: Nested(40)), Policy(), "BUNDLE_MALFORMED", "the statement is not JSON"),
            (Statement(extra: ",\"other\":1"), Policy(), "BUNDLE_MALFORMED", "the statement has unknown members"),
            (Statement(type: null), Policy(), "BUNDLE_MALFORMED", "the statement has no _type"),
            (Statement(), Policy() with { StatementTypes = ["https://in-toto.io/Statement/v0.1"] }, "IN_TOTO_STATEMENT_TYPE_NOT_ALLOWED",
                "statement type https://in-toto.io/Statement/v1 is not allowed"),
            (Statement(subject: "[]"), Policy(), "SUBJECT_MISSING", "the statement has no subject"),
            (Statement(), Policy() with { SubjectDigest = new string('b', 64) }, "SUBJECT_DIGEST_MISMATCH",
                $"the statement is about {new string('a', 64)}, not {new string('b', 64)}"),
            (Statement(predicateType: null), Policy(), "BUNDLE_MALFORMED", "the statement has no predicateType"),
            (Statement(predicateType: Measurement.SevGuestV2), Policy(), "PREDICATE_TYPE_NOT_ALLOWED",
                $"predicate type {Measurement.SevGuestV2} is not allowed"),
            (Statement(predicate: null), Policy(), "PREDICATE_MEASUREMENT_INVALID", "the statement has no predicate"),
            (Statement(predicate: Predicate(new string('z', 96))), Policy(), "PREDICATE_MEASUREMENT_INVALID",
                "the multi-platform predicate lacks snp_measurement, rtmr1 or rtmr2"),
            (Statement(predicate: Predicate(new string('a', 64))), Policy(), "PREDICATE_MEASUREMENT_INVALID",
                "the multi-platform predicate lacks snp_measurement, rtmr1 or rtmr2"),
        };

        foreach (var (payload, policy, code, reason) in cases)
        {
            var ex = Assert.Throws<AttestationException>(() => InTotoStatement.Read(payload, policy));

            Assert.Equal((AttestationStage.Provenance, code), (ex.Stage, ex.Code));
            Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Statement_AnUnnamedSubjectWithoutDigest_ReadsAsEmpty()
    {
        var result = InTotoStatement.Read(Statement(subject: "[{}]"), Policy());

        Assert.Equal(string.Empty, result.SubjectName);
        Assert.Equal(string.Empty, result.SubjectDigest);
    }

    // ---- Base64Strict, Hex, Json ----

    [Fact]
    public void Base64Strict_OnlyTheCanonicalSpellingDecodes()
    {
        Assert.Equal("AB"u8.ToArray(), Base64Strict.TryDecodeCanonical("QUI="));
        Assert.Null(Base64Strict.TryDecodeCanonical(null));
        Assert.Null(Base64Strict.TryDecodeCanonical("QUJ"));
        Assert.Null(Base64Strict.TryDecodeCanonical("QR=="));
        Assert.Null(Base64Strict.TryDecodeCanonical("QU I"));
        Assert.Null(Base64Strict.TryDecodeCanonical("Q!=="));
    }

    [Fact]
    public void Base64Strict_TheLenientReader_AcceptsNonZeroPadBitsButNotOtherCharacters()
    {
        Assert.Equal(new byte[] { 0x41 }, Base64Strict.TryDecode("QR=="));
        Assert.Null(Base64Strict.TryDecode(null));
        Assert.Null(Base64Strict.TryDecode("Q!=="));
    }

    [Fact]
    public void Hex_DecodesEitherCase_TheCanonicalReaderOnlyLowerCaseOfTheExpectedLength()
    {
        Assert.Equal(new byte[] { 0xAB, 0x01 }, Hex.TryDecode("Ab01"));
        Assert.Null(Hex.TryDecode(null));
        Assert.Null(Hex.TryDecode("abc"));
        Assert.Null(Hex.TryDecode("zz"));

        Assert.Equal(new byte[] { 0xAB }, Hex.TryDecodeCanonical("ab"));
        Assert.Equal(new byte[] { 0xAB }, Hex.TryDecodeCanonical("ab", 1));
        Assert.Empty(Hex.TryDecodeCanonical(string.Empty, 0)!);
        Assert.Null(Hex.TryDecodeCanonical("ab", 0));
        Assert.Null(Hex.TryDecodeCanonical("ab", 2));
        Assert.Null(Hex.TryDecodeCanonical("AB", 1));
        Assert.Null(Hex.TryDecodeCanonical(null, 1));
    }

    [Fact]
    public void Json_AWholeNumberOnEitherBoundIsInRange()
    {
        using var document = JsonDocument.Parse("""{"low":0,"high":5,"over":6}""");
        var root = document.RootElement;
        static AttestationException Fail(string why) => Reject.With(AttestationStage.Envelope, "X", why);

        Assert.Equal(0, root.GetInt64InRange("low", 0, 5, Fail));
        Assert.Equal(5, root.GetInt64InRange("high", 0, 5, Fail));
        var ex = Assert.Throws<AttestationException>(() => root.GetInt64InRange("over", 0, 5, Fail));
        Assert.Contains("over is not a whole number from 0 to 5", ex.Message, StringComparison.Ordinal);
    }

    // ---- HardwareMeasurement ----

    [Fact]
    public void HardwareMeasurement_RefusesAnotherTypeOrRegisterCount_AndAnUnknownPlatform()
    {
        var registers = Enumerable.Range(0, 5).Select(i => new string((char)('a' + i), 96)).ToArray();
        var cases = new (Measurement Enclave, string Code, string Reason)[]
        {
            (new Measurement(Measurement.SevGuestV2, [registers[0]]), "ENCLAVE_MEASUREMENT_TYPE_INVALID",
                "hardware platforms are matched against a TDX measurement only"),
            (new Measurement(Measurement.TdxGuestV2, registers[..3]), "ENCLAVE_REGISTER_COUNT_INVALID",
                "a TDX measurement has 5 registers, not 3"),
            (new Measurement(Measurement.TdxGuestV2, registers), "HARDWARE_NO_MATCH",
                "no published hardware platform has the enclave's MRTD and RTMR0"),
        };

        foreach (var (enclave, code, reason) in cases)
        {
            var ex = Assert.Throws<AttestationException>(() => HardwareMeasurement.Match(enclave, [new HardwareMeasurement("p", registers[1], registers[0])]));

            Assert.Equal((AttestationStage.Measurement, code), (ex.Stage, ex.Code));
            Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        }
    }

    private static string Register(char c) => new(c, 96);

    private static string Predicate(string snp) =>
        "{\"snp_measurement\":\"" + snp + "\",\"tdx_measurement\":{\"rtmr1\":\"" + Register('2') + "\",\"rtmr2\":\"" + Register('3') + "\"}}";

    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    private static SigstorePolicy Policy() => new() { Repository = "owner/repo" };

    private static byte[] Statement(string? type = "https://in-toto.io/Statement/v1",
        string subject = """[{"name":"router","digest":{"sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}]""",
        string? predicateType = Measurement.SnpTdxMultiPlatformV1, string? predicate = "", string extra = "")
    {
        predicate = predicate == string.Empty ? Predicate(Register('1')) : predicate;
        var parts = new List<string>();
        if (type is not null)
        {
            parts.Add($"\"_type\":\"{type}\"");
        }

        parts.Add($"\"subject\":{subject}");
        if (predicateType is not null)
        {
            parts.Add($"\"predicateType\":\"{predicateType}\"");
        }

        if (predicate is not null)
        {
            parts.Add($"\"predicate\":{predicate}");
        }

        return Encoding.UTF8.GetBytes("{" + string.Join(",", parts) + extra + "}");
    }

    /// <summary>RFC 4648 base32 without padding, written bit by bit (independently of the decoder under test).</summary>
    private static string Base32(byte[] bytes)
    {
        var bitText = string.Concat(bytes.Select(b => Convert.ToString(b, 2).PadLeft(8, '0')));
        bitText = bitText.PadRight((bitText.Length + 4) / 5 * 5, '0');
        return string.Concat(Enumerable.Range(0, bitText.Length / 5).Select(i => Alphabet[Convert.ToInt32(bitText.Substring(i * 5, 5), 2)]));
    }

    private static DerCertificate Certificate(byte[]? subjectAltName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=enclave", key, HashAlgorithmName.SHA256);
        if (subjectAltName is not null)
        {
            request.CertificateExtensions.Add(new X509Extension(new Oid("2.5.29.17"), subjectAltName, false));
        }

        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return DerCertificate.Parse(certificate.RawData);
    }
}
