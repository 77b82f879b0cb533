using System.Security.Cryptography;
using System.Text.Json;
using AudioSdk.Security.Tinfoil.Sigstore;
using AudioSdk.Security.Tinfoil.V3;

namespace AudioSdk.Security.Tinfoil;

/// <summary>
/// Verifies a v3 document end to end, in the order the conformance suite defines: envelope (done by
/// <see cref="AttestationDocument.Parse"/>), code and platform provenance with their freshness witnesses, the
/// quote (SEV-SNP: report, VCEK chain, CRL; Intel TDX: quote, PCK chain, Intel collateral), the platform policy, the
/// measurement, and the key binding.
/// </summary>
internal sealed class TinfoilDocumentVerifier
{
    public const string CodeFormat = "https://tinfoil.sh/collateral/sigstore-code/v1";
    public const string PlatformFormat = "https://tinfoil.sh/collateral/sigstore-platform/v1";
    public const string FreshnessFormat = "https://tinfoil.sh/collateral/sigstore-freshness/v1";
    public const string VcekFormat = "https://tinfoil.sh/collateral/amd-vcek/v1";
    public const string CrlFormat = "https://tinfoil.sh/collateral/amd-crl/v1";
    public const string PlatformRepository = "tinfoilsh/platform-endorsements";
    public const string FreshnessRepository = "tinfoilsh/freshness-witness";
    public const string FreshnessSigner = "https://github.com/tinfoilsh/freshness-witness/.github/workflows/freshness.yml@refs/heads/main";
    public const string FreshnessPredicate = "https://tinfoil.sh/predicate/freshness-witness/v1";

    public static readonly TimeSpan FreshnessWindow = TimeSpan.FromDays(7);
    public static readonly TimeSpan FutureSkew = TimeSpan.FromMinutes(5);

    private readonly TinfoilTrust _trust;

    public TinfoilDocumentVerifier(TinfoilTrust trust)
    {
        _trust = trust;
    }

    /// <summary>Verifies a parsed document for a code repository at a time.</summary>
    /// <param name="document">The document, envelope already checked against the client's nonce.</param>
    /// <param name="repository">The repository whose release must run in the enclave, such as
    /// <c>tinfoilsh/confidential-model-router</c>.</param>
    /// <param name="now">The appraisal time.</param>
    /// <param name="vcek">The VCEK, when the document does not carry it (SEV-SNP).</param>
    /// <param name="crl">The AMD CRL, when the document does not carry it (SEV-SNP).</param>
    /// <param name="intelCollateral">The Intel PCS collateral, when the document does not carry it (TDX).</param>
    /// <param name="requireKeys">Whether a document without a usable <c>tls</c> and <c>hpke</c> item is refused (stage Envelope).</param>
    public TinfoilVerification Verify(AttestationDocument document, string repository, DateTimeOffset now, byte[]? vcek = null,
        byte[]? crl = null, Tdx.TdxCollateral? intelCollateral = null, bool requireKeys = true)
    {
        // Provenance: the code release and the platform endorsements, each with a fresh witness.
        var code = Reference(document, CodeFormat, "code");
        var codeData = ArtifactData(code, "code");
        if (codeData.Repo != repository)
        {
            throw Provenance("CODE_REPOSITORY_MISMATCH", $"the document names release {codeData.Repo}, not {repository}");
        }

        var codeResult = VerifyArtifact(codeData, [Measurement.SnpTdxMultiPlatformV1]);
        var codeMeasurement = codeResult.Measurement
            ?? throw Provenance("PREDICATE_MEASUREMENT_INVALID", "the code release carries no measurement");
        var platformData = ArtifactData(Reference(document, PlatformFormat, "platform"), "platform");
        if (platformData.Repo != PlatformRepository)
        {
            throw Provenance("PLATFORM_REPOSITORY_MISMATCH",
                $"platform endorsements come from {platformData.Repo}, not {PlatformRepository}");
        }

        var platformResult = VerifyArtifact(platformData, [PlatformEndorsements.PredicateType]);
        var codeFresh = VerifyFreshness(document, "code-freshness", codeData, codeResult, now);
        var platformFresh = VerifyFreshness(document, "platform-freshness", platformData, platformResult, now);

        // Quote and policy: the CPU evidence up to its vendor's root, then the policy the platform endorsements give the machine.
        var quote = document.IsTdx
            ? VerifyTdx(document, platformResult.Predicate, now, intelCollateral)
            : VerifySevSnp(document, platformResult.Predicate, now, vcek, crl);

        // Measurement and binding.
        codeMeasurement.EnsureMatches(quote.Enclave);
        if (!CryptographicOperations.FixedTimeEquals(quote.ReportData, document.ReportData))
        {
            throw Reject.With(AttestationStage.Binding, "REPORT_DATA_MISMATCH", "the report's REPORT_DATA is not the document's challenge");
        }

        var verification = new TinfoilVerification
        {
            TlsPin = document.TlsKeyFingerprint is { } pin ? TlsPin.FromBytes(pin) : (TlsPin?)null,
            HpkePublicKey = document.HpkeKey,
            ValidUntil = new[] { codeFresh, platformFresh, quote.ValidUntil }.Min(),
            Repository = codeData.Repo,
            Tag = codeData.Tag,
            CodeDigest = codeData.Digest,
            CodeMeasurement = codeMeasurement,
            EnclaveMeasurement = quote.Enclave,
            Machine = quote.Machine,
        };
        if (requireKeys)
        {
            verification.RequireKeys();
        }

        return verification;
    }

