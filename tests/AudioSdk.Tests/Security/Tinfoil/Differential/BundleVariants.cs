using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using AudioSdk.Security.Tinfoil;

namespace AudioSdk.Tests.Security.Tinfoil.Differential;

/// <summary>One input of the differential run: a bundle, the verification time and what was changed (the class).</summary>
internal sealed record BundleVariant(string Id, string Class, JsonObject Bundle, long TimeUnix);

/// <summary>
/// Seeded, structured variants of the real captured attestation bundle: every SEV-SNP report field, random report and
/// VCEK bytes, the gzip and base64 wrapping, every Sigstore bundle leaf (removed, retyped, bit-flipped, off by one),
/// random bytes of the DSSE payload, signature, Fulcio certificate and checkpoint, the release digest, the format,
/// the domain, the enclave certificate, and verification times around every certificate's validity boundaries.
/// </summary>
internal static class BundleVariants
{
    public const string ConfigRepo = "tinfoilsh/confidential-model-router";

    /// <summary>2026-06-01T00:00:00Z: inside every validity window of the real bundle's AMD chain.</summary>
    public const long BaseTime = 1780272000;

    // SEV-SNP ATTESTATION_REPORT fields (offset, length) as in AMD SEV-SNP ABI 1.55 table 22.
    private static readonly (string Name, int Offset, int Length)[] ReportFields =
    [
        ("version", 0x00, 4), ("guest_svn", 0x04, 4), ("policy", 0x08, 8), ("family_id", 0x10, 16), ("image_id", 0x20, 16),
        ("vmpl", 0x30, 4), ("signature_algo", 0x34, 4), ("current_tcb", 0x38, 8), ("platform_info", 0x40, 8),
        ("signer_info", 0x48, 4), ("reserved_4c", 0x4C, 4), ("report_data_tls", 0x50, 32), ("report_data_hpke", 0x70, 32),
        ("measurement", 0x90, 48), ("host_data", 0xC0, 32), ("id_key_digest", 0xE0, 48), ("author_key_digest", 0x110, 48),
        ("report_id", 0x140, 32), ("report_id_ma", 0x160, 32), ("reported_tcb", 0x180, 8), ("cpuid_fam_id", 0x188, 1),
        ("cpuid_mod_id", 0x189, 1), ("cpuid_step", 0x18A, 1), ("reserved_18b", 0x18B, 21), ("chip_id", 0x1A0, 64),
        ("committed_tcb", 0x1E0, 8), ("current_build", 0x1E8, 1), ("current_minor", 0x1E9, 1), ("current_major", 0x1EA, 1),
        ("reserved_1eb", 0x1EB, 1), ("committed_build", 0x1EC, 1), ("committed_minor", 0x1ED, 1), ("committed_major", 0x1EE, 1),
        ("reserved_1ef", 0x1EF, 1), ("launch_tcb", 0x1F0, 8), ("reserved_1f8", 0x1F8, 0xA8), ("signature_r_low", 0x2A0, 48),
        ("signature_r_pad", 0x2D0, 24), ("signature_s_low", 0x2E8, 48), ("signature_s_pad", 0x318, 24),
        ("reserved_330", 0x330, 0x170),
    ];

    public static JsonObject LoadReal() =>
        JsonNode.Parse(File.ReadAllBytes(Path.Combine(ConformanceVector.Root, "attestation-sev", "_assets", "real_genoa_bundle.json")))!.AsObject();

