using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Tdx;
using AudioSdk.Security.Tinfoil.V3;
using AudioSdk.Testing;
using Xunit.Abstractions;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// Generated hostile v3 documents carrying an Intel TDX quote (seeded, deterministic): byte flips in every region of the quote,
/// JSON-level changes to the captured Intel PCS responses, their issuer-chain headers and CRLs, swapped sections and truncation,
/// over a document from the synthetic TDX platform that verifies whole. Every input is refused with an
/// <see cref="AttestationException"/> carrying a stage and a code, or accepted only when the change is semantically neutral (the
/// test says which); the time and allocation of the worst input are printed, not asserted.
/// </summary>
public sealed class TdxHostileInputTests(ITestOutputHelper output)
{
    private static readonly Lazy<System.Security.Cryptography.X509Certificates.X509Certificate2> Certificate = new(() => TestCertificates.CreateSelfSigned());
    private static readonly Lazy<Fixture> Shared = new(() => Fixture.Create(new TdxDocumentEndToEndTests.Options()));

    /// <summary>The quote's regions: the 48-byte header, the 584-byte body, then the signature data up to the PEM chain.</summary>
    private static (string Name, int Start, int End)[] RegionsOf(byte[] quote)
    {
        var pem = PemStart(quote);
        return
        [
            ("header", 0, 48), ("td report body", 48, 632), ("signature data length", 632, 636), ("quote signature", 636, 700),
            ("attestation key", 700, 764), ("certification data type and length", 764, 770), ("qe report", 770, 1154),
            ("qe report signature", 1154, 1218), ("qe authentication data", 1218, pem - 6), ("pck chain type and length", pem - 6, pem),
            ("pck chain pem", pem, quote.Length),
        ];
    }

    /// <summary>Where the PEM chain starts: after the QE authentication data (its length at 1218) and the chain's type and length.</summary>
    private static int PemStart(byte[] quote) => 1220 + System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(quote.AsSpan(1218)) + 6;