    /// <summary>The SEV-SNP report, its VCEK chain to the AMD root and the CRL, then the chip's endorsed policy.</summary>
    private AuthenticatedQuote VerifySevSnp(AttestationDocument document, JsonElement platform, DateTimeOffset now, byte[]? vcek,
        byte[]? crl)
    {
        var vcekDer = vcek ?? CollateralBytes(document, VcekFormat, "vcek_der_base64")
            ?? throw Reject.With(AttestationStage.CertificateChain, "VCEK_MISSING", "the document carries no VCEK and none was fetched");
        var verifier = new SevSnpVerifier(_trust.AmdChains);
        var report = verifier.Authenticate(document.Report, vcekDer, now, out var vcekCertificate, out var chain);
        CheckCarriedChain(document, chain);
        var crlDer = crl ?? CollateralBytes(document, CrlFormat, "crl_der_base64")
            ?? throw Reject.With(AttestationStage.CertificateChain, "CRL_MISSING", "the document carries no AMD CRL and none was fetched");
        var crlNextUpdate = AmdCrl.Check(crlDer, chain, vcekCertificate, now) ?? DateTimeOffset.MaxValue;

        var (machine, policy) = PlatformEndorsements.PolicyFor(platform, report.ChipId, report.IsTurin);
        SevSnpVerifier.CheckPolicy(report, policy);
        return new AuthenticatedQuote(report.ToMeasurement(), report.ReportData.ToArray(), machine,
            crlNextUpdate < vcekCertificate.NotAfter ? crlNextUpdate : vcekCertificate.NotAfter);
    }

    /// <summary>
    /// The quote layer alone for a TDX document: the quote (no bytes after its signature data) with its Intel collateral (the
    /// document's <c>intel-pcs</c> captures, else <paramref name="fetched"/>), up to Intel's root, including the TCB level.
    /// </summary>
    /// <exception cref="AttestationException">Stage Report or CertificateChain (QUOTE layer).</exception>
    public Tdx.TdxVerification AuthenticateTdxQuote(AttestationDocument document, DateTimeOffset now, Tdx.TdxCollateral? fetched = null)
    {
        var parsed = Tdx.TdxQuote.Parse(document.Report);
        if (parsed.TrailingLength != 0)
        {
            throw Reject.With(AttestationStage.Report, "QUOTE_FORMAT_UNSUPPORTED",
                $"{parsed.TrailingLength} bytes follow the quote's signature data");
        }

        var collateral = Tdx.IntelPcsCollateral.From(document) ?? fetched
            ?? throw Reject.With(AttestationStage.CertificateChain, "COLLATERAL_MISSING",
                "the document carries no intel-pcs collateral and none was fetched");
        return new Tdx.TdxVerifier(_trust.IntelRoot).Verify(document.Report, collateral, now, Tdx.TdxPolicy.Bare);
    }