    public static List<BundleVariant> Generate(int seed)
    {
        var random = new Random(seed);
        var real = LoadReal();
        var list = new List<BundleVariant>();
        var original = Gunzip(Convert.FromBase64String(Body(real)));
        void Add(string cls, JsonObject bundle, long time = BaseTime)
        {
            // A report change that leaves the report's bytes as they were (a field that was already zero, a new gzip
            // encoding) only re-encodes the body.
            if (cls.StartsWith("report.", StringComparison.Ordinal) && Body(bundle) != Body(real)
                && TryGunzip(Body(bundle)) is { } bytes && bytes.AsSpan().SequenceEqual(original))
            {
                cls = "body-reencoded." + cls;
            }

            list.Add(new BundleVariant($"{list.Count:D5}", cls, bundle, time));
        }

        Add("original", Clone(real));

        // The report: each field (first bit, last byte, zeroed, all ones), then random single bytes.
        var report = Gunzip(Convert.FromBase64String(Body(real)));
        foreach (var (name, offset, length) in ReportFields)
        {
            Add($"report.{name}.bit0", WithReport(real, Xor(report, offset, 0x01)));
            Add($"report.{name}.lastbyte", WithReport(real, Xor(report, offset + length - 1, 0x80)));
            Add($"report.{name}.zero", WithReport(real, Fill(report, offset, length, 0x00)));
            Add($"report.{name}.ones", WithReport(real, Fill(report, offset, length, 0xFF)));
        }

        for (var i = 0; i < 500; i++)
        {
            var at = random.Next(report.Length);
            var name = ReportFields.Last(f => f.Offset <= at).Name;
            Add($"report.{name}.random", WithReport(real, Xor(report, at, (byte)random.Next(1, 256))));
        }

        Add("report.wrap.truncated", WithReport(real, report[..^1]));
        Add("report.wrap.truncated-half", WithReport(real, report[..592]));
        Add("report.wrap.extended", WithReport(real, [.. report, 0]));
        Add("report.wrap.not-gzip", WithBody(real, Convert.ToBase64String(report)));
        Add("report.wrap.double-gzip", WithBody(real, Convert.ToBase64String(Gzip(Gzip(report)))));
        Add("report.wrap.gzip-trailing-garbage", WithBody(real, Convert.ToBase64String([.. Convert.FromBase64String(Body(real)), 1, 2, 3])));
        Add("report.wrap.gzip-truncated", WithBody(real, Convert.ToBase64String(Convert.FromBase64String(Body(real))[..^9])));
        Add("report.wrap.bad-base64", WithBody(real, "!" + Body(real)[1..]));
        Add("report.wrap.empty", WithBody(real, string.Empty));
        Add("report.wrap.regzipped", WithReport(real, report));

        // The VCEK: random bytes, wrapping, other certificates in its place.
        var vcek = Convert.FromBase64String(real["vcek"]!.GetValue<string>());
        for (var i = 0; i < 300; i++)
        {
            Add("vcek.random-byte", With(real, b => b["vcek"] = Convert.ToBase64String(Xor(vcek, random.Next(vcek.Length), (byte)random.Next(1, 256)))));
        }

        var genoa = DerCertificate.ParsePem(TinfoilRoots.GenoaChainPem);
        Add("vcek.truncated", With(real, b => b["vcek"] = Convert.ToBase64String(vcek[..^1])));
        Add("vcek.extended", With(real, b => b["vcek"] = Convert.ToBase64String([.. vcek, 0])));
        Add("vcek.empty", With(real, b => b["vcek"] = string.Empty));
        Add("vcek.is-ask", With(real, b => b["vcek"] = Convert.ToBase64String(genoa[0].Raw)));
        Add("vcek.is-ark", With(real, b => b["vcek"] = Convert.ToBase64String(genoa[1].Raw)));
        Add("vcek.bad-base64", With(real, b => b["vcek"] = "*" + b["vcek"]!.GetValue<string>()[1..]));

        // The Sigstore bundle: every leaf, then random bytes of the signed and logged parts.
        foreach (var path in Leaves(real["sigstoreBundle"]!, "sigstoreBundle"))
        {
            Add($"{Shape(path)}.removed", Mutate(real, path, (parent, key) => Remove(parent, key)));
            Add($"{Shape(path)}.null", Mutate(real, path, (parent, key) => Set(parent, key, null)));
            Add($"{Shape(path)}.number", Mutate(real, path, (parent, key) => Set(parent, key, JsonValue.Create(7))));
            Add($"{Shape(path)}.changed", Mutate(real, path, (parent, key) => Set(parent, key, JsonValue.Create(Change(Get(parent, key), random)))));
            if (long.TryParse(Get(parent: Parent(real, path), key: path[^1]), out var number))
            {
                Add($"{Shape(path)}.plus-one", Mutate(real, path, (parent, key) => Set(parent, key, JsonValue.Create((number + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)))));
                Add($"{Shape(path)}.minus-one", Mutate(real, path, (parent, key) => Set(parent, key, JsonValue.Create((number - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)))));
            }
        }

        string[][] hot =
        [
            ["sigstoreBundle", "dsseEnvelope", "payload"],
            ["sigstoreBundle", "dsseEnvelope", "signatures", "0", "sig"],
            ["sigstoreBundle", "verificationMaterial", "certificate", "rawBytes"],
            ["sigstoreBundle", "verificationMaterial", "tlogEntries", "0", "canonicalizedBody"],
            ["sigstoreBundle", "verificationMaterial", "tlogEntries", "0", "inclusionPromise", "signedEntryTimestamp"],
        ];
        foreach (var path in hot)
        {
            for (var i = 0; i < 60; i++)
            {
                var seedBytes = Convert.FromBase64String(Get(Parent(real, path), path[^1])!);
                var flipped = Convert.ToBase64String(Xor(seedBytes, random.Next(seedBytes.Length), (byte)random.Next(1, 256)));
                Add($"{Shape(path)}.random-byte", Mutate(real, path, (parent, key) => Set(parent, key, JsonValue.Create(flipped))));
            }
        }

        string[] checkpoint = ["sigstoreBundle", "verificationMaterial", "tlogEntries", "0", "inclusionProof", "checkpoint", "envelope"];
        var envelope = Get(Parent(real, checkpoint), checkpoint[^1])!;
        for (var i = 0; i < 40; i++)
        {
            var chars = envelope.ToCharArray();
            var at = random.Next(chars.Length);
            chars[at] = chars[at] == 'A' ? 'B' : 'A';
            var text = new string(chars);
            Add($"{Shape(checkpoint)}.random-char", Mutate(real, checkpoint, (parent, key) => Set(parent, key, JsonValue.Create(text))));
        }

        Add("sigstore.extra-top-level-member", With(real, b => b["sigstoreBundle"]!.AsObject()["extra"] = "x"));
        Add("sigstore.tlog-entry-duplicated", With(real, b =>
        {
            var entries = b["sigstoreBundle"]!["verificationMaterial"]!["tlogEntries"]!.AsArray();
            entries.Add(entries[0]!.DeepClone());
        }));
        Add("sigstore.tlog-entries-empty", With(real, b => b["sigstoreBundle"]!["verificationMaterial"]!["tlogEntries"] = new JsonArray()));
        Add("sigstore.signature-duplicated", With(real, b =>
        {
            var signatures = b["sigstoreBundle"]!["dsseEnvelope"]!["signatures"]!.AsArray();
            signatures.Add(signatures[0]!.DeepClone());
        }));
        Add("sigstore.certificate-as-chain", With(real, b =>
        {
            var material = b["sigstoreBundle"]!["verificationMaterial"]!.AsObject();
            var cert = material["certificate"]!.DeepClone();
            material.Remove("certificate");
            material["x509CertificateChain"] = new JsonObject { ["certificates"] = new JsonArray(cert) };
        }));
        foreach (var media in new[] { "application/vnd.dev.sigstore.bundle+json;version=0.1", "application/vnd.dev.sigstore.bundle+json;version=0.2", "application/vnd.dev.sigstore.bundle.v0.3+json ", "x" })
        {
            Add("sigstore.media-type", With(real, b => b["sigstoreBundle"]!["mediaType"] = media));
        }

        // Statements re-encoded (still under the original signature, so they must all be refused).
        var payload = Encoding.UTF8.GetString(Convert.FromBase64String(real["sigstoreBundle"]!["dsseEnvelope"]!["payload"]!.GetValue<string>()));
        foreach (var edit in new[] { payload + " ", payload.Replace("snp_measurement", "SNP_measurement", StringComparison.Ordinal), payload.ToUpperInvariant() })
        {
            var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(edit));
            Add("sigstore.payload-reencoded", With(real, b => b["sigstoreBundle"]!["dsseEnvelope"]!["payload"] = encoded));
        }

