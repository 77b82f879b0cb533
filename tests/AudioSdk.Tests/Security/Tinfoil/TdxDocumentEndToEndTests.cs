using System.Net.Security;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AudioSdk.Audio;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Tdx;
using AudioSdk.Testing;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// A v3 document whose CPU evidence is an Intel TDX quote, through <see cref="TinfoilAttestor"/> as a user runs it: the
/// document is served over real HTTPS on loopback, the quote comes from a synthetic TDX platform (its own Intel-like root,
/// injected through the testing seam) endorsed under a PPID and measurements of the real signed platform endorsements, the
/// release and witnesses are the real signed ones. The TLS pin and HPKE key the client uses are the ones the quote's
/// REPORT_DATA binds; each tampered copy is refused at its layer before any byte reaches the inference server.
/// </summary>
public sealed class TdxDocumentEndToEndTests
{
    /// <summary>A PPID the real platform endorsements map to machine <c>tdx-h200-prod</c>.</summary>
    internal const string EndorsedPpid = "0635f80268bc84044ebf29398151c789";

    internal static readonly byte[] Nonce = SHA256.HashData("the client's nonce"u8);
    private static readonly byte[] Hpke = SHA256.HashData("the enclave's HPKE key"u8);
    private static readonly byte[] Wav = WavFile.Write(Enumerable.Range(0, 1600).Select(i => (float)(0.2 * Math.Sin(i / 5.0))).ToArray(), WavFormat.Pcm16Mono(16000));

    [Fact]
    public async Task TheTdxDocumentVerifies_AndTheClientUsesTheKeysItsReportDataBinds()
    {
        await using var setup = await Setup.StartAsync(new Options());
        using var attestor = setup.Attestor();

        var attested = await attestor.AttestAsync(setup.Inference.Endpoint, false, CancellationToken.None);

        Assert.Equal(TlsPin.Compute(setup.Certificate), Assert.Single(attested.TlsPins));
        Assert.Equal(Hpke, attested.HpkePublicKey!.Value.ToArray());
        Assert.Equal(1, setup.DocumentsServed);
        Assert.Equal(Hex.Lower(Nonce), setup.LastNonce);

        using var client = setup.Client();
        var result = await client.TranscribeAsync(AudioInput.FromBytes(Wav, "a.wav"), new TranscriptionOptions { Model = "whisper-1" });
        Assert.False(string.IsNullOrEmpty(result.Text));
        Assert.True(setup.Inference.ApplicationBytesReceived > 0);
    }

    [Fact]
    public async Task WithoutIntelCollateralInTheDocument_ItIsFetchedFromTheConfiguredPcs()
    {
        await using var setup = await Setup.StartAsync(new Options { CarryCollateral = false });
        await using var pcs = new CollateralServer(TdxCollateralFetcherTests.Files(setup.Platform), TdxCollateralFetcherTests.Headers(setup.Platform));
        using var attestor = setup.Attestor(pcs.BaseAddress);

        var attested = await attestor.AttestAsync(setup.Inference.Endpoint, false, CancellationToken.None);

        Assert.Equal(TlsPin.Compute(setup.Certificate), Assert.Single(attested.TlsPins));
        Assert.Equal(4, pcs.Requests);
    }

    [Fact]
    public async Task WithoutIntelCollateral_AndNoPcsToReach_IsRefusedAtFetch()
    {
        await using var setup = await Setup.StartAsync(new Options { CarryCollateral = false });
        using var attestor = setup.Attestor(new Uri("http://127.0.0.1:1/"));

        var ex = await Assert.ThrowsAsync<AttestationException>(async () => await attestor.AttestAsync(setup.Inference.Endpoint, false, CancellationToken.None));

        Assert.Equal((AttestationStage.Fetch, "FETCH_FAILED"), (ex.Stage, ex.Code));
    }

    [Fact]
    public async Task AQuoteByteChanged_IsRefusedAtTheQuoteSignature_BeforeAnyRequestByte()
    {
        // RTMR1 (offset 48 + 376) changed after signing: the release would match no more, but the signature fails first.
        await using var setup = await Setup.StartAsync(new Options { AfterSigning = q => q[TdxQuote.HeaderSize + 376] ^= 1 });
        var ex = await AssertRefusedAsync(setup);
        Assert.Equal((AttestationStage.Report, "QUOTE_SIGNATURE_INVALID"), (ex.Stage, ex.Code));
    }