    /// <summary>
    /// The TDX quote with its Intel collateral (the document's <c>intel-pcs</c> captures, else what was fetched): PCK chain to
    /// Intel's root, QE report, signatures, CRLs and TCB level. Then the policy the PPID's machine is endorsed with.
    /// </summary>
    private AuthenticatedQuote VerifyTdx(AttestationDocument document, JsonElement platform, DateTimeOffset now,
        Tdx.TdxCollateral? fetched)
    {
        var verified = AuthenticateTdxQuote(document, now, fetched);
        var ppid = verified.Ppid ?? throw Reject.With(AttestationStage.CertificateChain, "PCK_PPID_MISSING",
            "the PCK certificate names no PPID, so the machine cannot be looked up");
        var (machine, policy) = PlatformEndorsements.TdxPolicyFor(platform, ppid);
        policy.Check(verified.Quote, verified.EvaluationDataNumber ?? int.MinValue);
        return new AuthenticatedQuote(verified.Quote.ToMeasurement(), verified.Quote.ReportData.ToArray(), machine, verified.ValidUntil);
    }

    private SigstoreResult VerifyArtifact(Artifact artifact, string[] predicateTypes)
    {
        var result = SigstoreVerifier.Verify(artifact.Bundle, new SigstorePolicy
        {
            Repository = artifact.Repo,
            SubjectDigest = artifact.Digest,
            PredicateTypes = predicateTypes,
            WorkflowRefPrefix = "refs/tags/",
            IdentityFromSan = true,
        }, _trust.Sigstore);
        if (result.WorkflowRef != "refs/tags/" + artifact.Tag)
        {
            throw Provenance("WORKFLOW_REF_PREFIX_MISMATCH",
                $"{artifact.Repo} was signed from {result.WorkflowRef}, not tag {artifact.Tag}");
        }

        return result;
    }

    private DateTimeOffset VerifyFreshness(AttestationDocument document, string id, Artifact artifact, SigstoreResult authenticated,
        DateTimeOffset now)
    {
        var item = document.Collateral.FirstOrDefault(c => c.Id == id && c.Format == FreshnessFormat && c.Role == "reference-values")
            ?? throw Reject.With(AttestationStage.Freshness, "FRESHNESS_MISSING", $"the document has no '{id}' witness");
        var bundle = item.Data.Get("sigstore_bundle")
            ?? throw Reject.With(AttestationStage.Freshness, "FRESHNESS_MISSING", $"'{id}' has no bundle");
        SigstoreResult witness;
        try
        {
            witness = SigstoreVerifier.Verify(bundle, new SigstorePolicy
            {
                Repository = FreshnessRepository,
                WorkflowRefPrefix = "refs/heads/main",
                PredicateTypes = [FreshnessPredicate],
                SubjectDigest = artifact.Digest,
                IdentityFromSan = true,
            }, _trust.Sigstore);
        }
        catch (AttestationException ex)
        {
            throw Reject.With(AttestationStage.Freshness, "FRESHNESS_INVALID", $"the '{id}' witness does not verify: {ex.Message}", ex);
        }

        if (witness.BuildSignerUri != FreshnessSigner || witness.WorkflowRef != "refs/heads/main")
        {
            throw Reject.With(AttestationStage.Freshness, "FRESHNESS_INVALID",
                $"the '{id}' witness was not signed by the freshness workflow");
        }

        var endorses = witness.Predicate.Get("endorses");
        var subject = endorses?.Get("subject");
        if (endorses?.GetString("repo") != artifact.Repo || endorses?.GetString("tag") != artifact.Tag ||
            subject?.GetString("name") != authenticated.SubjectName || subject?.GetString("digest") != "sha256:" + artifact.Digest)
        {
            throw Reject.With(AttestationStage.Freshness, "FRESHNESS_INVALID",
                $"the '{id}' witness endorses another artifact than {artifact.Repo}@{artifact.Tag}");
        }

        var seen = witness.IntegratedTime;
        // The appraisal time may be any DateTimeOffset and the log time any second up to year 9999: sums saturate.
        if (seen > SafeTime.Add(now, FutureSkew) || SafeTime.Add(seen, FreshnessWindow) < now)
        {
            throw Reject.With(AttestationStage.Freshness, "FRESHNESS_EXPIRED",
                $"the '{id}' witness was logged at {seen:O}; at {now:O} it is outside the {FreshnessWindow.TotalDays}-day window");
        }

        return SafeTime.Add(seen, FreshnessWindow);
    }