        // The release digest.
        var digest = real["digest"]!.GetValue<string>();
        Add("digest.uppercase", With(real, b => b["digest"] = digest.ToUpperInvariant()));
        Add("digest.empty", With(real, b => b["digest"] = string.Empty));
        Add("digest.trailing-newline", With(real, b => b["digest"] = digest + "\n"));
        Add("digest.truncated", With(real, b => b["digest"] = digest[..^2]));
        for (var i = 0; i < 20; i++)
        {
            var chars = digest.ToCharArray();
            var at = random.Next(chars.Length);
            chars[at] = chars[at] == '0' ? '1' : '0';
            var changed = new string(chars);
            Add("digest.one-character", With(real, b => b["digest"] = changed));
        }

        // The format.
        foreach (var format in new[] { "https://tinfoil.sh/predicate/sev-snp-guest/v1", "https://tinfoil.sh/predicate/sev-snp-guest/v2/", "https://tinfoil.sh/predicate/tdx-guest/v2", "HTTPS://TINFOIL.SH/PREDICATE/SEV-SNP-GUEST/V2", string.Empty })
        {
            Add("format.other", With(real, b => b["enclaveAttestationReport"]!["format"] = format));
        }

        // The domain (matched against the enclave certificate's DNS names).
        foreach (var domain in new[] { "inference.tinfoil.sh", "router.inference.tinfoil.sh", "a.b.inference.tinfoil.sh", "tinfoil.sh", "evil.sh", "inference.tinfoil.sh.evil.sh", string.Empty })
        {
            Add("domain.other", With(real, b => b["domain"] = domain));
        }