    [Fact]
    public void TheSyntheticTdxDocument_Verifies()
    {
        var fixture = Shared.Value;
        var verified = Verify(fixture.Document, fixture.Trust);
        Assert.Equal("tdx-h200-prod", verified.Machine);
        Assert.Equal(1258, PemStart(fixture.Quote));
        Assert.Equal(PemStart(fixture.Quote) + TdxQuote.Parse(fixture.Quote).PckChainPem.Length, fixture.Quote.Length);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void QuoteByteFlips_InEveryRegion_AreRefusedWithAStageAndCode(int seed)
    {
        var fixture = Shared.Value;
        var tally = new Tally();
        foreach (var (what, quote) in QuoteFlips(new Random(seed), fixture.Quote, 330))
        {
            tally.Refused(what, fixture.WithQuote(quote), fixture.Trust, () => SameQuote(fixture.Quote, quote));
        }

        tally.Print(output, $"quote byte flips (seed {seed})");
        Assert.Equal(330, tally.Inputs);
    }

    /// <summary>
    /// The same changes to Tinfoil's tdx-golden-happy vector (a real quote, PCK chain and Intel-signed collateral, with Intel's
    /// root injected): the quote's regions, and the captures (which no change can re-sign).
    /// </summary>
    [Theory]
    [InlineData(71)]
    [InlineData(72)]
    public void TheGoldenVector_Mutated_IsRefusedWithAStageAndCode(int seed)
    {
        var input = JsonNode.Parse(File.ReadAllText(Path.Combine(ConformanceVector.Root, "v3", "golden-tdx", "tdx-golden-happy.json")))!["input"]!.AsObject();
        var bytes = Convert.FromBase64String(input["document_b64"]!.GetValue<string>());
        var nonce = Convert.FromHexString(input["nonce_hex"]!.GetValue<string>());
        var trust = ConformanceAdapters.V3Trust(input);
        var time = ConformanceAdapters.V3Time(input);
        var repository = input["repo"]!.GetValue<string>();
        void Golden(byte[] document)
        {
            using var parsed = AttestationDocument.Parse(document, nonce);
            new TinfoilDocumentVerifier(trust).Verify(parsed, repository, time, requireKeys: false);
        }

        Golden(bytes);
        var original = Convert.FromBase64String(JsonNode.Parse(bytes)!["cpu_evidence"]!["report_base64"]!.GetValue<string>());
        var random = new Random(seed);
        var tally = new Tally();
        foreach (var (what, quote) in QuoteFlips(random, original, 200))
        {
            var document = JsonNode.Parse(bytes)!.AsObject();
            document["cpu_evidence"]!["report_base64"] = Convert.ToBase64String(quote);
            tally.Refused(what, () => Golden(Encoding.UTF8.GetBytes(document.ToJsonString())), () => SameQuote(original, quote));
        }

        for (var i = 0; i < 160; i++)
        {
            var document = JsonNode.Parse(bytes)!.AsObject();
            var pcs = document["collateral"]!.AsArray().Single(c => c!["format"]!.GetValue<string>() == IntelPcsCollateral.Format)!.AsObject();
            var responses = pcs["data"]!["responses"]!.AsArray();
            var index = random.Next(responses.Count);
            var (what, neutral) = CaptureChange(random, i % 16, pcs, responses, responses[index]!.AsObject(), index);
            tally.Refused($"response {index}: {what}", () => Golden(Encoding.UTF8.GetBytes(document.ToJsonString())), neutral);
        }

        tally.Print(output, $"golden vector (seed {seed})");
        Assert.Equal(360, tally.Inputs);
    }

    /// <summary>One byte of each region in turn changed: a bit flipped, or (every third) set to a random value.</summary>
    private static IEnumerable<(string What, byte[] Quote)> QuoteFlips(Random random, byte[] original, int count)
    {
        var regions = RegionsOf(original);
        for (var i = 0; i < count; i++)
        {
            var (name, start, end) = regions[i % regions.Length];
            var quote = (byte[])original.Clone();
            var at = random.Next(start, end);
            if (i % 3 == 0)
            {
                quote[at] = (byte)random.Next(256);
            }
            else
            {
                quote[at] ^= (byte)(1 << random.Next(8));
            }

            yield return ($"{name} byte {at}", quote);
        }
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void QuoteLengthsAndTruncation_AreRefusedWithAStageAndCode(int seed)
    {
        var fixture = Shared.Value;
        var random = new Random(seed);
        var tally = new Tally();
        uint[] extremes = [0, 1, 0x7FFFFFFF, 0x80000000, uint.MaxValue - 1, uint.MaxValue, 0xFFFF, 0x10000];
        int[] lengthFields = [632, 766, 1254];
        for (var i = 0; i < 100; i++)
        {
            var quote = (byte[])fixture.Quote.Clone();
            string what;
            switch (i % 4)
            {
                case 0:
                    var field = lengthFields[random.Next(lengthFields.Length)];
                    var value = extremes[random.Next(extremes.Length)];
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(quote.AsSpan(field), value);
                    what = $"length at {field} = {value}";
                    break;
                case 1:
                    var auth = (ushort)new[] { 0, 1, 31, 33, 0x7FFF, 0xFFFF }[random.Next(6)];
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(quote.AsSpan(1218), auth);
                    what = $"qe authentication data length = {auth}";
                    break;
                case 2:
                    var cut = random.Next(0, quote.Length);
                    quote = quote[..cut];
                    what = $"quote cut to {cut} bytes";
                    break;
                default:
                    var extra = random.Next(1, 64 * 1024);
                    quote = [.. quote, .. new byte[extra]];
                    what = $"{extra} bytes appended";
                    break;
            }

            tally.Refused(what, fixture.WithQuote(quote), fixture.Trust);
        }

        tally.Print(output, $"quote lengths and truncation (seed {seed})");
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    public void IntelPcsCaptureChanges_AreRefusedWithAStageAndCode(int seed)
    {
        var fixture = Shared.Value;
        var random = new Random(seed);
        var tally = new Tally();
        for (var i = 0; i < 300; i++)
        {
            var document = JsonNode.Parse(fixture.Document)!.AsObject();
            var pcs = document["collateral"]!.AsArray().Single(c => c!["format"]!.GetValue<string>() == IntelPcsCollateral.Format)!.AsObject();
            var responses = pcs["data"]!["responses"]!.AsArray();
            var index = random.Next(responses.Count);
            var response = responses[index]!.AsObject();
            var (what, neutral) = CaptureChange(random, i % 16, pcs, responses, response, index);
            tally.Refused($"response {index}: {what}", Encoding.UTF8.GetBytes(document.ToJsonString()), fixture.Trust, neutral);
        }

        tally.Print(output, $"intel-pcs captures (seed {seed})");
    }

    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    public void SwappedSectionsAndTruncatedDocuments_AreRefusedWithAStageAndCode(int seed)
    {
        var fixture = Shared.Value;
        var random = new Random(seed);
        var tally = new Tally();
        string[] sections = ["challenge", "cpu_evidence", "crypto_material", "device_evidence", "collateral", "format"];
        for (var i = 0; i < 60; i++)
        {
            byte[] bytes;
            string what;
            if (i % 2 == 0)
            {
                bytes = fixture.Document[..random.Next(fixture.Document.Length)];
                what = $"document cut to {bytes.Length} bytes";
            }
            else
            {
                var document = JsonNode.Parse(fixture.Document)!.AsObject();
                var a = sections[random.Next(sections.Length)];
                var b = sections[(Array.IndexOf(sections, a) + 1 + random.Next(sections.Length - 1)) % sections.Length];
                (document[a], document[b]) = (document[b]!.DeepClone(), document[a]!.DeepClone());
                bytes = Encoding.UTF8.GetBytes(document.ToJsonString());
                what = $"{a} and {b} swapped";
            }

            tally.Refused(what, bytes, fixture.Trust);
        }

        // The collateral items swapped pairwise: each is found by its format, so only a swap of data between two formats matters.
        for (var i = 0; i < 20; i++)
        {
            var document = JsonNode.Parse(fixture.Document)!.AsObject();
            var items = document["collateral"]!.AsArray();
            var a = random.Next(items.Count);
            var b = (a + 1 + random.Next(items.Count - 1)) % items.Count;
            (items[a]!["data"], items[b]!["data"]) = (items[b]!["data"]!.DeepClone(), items[a]!["data"]!.DeepClone());
            tally.Refused($"data of collateral {a} and {b} swapped", Encoding.UTF8.GetBytes(document.ToJsonString()), fixture.Trust);
        }

        tally.Print(output, $"sections (seed {seed})");
    }

    /// <summary>
    /// Changes to the TCB info and QE identity bodies re-signed by the platform's TCB signing key, so they reach the parsing and
    /// matching behind the signature: every member replaced by a hostile value, removed, or duplicated.
    /// </summary>
    [Theory]
    [InlineData(51)]
    [InlineData(52)]
    public void ResignedCollateralChanges_AreRefusedWithAStageAndCode(int seed)
    {
        var random = new Random(seed);
        var tally = new Tally();
        for (var i = 0; i < 120; i++)
        {
            var tcb = i % 2 == 0;
            string? mutated = null;
            string what = string.Empty;
            Func<bool> neutral = () => false;
            string Edit(string body)
            {
                (mutated, what, neutral) = MutateJson(random, body);
                return mutated;
            }

            var fixture = Fixture.Create(new TdxDocumentEndToEndTests.Options
            {
                PlatformEdit = p => tcb ? p with { TcbInfoEdit = Edit } : p with { QeIdentityEdit = Edit },
            });
            tally.Refused($"{(tcb ? "tcb info" : "qe identity")}: {what}", fixture.Document, fixture.Trust, neutral);
        }

        tally.Print(output, $"re-signed collateral (seed {seed})");
    }

    [Theory]
    [InlineData(61)]
    [InlineData(62)]
    public void EndorsedTdxPolicyChanges_AreRefusedAtPolicy_OrAdmitOnlyWhatTheyShould(int seed)
    {
        var random = new Random(seed);
        var quote = TdxQuote.Parse(Shared.Value.Quote);
        var ppid = Convert.FromHexString(TdxDocumentEndToEndTests.EndorsedPpid);
        var original = RealFrozenDocument.Predicate("sigstore-platform");
        var (machine, originalPolicy) = PlatformEndorsements.TdxPolicyFor(Parse(original), ppid);
        originalPolicy.Check(quote, 19);
        var tally = new Tally();
        for (var i = 0; i < 150; i++)
        {
            var predicate = original.DeepClone().AsObject();
            var tdx = predicate["policies"]![machine]!.AsObject();
            var nodes = new List<JsonNode>();
            Collect(tdx, nodes);
            var target = nodes[random.Next(nodes.Count)];
            var path = target.GetPath();
            var value = HostileValues[random.Next(HostileValues.Length)];
            var before = target.DeepClone();
            var replacement = Replace(target, value, value is null);
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            var ex = Record.Exception(() => PlatformEndorsements.TdxPolicyFor(Parse(predicate), ppid).Policy.Check(quote, 19));
            tally.Count(ex, started, allocated, $"{path} = {value ?? "(removed)"}", () => AdmitsAsOriginal(path, before, replacement, value is null));
            if (ex is AttestationException refused)
            {
                Assert.True(refused.Stage == AttestationStage.Policy, $"{path} = {value}: stage {refused.Stage} ({refused.Code})");
            }
        }

        tally.Print(output, $"endorsed TDX policy (seed {seed})");
    }

    /// <summary>The platform measurement whose MRTD and RTMR0 the synthetic quote carries.</summary>
    private const string BootedMeasurement = "extra_large_1d_new";

    /// <summary>Values as JSON: the hostile numbers of the SEV-SNP tests, dates at and past the ends of DateTimeOffset, other types, and
    /// (C# null) the member removed.</summary>
    private static readonly string?[] HostileValues =
    [
        .. TinfoilHostileNumberTests.HostileNumbers, null, "null", "true", "[]", "{}", "[1]", "\"x\"", "\"9999-12-31T23:59:59Z\"",
        "\"0001-01-01T00:00:00Z\"", "\"10000-01-01T00:00:00Z\"", "\"2026-13-01T00:00:00Z\"",
    ];

    /// <summary>One JSON-level change to a signed body: a member replaced (numbers, dates, types), removed or duplicated.</summary>
    private static (string Body, string What, Func<bool> Neutral) MutateJson(Random random, string body)
    {
        var root = JsonNode.Parse(body)!.AsObject();
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = nodes[random.Next(nodes.Count)];
        var path = target.GetPath();
        var original = target.DeepClone();
        if (random.Next(6) == 0 && target.Parent is JsonObject)
        {
            // A duplicated member: the original, then the hostile value, which is the one a JsonElement lookup finds (the last).
            var name = target.GetPropertyName();
            var value = HostileValues[random.Next(HostileValues.Length)] ?? "0";
            Replace(target, "\"@duplicate@\"", remove: false);
            var text = root.ToJsonString().Replace($"\"{name}\":\"@duplicate@\"", $"\"{name}\":{original.ToJsonString()},\"{name}\":{value}", StringComparison.Ordinal);
            var effective = JsonNode.Parse(value);
            return (text, $"{path} duplicated, the second as {value}", () => NeutralCollateralChange(path, original, effective));
        }

        var hostile = HostileValues[random.Next(HostileValues.Length)];
        var replacement = Replace(target, hostile, hostile is null);
        return (root.ToJsonString(), $"{path} = {hostile ?? "(removed)"}", () => NeutralCollateralChange(path, original, replacement));
    }

    /// <summary>
    /// A re-signed change that may be accepted: a member the verifier does not read (tcbType, tcbDate), a value equal to the
    /// original, a currency window that still holds the appraisal time, or a TCB level's minimum SVN lowered (Intel's signature
    /// makes the lower minimum the truth).
    /// </summary>
    private static bool NeutralCollateralChange(string path, JsonNode original, JsonNode? replacement)
    {
        var member = path[(path.LastIndexOf('.') + 1)..];
        if (member is "tcbType" or "tcbDate" || (replacement is not null && JsonNode.DeepEquals(original, replacement)))
        {
            return true;
        }

        if (member is "issueDate" or "nextUpdate" && replacement is JsonValue date && date.GetValueKind() == JsonValueKind.String
            && DateTimeOffset.TryParseExact(date.GetValue<string>(), ["yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss.FFFFFFFZ"], System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var at))
        {
            // A signed currency window that still holds the appraisal time.
            return member == "issueDate" ? at <= SyntheticEnclave.Time : at >= SyntheticEnclave.Time;
        }

        return member is "svn" or "pcesvn" or "isvsvn" && replacement is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && decimal.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
            && d == decimal.Truncate(d) && d >= 0 && d <= original.GetValue<decimal>();
    }

    /// <summary>A policy change that may admit the quote: a minimum lowered or kept, or a value the policy reads the same.</summary>
    private static bool AdmitsAsOriginal(string path, JsonNode before, JsonNode? replacement, bool removed)
    {
        var member = path[(path.LastIndexOf('.') + 1)..];
        if (member.StartsWith("platform_measurements[", StringComparison.Ordinal) && before.GetValue<string>() != BootedMeasurement
            && (removed || (replacement is JsonValue name && name.GetValueKind() == JsonValueKind.String
                && RealFrozenDocument.Predicate("sigstore-platform")["measurements"]![name.GetValue<string>()] is not null)))
        {
            // Another measurement the machine may boot dropped or renamed to an endorsed one: the quote's is still listed.
            return true;
        }

        if (member.StartsWith("minimum_", StringComparison.Ordinal) && replacement is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && before.GetValueKind() == JsonValueKind.Number)
        {
            return decimal.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
                && d >= 0 && d <= before.GetValue<decimal>();
        }

        return replacement is not null && JsonNode.DeepEquals(before, replacement);
    }

    private static (string What, Func<bool> Neutral) CaptureChange(Random random, int kind, JsonObject pcs, JsonArray responses, JsonObject response, int index)
    {
        // The issuer-chain headers of the TCB info and QE identity are read; a CRL response's headers are only checked to be
        // names with arrays of strings.
        var path = new Uri(response["url"]!.GetValue<string>()).AbsolutePath;
        var chainRead = path.EndsWith("/tcb", StringComparison.Ordinal) || path.EndsWith("/qe/identity", StringComparison.Ordinal);
        var (what, neutral) = CaptureChangeCore(random, kind, pcs, responses, response, index);
        return kind is 10 or 11 or 12 or 13 && !chainRead
            ? (what, () => neutral() || (response["url"] is not null && response["body_base64"] is not null && HeadersAreStringArrays(response["headers"])))
            : (what, neutral);
    }

    private static bool HeadersAreStringArrays(JsonNode? headers) =>
        headers is JsonObject o && o.All(h => h.Value is JsonArray a && a.All(v => v is JsonValue s && s.GetValueKind() == JsonValueKind.String));

    private static (string What, Func<bool> Neutral) CaptureChangeCore(Random random, int kind, JsonObject pcs, JsonArray responses, JsonObject response, int index)
    {
        var body = Convert.FromBase64String(response["body_base64"]!.GetValue<string>());
        var headers = response["headers"]!.AsObject();
        var chainHeader = headers.Select(h => h.Key).FirstOrDefault();
        switch (kind)
        {
            case 0:
            case 1:
            case 2:
                {
                    var at = random.Next(body.Length);
                    var flipped = (byte[])body.Clone();
                    flipped[at] ^= (byte)(1 << random.Next(8));
                    response["body_base64"] = Convert.ToBase64String(flipped);
                    return ($"body byte {at} flipped", () => OnlySignatureHexCase(body, flipped));
                }

            case 3:
                {
                    var cut = random.Next(body.Length);
                    response["body_base64"] = Convert.ToBase64String(body[..cut]);
                    return ($"body cut to {cut} bytes", () => false);
                }

            case 4:
                {
                    if (body[0] != (byte)'{')
                    {
                        response["body_base64"] = Convert.ToBase64String([.. body, .. body]);
                        return ("DER body doubled", () => false);
                    }

                    // A JSON-level change to the signed body, not re-signed.
                    var (mutated, what, _) = MutateJson(random, JsonNode.Parse(body)![body.AsSpan().IndexOf("\"tcbInfo\""u8) >= 0 ? "tcbInfo" : "enclaveIdentity"]!.ToJsonString());
                    var outer = JsonNode.Parse(body)!.AsObject();
                    var member = outer.ContainsKey("tcbInfo") ? "tcbInfo" : "enclaveIdentity";
                    var text = $"{{\"{member}\":{mutated},\"signature\":\"{outer["signature"]!.GetValue<string>()}\"}}";
                    response["body_base64"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
                    return ($"unsigned change: {what}", () => text == Encoding.UTF8.GetString(body));
                }

            case 5:
                {
                    string[] urls =
                    [
                        "http://api.trustedservices.intel.com/tdx/certification/v4/tcb", "/tdx/certification/v4/tcb", "https://", "not a url",
                        "https://api.trustedservices.intel.com/tdx/certification/v3/tcb", "https://api.trustedservices.intel.com/TDX/certification/v4/tcb",
                        "https://api.trustedservices.intel.com/sgx/certification/v4/qe/identity", "file:///etc/passwd",
                    ];
                    var url = urls[random.Next(urls.Length)];
                    response["url"] = url;
                    return ($"url {url}", () => false);
                }

            case 6:
                {
                    var host = "https://pcs.example.invalid" + new Uri(response["url"]!.GetValue<string>()).PathAndQuery;
                    response["url"] = host;
                    return ($"url host changed ({host})", () => true);
                }

            case 7:
                responses.RemoveAt(index);
                return ("removed", () => false);
            case 8:
                responses.Add(response.DeepClone());
                return ("duplicated", () => false);
            case 9:
                {
                    var other = responses[(index + 1 + random.Next(responses.Count - 1)) % responses.Count]!.AsObject();
                    (response["body_base64"], other["body_base64"]) = (other["body_base64"]!.DeepClone(), response["body_base64"]!.DeepClone());
                    return ("body swapped with another response's", () => false);
                }

            case 10:
                {
                    JsonNode?[] values = [JsonValue.Create(1), JsonValue.Create("x"), new JsonArray(), null, new JsonObject(), new JsonArray(JsonValue.Create(1))];
                    string[] members = ["url", "body_base64", "headers"];
                    var member = members[random.Next(members.Length)];
                    var value = values[random.Next(values.Length)];
                    response[member] = value?.DeepClone();
                    return ($"{member} = {value?.ToJsonString() ?? "null"}", () => false);
                }

            case 11:
                {
                    if (chainHeader is null)
                    {
                        headers["TCB-Info-Issuer-Chain"] = new JsonArray("x");
                        return ("a chain header on a CRL response", () => true);
                    }

                    var pem = Uri.UnescapeDataString(headers[chainHeader]![0]!.GetValue<string>());
                    var certificates = pem.Split("-----END CERTIFICATE-----\n", StringSplitOptions.RemoveEmptyEntries).Select(c => c + "-----END CERTIFICATE-----\n").ToArray();
                    var second = certificates.Length > 1 ? certificates[1] : string.Empty;
                    string[] chains =
                    [
                        certificates[0], second, certificates[0] + certificates[0], pem + certificates[0], second + certificates[0],
                        "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", "-----BEGIN CERTIFICATE-----\nAAAA\n", string.Empty,
                        pem.Replace("A", "B", StringComparison.Ordinal),
                    ];
                    var choice = random.Next(chains.Length);
                    headers[chainHeader] = new JsonArray(Uri.EscapeDataString(chains[choice]));
                    return ($"{chainHeader} chain variant {choice}", () => false);
                }

            case 12:
                {
                    if (chainHeader is null)
                    {
                        response["body_base64"] = Convert.ToBase64String(new byte[body.Length]);
                        return ("CRL zeroed", () => false);
                    }

                    var value = headers[chainHeader]![0]!.GetValue<string>();
                    var variants = new (JsonNode? Node, bool Neutral)[]
                    {
                        (new JsonArray(value[..(value.Length / 2)], value[(value.Length / 2)..]), true),
                        (new JsonArray(value, value), false),
                        (new JsonArray(value.Replace("%0A", "%ZZ", StringComparison.Ordinal)), false),
                        (new JsonArray(value + "%"), true), // text after the last PEM block is not read
                        (new JsonArray(), false),
                        (new JsonArray(JsonValue.Create(1)), false),
                        (JsonValue.Create(value), false),
                    };
                    var choice = random.Next(variants.Length);
                    headers[chainHeader] = variants[choice].Node;
                    return ($"{chainHeader} value variant {choice}", () => variants[choice].Neutral);
                }

            case 13:
                {
                    if (chainHeader is null)
                    {
                        response["body_base64"] = Convert.ToBase64String(body[..^1]);
                        return ("CRL without its last byte", () => false);
                    }

                    var value = headers[chainHeader]!.DeepClone();
                    var neutralName = random.Next(2) == 0;
                    headers.Remove(chainHeader);
                    var renamed = neutralName ? chainHeader.ToUpperInvariant() : chainHeader + "-X";
                    headers[renamed] = value;
                    if (!neutralName)
                    {
                        return ($"header renamed {renamed}", () => false);
                    }

                    headers[chainHeader.ToLowerInvariant()] = value.DeepClone();
                    return ($"header {chainHeader} twice, in two cases", () => false);
                }

            case 14:
                {
                    var item = pcs;
                    JsonNode?[] values = [JsonValue.Create("reference-values"), JsonValue.Create(1), null];
                    var value = values[random.Next(values.Length)];
                    item["role"] = value?.DeepClone();
                    return ($"role = {value?.ToJsonString() ?? "null"}", () => false);
                }

            default:
                {
                    var count = random.Next(2) == 0 ? 0 : 17;
                    while (responses.Count > count)
                    {
                        responses.RemoveAt(responses.Count - 1);
                    }

                    while (responses.Count < count)
                    {
                        responses.Add(responses[0]!.DeepClone());
                    }

                    return ($"{count} responses", () => false);
                }
        }
    }

    /// <summary>Whether only the case of a letter in the signature's hex changed (the hex is read without regard to case).</summary>
    private static bool OnlySignatureHexCase(byte[] original, byte[] flipped)
    {
        var a = Encoding.UTF8.GetString(original);
        var b = Encoding.UTF8.GetString(flipped);
        var at = a.IndexOf("\"signature\":\"", StringComparison.Ordinal);
        return at >= 0 && a.Length == b.Length && a[..at] == b[..at] && string.Equals(a[at..], b[at..], StringComparison.OrdinalIgnoreCase)
            && b[at..].Replace("\"signature\":\"", string.Empty, StringComparison.Ordinal).TrimEnd('}', '"').All(Uri.IsHexDigit);
    }

    /// <summary>The same quote: every byte before the PEM equal, and the PEM naming the same certificates.</summary>
    private static bool SameQuote(byte[] original, byte[] mutated)
    {
        try
        {
            var a = TdxQuote.Parse(original);
            var b = TdxQuote.Parse(mutated);
            return PemStart(original) == PemStart(mutated) && original.AsSpan(0, PemStart(original)).SequenceEqual(mutated.AsSpan(0, PemStart(original)))
                && DerCertificate.ParsePem(a.PckChainPem).Select(c => Convert.ToHexString(c.Raw)).SequenceEqual(
                    DerCertificate.ParsePem(b.PckChainPem).Select(c => Convert.ToHexString(c.Raw)));
        }
        catch (Exception ex) when (ex is AttestationException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Replaces a node by a JSON value (the literal null included), or removes it; returns the replacement.</summary>
    private static JsonNode? Replace(JsonNode target, string? json, bool remove)
    {
        var replacement = json is null ? null : JsonNode.Parse(json);
        switch (target.Parent)
        {
            case JsonObject parent when remove:
                parent.Remove(target.GetPropertyName());
                break;
            case JsonObject parent:
                parent[target.GetPropertyName()] = replacement;
                break;
            case JsonArray array when remove:
                array.RemoveAt(target.GetElementIndex());
                break;
            case JsonArray array:
                array[target.GetElementIndex()] = replacement;
                break;
        }

        return replacement;
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        if (node.Parent is not null)
        {
            nodes.Add(node);
        }

        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children)
        {
            if (child is not null)
            {
                Collect(child, nodes);
            }
        }
    }

    private static JsonElement Parse(JsonObject predicate) => JsonDocument.Parse(predicate.ToJsonString()).RootElement;

    internal static TinfoilVerification Verify(byte[] document, TinfoilTrust trust)
    {
        using var parsed = AttestationDocument.Parse(document, TdxDocumentEndToEndTests.Nonce);
        return new TinfoilDocumentVerifier(trust).Verify(parsed, RealFrozenDocument.Repository, SyntheticEnclave.Time);
    }

    /// <summary>A synthetic TDX document that verifies whole, the trust that verifies it (its own Intel root) and its quote.</summary>
    internal sealed record Fixture(byte[] Document, TinfoilTrust Trust, byte[] Quote)
    {
        public static Fixture Create(TdxDocumentEndToEndTests.Options options)
        {
            var (platform, document) = TdxDocumentEndToEndTests.Setup.Build(Certificate.Value, options);
            return new Fixture(document, TinfoilTrust.Production with { IntelRoot = platform.Root }, platform.Quote);
        }

        /// <summary>This document with another quote in its CPU evidence.</summary>
        public byte[] WithQuote(byte[] quote)
        {
            var document = JsonNode.Parse(Document)!.AsObject();
            document["cpu_evidence"]!["report_base64"] = Convert.ToBase64String(quote);
            return Encoding.UTF8.GetBytes(document.ToJsonString());
        }
    }

    /// <summary>Counts inputs by outcome, keeps the worst time and allocation, and asserts each outcome.</summary>
    internal sealed class Tally
    {
        private readonly SortedDictionary<string, int> _outcomes = new(StringComparer.Ordinal);

        public int Inputs { get; private set; }
        public int Accepted { get; private set; }
        public double MaxMilliseconds { get; private set; }
        public long MaxAllocated { get; private set; }

        public void Refused(string what, byte[] document, TinfoilTrust trust, Func<bool>? neutral = null) =>
            Refused(what, () => Verify(document, trust), neutral);

        public void Refused(string what, Action verify, Func<bool>? neutral = null)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            var ex = Record.Exception(verify);
            Count(ex, started, allocated, what, neutral ?? (() => false));
        }

        public void Count(Exception? ex, long started, long allocatedBefore, string what, Func<bool> neutral)
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            Inputs++;
            MaxMilliseconds = Math.Max(MaxMilliseconds, elapsed);
            MaxAllocated = Math.Max(MaxAllocated, allocated);
            if (ex is null)
            {
                Assert.True(neutral(), $"{what}: accepted, but the change is not neutral");
                Accepted++;
                Add("accepted (neutral)");
                return;
            }

            Assert.True(ex is AttestationException, $"{what}: {ex.GetType().Name}: {ex}");
            var refused = (AttestationException)ex;
            Assert.True(refused.Code is not null, $"{what}: {ex.GetType().Name} at {refused.Stage} without a code: {ex.Message}");
            Add($"{refused.Stage}/{refused.Code}");
        }

        public void Print(ITestOutputHelper output, string title)
        {
            output.WriteLine($"{title}: {Inputs} inputs, {Accepted} accepted as neutral, max {MaxMilliseconds:F1} ms and {MaxAllocated} bytes allocated per input");
            foreach (var (outcome, count) in _outcomes)
            {
                output.WriteLine($"  {outcome}: {count}");
            }
        }

        private void Add(string outcome) => _outcomes[outcome] = _outcomes.GetValueOrDefault(outcome) + 1;
    }
}