    private static CollateralItem Reference(AttestationDocument document, string format, string what) =>
        document.Collateral.FirstOrDefault(c => c.Role == "reference-values" && c.Format == format)
        ?? throw Provenance("REFERENCE_VALUES_MISSING", $"the document has no {what} reference values");

    private static Artifact ArtifactData(CollateralItem item, string what)
    {
        var data = item.Data;
        var repo = data.GetString("repo");
        var tag = data.GetString("tag");
        var digest = data.GetString("digest");
        var bundle = data.Get("sigstore_bundle");
        if (repo is null || tag is null || Hex.TryDecodeCanonical(digest, 32) is null || bundle is not { ValueKind: JsonValueKind.Object })
        {
            throw Provenance("REFERENCE_VALUES_MALFORMED", $"the {what} reference values lack repo, tag, digest or bundle");
        }

        return new Artifact(repo, tag, digest!, bundle.Value);
    }

    private static byte[]? CollateralBytes(AttestationDocument document, string format, string member)
    {
        var item = document.Collateral.FirstOrDefault(c => c.Format == format);
        if (item is not null && item.Role != "endorsement")
        {
            throw Reject.With(AttestationStage.CertificateChain, "COLLATERAL_MALFORMED", $"collateral '{item.Id}' is not an endorsement");
        }

        if (item is null)
        {
            return null;
        }

        return Base64Strict.TryDecodeCanonical(item.Data.GetString(member))

                ?? throw Reject.With(AttestationStage.CertificateChain, "COLLATERAL_MALFORMED",
                $"collateral '{item.Id}' has no canonical base64 {member}");
    }

    /// <summary>A chain the document carries is not trusted, but it must be the chain that verified.</summary>
    private static void CheckCarriedChain(AttestationDocument document, AmdChain chain)
    {
        if (document.Collateral.FirstOrDefault(c => c.Format == VcekFormat)?.Data.Get("cert_chain_pem") is not { } pem)
        {
            return;
        }

        List<DerCertificate> carried;
        try
        {
            carried = pem.ValueKind == JsonValueKind.String ? DerCertificate.ParsePem(pem.GetString()!) : [];
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            throw Reject.With(AttestationStage.CertificateChain, "VCEK_CHAIN_INVALID", "the carried AMD certificate chain does not parse",
                ex);
        }

        if (carried.Count != 2 || !carried[0].Raw.AsSpan().SequenceEqual(chain.Ask.Raw)
            || !carried[1].Raw.AsSpan().SequenceEqual(chain.Ark.Raw))
        {
            throw Reject.With(AttestationStage.CertificateChain, "VCEK_CHAIN_INVALID",
                $"the carried AMD certificate chain is not the trusted {chain.Product} chain");
        }
    }

    private static AttestationException Provenance(string code, string why) => Reject.With(AttestationStage.Provenance, code, why);

    private sealed record Artifact(string Repo, string Tag, string Digest, JsonElement Bundle);

    /// <summary>What the quote layer establishes: the enclave's registers, its REPORT_DATA, the endorsed machine and how long it
    /// holds.</summary>
    private sealed record AuthenticatedQuote(Measurement Enclave, byte[] ReportData, string Machine, DateTimeOffset ValidUntil);
}