        Add("domain.uppercase", With(real, b => b["domain"] = "INFERENCE.TINFOIL.SH"));

        // The enclave certificate: random bytes of its DER, and wrapping.
        var pem = real["enclaveCert"]!.GetValue<string>();
        var leafDer = PemEncoding.Find(pem) is var fields ? Convert.FromBase64String(pem[fields.Base64Data]) : [];
        for (var i = 0; i < 150; i++)
        {
            var changed = PemEncoding.WriteString("CERTIFICATE", Xor(leafDer, random.Next(leafDer.Length), (byte)random.Next(1, 256)));
            Add("cert.random-byte", With(real, b => b["enclaveCert"] = changed));
        }

        Add("cert.empty", With(real, b => b["enclaveCert"] = string.Empty));
        Add("cert.truncated", With(real, b => b["enclaveCert"] = PemEncoding.WriteString("CERTIFICATE", leafDer[..^10])));

        // Times around every validity boundary: the AMD ARK, ASK and VCEK (checked at the verification time), the
        // Fulcio leaf and the enclave certificate (checked by neither verifier at the verification time).
        using var fulcio = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(real["sigstoreBundle"]!["verificationMaterial"]!["certificate"]!["rawBytes"]!.GetValue<string>()));
        using var leaf = X509CertificateLoader.LoadCertificate(leafDer);
        var vcekCert = DerCertificate.Parse(vcek);
        var boundaries = new (string Name, DateTimeOffset At)[]
        {
            ("ark.not-before", genoa[1].NotBefore), ("ark.not-after", genoa[1].NotAfter),
            ("ask.not-before", genoa[0].NotBefore), ("ask.not-after", genoa[0].NotAfter),
            ("vcek.not-before", vcekCert.NotBefore), ("vcek.not-after", vcekCert.NotAfter),
            ("fulcio.not-before", fulcio.NotBefore.ToUniversalTime()), ("fulcio.not-after", fulcio.NotAfter.ToUniversalTime()),
            ("enclave-cert.not-before", leaf.NotBefore.ToUniversalTime()), ("enclave-cert.not-after", leaf.NotAfter.ToUniversalTime()),
        };
        foreach (var (name, at) in boundaries)
        {
            foreach (var offset in new long[] { -86400, -2, -1, 0, 1, 2, 86400 })
            {
                Add($"time.{name}{(offset < 0 ? "-" : "+")}{Math.Abs(offset)}", Clone(real), at.ToUnixTimeSeconds() + offset);
            }
        }

        // Fill the rest with random report bytes under random times inside the chain's window.
        var from = vcekCert.NotBefore.ToUnixTimeSeconds();
        var to = vcekCert.NotAfter.ToUnixTimeSeconds();
        while (list.Count < 2200)
        {
            var at = random.Next(report.Length);
            var name = ReportFields.Last(f => f.Offset <= at).Name;
            var time = from + (long)(random.NextDouble() * (to - from));
            Add($"report.{name}.random", WithReport(real, Xor(report, at, (byte)random.Next(1, 256))), time);
            Add("time.random-in-window", Clone(real), time);
        }

        return list;
    }

    public static byte[] Gunzip(byte[] compressed)
    {
        using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static byte[]? TryGunzip(string body)
    {
        try
        {
            return Gunzip(Convert.FromBase64String(body));
        }
        catch (Exception e) when (e is FormatException or InvalidDataException)
        {
            return null;
        }
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static string Body(JsonObject bundle) => bundle["enclaveAttestationReport"]!["body"]!.GetValue<string>();

    private static JsonObject Clone(JsonObject bundle) => bundle.DeepClone().AsObject();

    private static JsonObject With(JsonObject bundle, Action<JsonObject> edit)
    {
        var copy = Clone(bundle);
        edit(copy);
        return copy;
    }

    private static JsonObject WithBody(JsonObject bundle, string body) => With(bundle, b => b["enclaveAttestationReport"]!["body"] = body);

    private static JsonObject WithReport(JsonObject bundle, byte[] report) => WithBody(bundle, Convert.ToBase64String(Gzip(report)));

    private static byte[] Xor(byte[] data, int at, byte mask)
    {
        var copy = (byte[])data.Clone();
        copy[at] ^= mask;
        return copy;
    }

    private static byte[] Fill(byte[] data, int at, int length, byte value)
    {
        var copy = (byte[])data.Clone();
        copy.AsSpan(at, length).Fill(value);
        return copy;
    }

    private static IEnumerable<string[]> Leaves(JsonNode node, params string[] path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    foreach (var leaf in child is null ? [[.. path, key]] : Leaves(child, [.. path, key]))
                    {
                        yield return leaf;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var leaf in Leaves(array[i]!, [.. path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                    {
                        yield return leaf;
                    }
                }

                break;
            default:
                yield return path;
                break;
        }
    }

    private static string Shape(string[] path) => string.Join('.', path.Select(p => p.All(char.IsAsciiDigit) ? "#" : p)).Replace("sigstoreBundle", "sigstore", StringComparison.Ordinal);

    private static JsonNode Parent(JsonObject root, string[] path)
    {
        JsonNode node = root;
        foreach (var key in path[..^1])
        {
            node = node is JsonArray array ? array[int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)]! : node[key]!;
        }

        return node;
    }

    private static JsonObject Mutate(JsonObject root, string[] path, Action<JsonNode, string> edit)
    {
        var copy = Clone(root);
        edit(Parent(copy, path), path[^1]);
        return copy;
    }

    private static string? Get(JsonNode parent, string key)
    {
        var node = parent is JsonArray array ? array[int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)] : parent[key];
        return node is JsonValue value ? value.ToString() : node?.ToJsonString();
    }

    private static void Set(JsonNode parent, string key, JsonNode? value)
    {
        if (parent is JsonArray array)
        {
            array[int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)] = value;
        }
        else
        {
            parent[key] = value;
        }
    }

    private static void Remove(JsonNode parent, string key)
    {
        if (parent is JsonArray array)
        {
            array.RemoveAt(int.Parse(key, System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            parent.AsObject().Remove(key);
        }
    }

    /// <summary>A different value of the same kind: base64 with one bit flipped, a number off by one, text with one character changed.</summary>
    private static string Change(string? value, Random random)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "x";
        }

        if (Base64Strict.TryDecodeCanonical(value) is { Length: > 0 } bytes)
        {
            return Convert.ToBase64String(Xor(bytes, random.Next(bytes.Length), (byte)(1 << random.Next(8))));
        }

        var chars = value.ToCharArray();
        var at = random.Next(chars.Length);
        chars[at] = chars[at] == 'a' ? 'b' : 'a';
        return new string(chars);
    }
}