    [Fact]
    public async Task APlatformWhosePpidIsNotEndorsed_IsRefusedAtPolicy()
    {
        await using var setup = await Setup.StartAsync(new Options { Ppid = new byte[16] });
        var ex = await AssertRefusedAsync(setup);
        Assert.Equal((AttestationStage.Policy, "PLATFORM_POLICY_REJECTED"), (ex.Stage, ex.Code));
        Assert.Contains("0000000000000000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherTdxModule_IsRefusedAtPolicy()
    {
        await using var setup = await Setup.StartAsync(new Options { MrSeam = Convert.FromHexString(TdxPolicy.TinfoilMrSeams[0]) });
        var ex = await AssertRefusedAsync(setup);
        Assert.Equal((AttestationStage.Policy, "MR_SEAM_NOT_ALLOWED"), (ex.Stage, ex.Code));
    }

    [Fact]
    public async Task AnMrtdNoEndorsedPlatformBoots_IsRefusedAtPolicy()
    {
        await using var setup = await Setup.StartAsync(new Options { Edit = r => r[0][0] ^= 1 });
        var ex = await AssertRefusedAsync(setup);
        Assert.Equal((AttestationStage.Policy, "PLATFORM_MEASUREMENT_MISMATCH"), (ex.Stage, ex.Code));
    }

    [Fact]
    public async Task AnRtmr2OfAnotherRelease_IsRefusedAtTheMeasurement()
    {
        await using var setup = await Setup.StartAsync(new Options { Edit = r => r[3][0] ^= 1 });
        var ex = await AssertRefusedAsync(setup);
        Assert.Equal((AttestationStage.Measurement, "MEASUREMENT_MISMATCH"), (ex.Stage, ex.Code));
    }

    [Fact]
    public async Task CollateralBelowTheEndorsedEvaluationDataNumber_IsRefusedAtPolicy()
    {
        await using var setup = await Setup.StartAsync(new Options { EvaluationDataNumber = 18 });
        var ex = await AssertRefusedAsync(setup);
        Assert.Equal((AttestationStage.Policy, "TCB_EVAL_DATA_NUMBER_TOO_LOW"), (ex.Stage, ex.Code));
    }

    [Fact]
    public async Task TrailingBytesAfterTheQuote_AreRefusedAtTheQuote()
    {
        await using var setup = await Setup.StartAsync(new Options { Trailing = 1 });
        var ex = await AssertRefusedAsync(setup);
        Assert.Equal((AttestationStage.Report, "QUOTE_FORMAT_UNSUPPORTED"), (ex.Stage, ex.Code));
    }

    [Fact]
    public async Task APckCertificateClaimingRsaPss_IsRefusedAtTheChain_WithACode_BeforeAnyRequestByte()
    {
        // Before the fix the EC key read as RSA threw AsnContentException, which the attestor reported at stage Attestor with no code.
        await using var setup = await Setup.StartAsync(new Options { Requote = TdxHostileNumberTests.WithRsaPssPck });
        var ex = await AssertRefusedAsync(setup);
        Assert.Equal((AttestationStage.CertificateChain, "PCK_CHAIN_INVALID"), (ex.Stage, ex.Code));
    }

    private static async Task<AttestationException> AssertRefusedAsync(Setup setup)
    {
        using var client = setup.Client();
        var ex = await Assert.ThrowsAsync<AttestationException>(() => client.TranscribeAsync(AudioInput.FromBytes(Wav, "a.wav"), new TranscriptionOptions { Model = "whisper-1" }));
        Assert.Equal(1, setup.DocumentsServed);
        Assert.Equal(0, setup.Inference.ApplicationBytesReceived);
        return ex;
    }

    internal sealed record Options
    {
        public bool CarryCollateral { get; init; } = true;
        public byte[]? Ppid { get; init; }
        public byte[]? MrSeam { get; init; }
        public int EvaluationDataNumber { get; init; } = 19;
        public Action<byte[][]>? Edit { get; init; }
        public Action<byte[]>? AfterSigning { get; init; }
        public int Trailing { get; init; }
        public Func<SyntheticTdx, SyntheticTdx>? PlatformEdit { get; init; }
        public Func<byte[], byte[]>? Requote { get; init; }
    }

    internal sealed class Setup : IAsyncDisposable
    {
        private int _served;

        private Setup(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, SyntheticTdx.Built platform)
        {
            Certificate = certificate;
            Platform = platform;
        }

        public System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate { get; }
        public SyntheticTdx.Built Platform { get; }
        public AudioTestServer AttestationServer { get; private set; } = null!;
        public AudioTestServer Inference { get; private set; } = null!;
        public FixedClock Clock { get; } = new(SyntheticEnclave.Time);
        public int DocumentsServed => Volatile.Read(ref _served);
        public string? LastNonce { get; private set; }

        public static async Task<Setup> StartAsync(Options options)
        {
            var certificate = TestCertificates.CreateSelfSigned();
            var (platform, document) = Build(certificate, options);

            var setup = new Setup(certificate, platform);
            setup.AttestationServer = await AudioTestServer.StartAsync(new AudioTestServerOptions
            {
                Certificate = certificate,
                AttestationDocument = nonce =>
                {
                    Interlocked.Increment(ref setup._served);
                    setup.LastNonce = nonce;
                    return document;
                },
            });
            setup.Inference = await AudioTestServer.StartAsync(new AudioTestServerOptions { Certificate = certificate, ApiKey = "sk-test" });
            return setup;
        }

        /// <summary>The synthetic platform and the v3 document it serves for <paramref name="certificate"/>'s TLS key.</summary>
        internal static (SyntheticTdx.Built Platform, byte[] Document) Build(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, Options options)
        {
            var crypto = Encoding.UTF8.GetBytes(
                $$"""{"format":"https://tinfoil.sh/crypto-material/v1","items":[{"id":"tls","format":"https://tinfoil.sh/key/spki-fp-sha256/v1","data":"{{TlsPin.Compute(certificate)}}"},{"id":"hpke","format":"https://tinfoil.sh/key/x25519-hpke/v1","data":"{{Hex.Lower(Hpke)}}"}]}""");
            var device = """{"format":"https://tinfoil.sh/device-evidence/v1","items":[]}"""u8.ToArray();
            var reportData = ReportDataBinding.ComputeV3(Nonce, crypto, device);
            var registers = ReleaseRegisters();
            options.Edit?.Invoke(registers);
            var synthetic = new SyntheticTdx
            {
                At = SyntheticEnclave.Time,
                ReportData = reportData,
                Ppid = options.Ppid ?? Convert.FromHexString(EndorsedPpid),
                Registers = registers,
                MrSeam = options.MrSeam ?? Convert.FromHexString("7bf063280e94fb051f5dd7b1fc59ce9aac42bb961df8d44b709c9b0ff87a7b4df648657ba6d1189589feab1d5a3c9a9d"),
                TcbEvaluationDataNumber = options.EvaluationDataNumber,
                QeEvaluationDataNumber = options.EvaluationDataNumber,
            };
            var platform = (options.PlatformEdit?.Invoke(synthetic) ?? synthetic).Build();
            var quote = platform.Quote.Concat(new byte[options.Trailing]).ToArray();
            options.AfterSigning?.Invoke(quote);
            quote = options.Requote?.Invoke(quote) ?? quote;
            var document = Document(quote, reportData, crypto, device, options.CarryCollateral ? platform.Collateral : null);
            return (platform, document);
        }

        /// <summary>An attestor for this platform; without <paramref name="attestationEndpoint"/> the document is fetched from
        /// the attestation server's well-known path, else (null) from the attested endpoint's own host.</summary>
        public TinfoilAttestor Attestor(Uri? pcs = null, bool attestationEndpoint = true) => new(RealFrozenDocument.Repository, new TinfoilAttestorOptions
        {
            AttestationEndpoint = attestationEndpoint ? new Uri(AttestationServer.BaseAddress, ".well-known/tinfoil-attestation") : null,
            IntelCollateralEndpoint = pcs ?? new Uri("https://127.0.0.1:1/"),
            IntelRootCrlEndpoint = new Uri(pcs ?? new Uri("https://127.0.0.1:1/"), TdxCollateralFetcherTests.RootCrlPath.TrimStart('/')),
            HttpHandler = new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true } },
            TimeProvider = Clock,
            FetchTimeout = TimeSpan.FromSeconds(10),
        }, TinfoilTrust.Production with { IntelRoot = Platform.Root }, () => Nonce.ToArray());

        public AudioClient Client() => new(new AudioClientOptions
        {
            Endpoint = Inference.Endpoint,
            ApiKey = "sk-test",
            Attestor = Attestor(),
            AttestedTransport = AttestedTransport.TlsPinning,
            TimeProvider = Clock,
            DangerousAllowSelfSignedLoopbackCertificatesForTesting = true,
        });

        public async ValueTask DisposeAsync()
        {
            await AttestationServer.DisposeAsync();
            await Inference.DisposeAsync();
            Certificate.Dispose();
        }

        /// <summary>MRTD and RTMR0 of an endorsed platform measurement, RTMR1 and RTMR2 of the real release, RTMR3 zero.</summary>
        private static byte[][] ReleaseRegisters()
        {
            var release = RealFrozenDocument.Predicate("sigstore-code")["tdx_measurement"]!;
            var platform = RealFrozenDocument.Predicate("sigstore-platform")["measurements"]!["extra_large_1d_new"]!;
            return
            [
                Convert.FromHexString(platform["mrtd"]!.GetValue<string>()),
                Convert.FromHexString(platform["rtmr0"]!.GetValue<string>()),
                Convert.FromHexString(release["rtmr1"]!.GetValue<string>()),
                Convert.FromHexString(release["rtmr2"]!.GetValue<string>()),
                new byte[48],
            ];
        }

        private static byte[] Document(byte[] quote, byte[] reportData, byte[] crypto, byte[] device, TdxCollateral? collateral)
        {
            var items = new JsonArray();
            if (collateral is not null)
            {
                static JsonObject Response(string url, byte[] body, string? header = null, string? chain = null)
                {
                    var headers = new JsonObject();
                    if (header is not null)
                    {
                        headers[header] = new JsonArray(Uri.EscapeDataString(chain!));
                    }

                    return new JsonObject { ["url"] = url, ["body_base64"] = Convert.ToBase64String(body), ["headers"] = headers };
                }

                items.Add(new JsonObject
                {
                    ["id"] = "pcs",
                    ["role"] = "endorsement",
                    ["format"] = IntelPcsCollateral.Format,
                    ["subjects"] = new JsonArray("cpu"),
                    ["data"] = new JsonObject
                    {
                        ["responses"] = new JsonArray(
                            Response("https://api.trustedservices.intel.com/tdx/certification/v4/tcb?fmspc=00906ed50000", Encoding.UTF8.GetBytes(collateral.TcbInfoJson), "Tcb-Info-Issuer-Chain", collateral.TcbInfoIssuerChainPem),
                            Response("https://api.trustedservices.intel.com/tdx/certification/v4/qe/identity", Encoding.UTF8.GetBytes(collateral.QeIdentityJson), "Sgx-Enclave-Identity-Issuer-Chain", collateral.QeIdentityIssuerChainPem),
                            Response("https://api.trustedservices.intel.com/sgx/certification/v4/pckcrl?ca=platform&encoding=der", collateral.PckCrl),
                            Response("https://certificates.trustedservices.intel.com/IntelSGXRootCA.der", collateral.RootCrl)),
                    },
                });
            }

            foreach (var item in RealFrozenDocument.Document["collateral"]!.AsArray().Where(c => c!["role"]!.GetValue<string>() == "reference-values"))
            {
                items.Add(item!.DeepClone());
            }

            var document = new JsonObject
            {
                ["format"] = "https://tinfoil.sh/predicate/attestation/v3",
                ["challenge"] = new JsonObject { ["nonce"] = Hex.Lower(Nonce), ["report_data"] = Hex.Lower(reportData), ["report_data_algorithm"] = "https://tinfoil.sh/report-data/v1" },
                ["cpu_evidence"] = new JsonObject
                {
                    ["format"] = "https://tinfoil.sh/format/tdx-quote/v1",
                    ["report_base64"] = Convert.ToBase64String(quote),
                    ["endorsed"] = new JsonObject
                    {
                        ["crypto_material_hash"] = Hex.Lower(SHA256.HashData(crypto)),
                        ["device_evidence_hash"] = Hex.Lower(SHA256.HashData(device)),
                    },
                },
                ["crypto_material"] = Convert.ToBase64String(crypto),
                ["device_evidence"] = Convert.ToBase64String(device),
                ["collateral"] = items,
            };
            return Encoding.UTF8.GetBytes(document.ToJsonString());
        }
    }
}
