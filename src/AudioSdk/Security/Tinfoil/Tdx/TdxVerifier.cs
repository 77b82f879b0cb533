using System.Security.Cryptography;
using System.Text;

namespace AudioSdk.Security.Tinfoil.Tdx;

/// <summary>
/// Verifies an Intel TDX quote (v4) the way Intel's quote verification library does, then a policy: the PCK chain
/// to the SGX root, the QE report's signature by the PCK and its binding of the attestation key, the quote's
/// signature by that key, the signed TCB info and QE identity, the CRLs, the TCB level, and the pinned TD fields.
/// Signatures are checked over the raw bytes (no <c>X509Chain</c>), at the given time.
/// </summary>
internal sealed class TdxVerifier
{
    private const string TcbSigningName = "Intel SGX TCB Signing";

    /// <summary>The TCB statuses Intel's collateral uses.</summary>
    private static readonly HashSet<string> KnownStatuses = new(StringComparer.Ordinal)
    {
        "UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded", "OutOfDate", "OutOfDateConfigurationNeeded",
        "Revoked",
    };

    private readonly DerCertificate _root;

    public TdxVerifier(DerCertificate root)
    {
        _root = root;
    }

    /// <summary>Verifies a quote with its collateral at a time.</summary>
    /// <exception cref="AttestationException">Any check failed; the code says which (the conformance suite's codes).</exception>
    public TdxVerification Verify(ReadOnlySpan<byte> quoteBytes, TdxCollateral collateral, DateTimeOffset now, TdxPolicy policy)
    {
        var quote = TdxQuote.Parse(quoteBytes);
        var (pck, intermediate) = VerifyPckChain(quote, now);
        PckExtensions extensions;
        try
        {
            extensions = PckExtensions.Read(pck);
        }
        catch (FormatException ex)
        {
            throw Chain("PCK_CHAIN_INVALID", ex.Message, ex);
        }

        if (policy.ExpectedFmspc is { } fmspc && !fmspc.AsSpan().SequenceEqual(extensions.Fmspc))
        {
            throw Chain("PCK_FMSPC_MISMATCH", $"the PCK certificate is for FMSPC {Hex.Lower(extensions.Fmspc)}, not {Hex.Lower(fmspc)}");
        }

        if (!DerCertificate.VerifyEcdsa(pck.SubjectPublicKeyInfo.Span, quote.QeReport, ToDer(quote.QeReportSignature),
            HashAlgorithmName.SHA256))
        {
            throw Report("QE_REPORT_SIGNATURE_INVALID", "the quoting enclave's report is not signed by the PCK");
        }

        Span<byte> binding = stackalloc byte[32];
        SHA256.HashData([.. quote.AttestationKey, .. quote.QeAuthenticationData], binding);
        if (!CryptographicOperations.FixedTimeEquals(binding, quote.QeReportData[..32])
            || quote.QeReportData[32..].ContainsAnyExcept((byte)0))
        {
            throw Report("AK_BINDING_INVALID", "the quoting enclave's report does not bind the attestation key");
        }

        if (!VerifyQuoteSignature(quote))
        {
            throw Report("QUOTE_SIGNATURE_INVALID", "the quote is not signed by its attestation key");
        }

        var validUntil = new[] { pck.NotAfter, intermediate.NotAfter, _root.NotAfter }.Min();
        string? result = null;
        string? status = null;
        int? evaluationDataNumber = null;
        if (policy.TcbEvaluationRequired)
        {
            (result, status, validUntil, evaluationDataNumber) = Evaluate(quote, collateral, extensions, pck, intermediate, now, policy,
                validUntil);
        }

        CheckPolicy(quote, policy);
        return new TdxVerification { Quote = quote, Result = result, TcbStatus = status, Fmspc = extensions.Fmspc,
            Ppid = extensions.Ppid, EvaluationDataNumber = evaluationDataNumber, ValidUntil = validUntil };
    }

    /// <summary>Checks an authentic quote's TD fields against the policy (stage Policy, Measurement or Binding).</summary>
    public static void CheckPolicy(TdxQuote quote, TdxPolicy policy)
    {
        Pin(policy.ExpectedQeVendorId, quote.QeVendorId, AttestationStage.Policy, "QE_VENDOR_ID_MISMATCH", "QE vendor id");
        if (policy.EnforceSpecDefaults)
        {
            var attributes = quote.TdAttributesValue;
            if ((attributes & 1) != 0)
            {
                throw Policy("TD_ATTRIBUTES_DEBUG_SET", "the TD runs in debug mode, so the host can read its memory");
            }

            if ((attributes & ~TdxPolicy.TdAttributesAllowed) != 0)
            {
                throw Policy("TD_ATTRIBUTES_RESERVED_BIT_SET",
                    $"TD_ATTRIBUTES {Hex.Lower(quote.TdAttributes)} set bits outside SEPT_VE_DISABLE, PKS and PERFMON");
            }

            var xfam = quote.XfamValue;
            if ((xfam & TdxPolicy.XfamRequired) != TdxPolicy.XfamRequired)
            {
                throw Policy("XFAM_REQUIRED_BIT_CLEAR", $"XFAM {Hex.Lower(quote.Xfam)} does not enable FP and SSE");
            }

            if ((xfam & ~TdxPolicy.XfamAllowed) != 0)
            {
                throw Policy("XFAM_FORBIDDEN_BIT_SET", $"XFAM {Hex.Lower(quote.Xfam)} sets bits outside 0x0006dbe7");
            }
        }

        Pin(policy.ExpectedTdAttributes, quote.TdAttributes, AttestationStage.Policy, "TD_ATTRIBUTES_MISMATCH", "TD_ATTRIBUTES");
        Pin(policy.ExpectedXfam, quote.Xfam, AttestationStage.Policy, "XFAM_MISMATCH", "XFAM");
        Pin(policy.ExpectedMrSignerSeam, quote.MrSignerSeam, AttestationStage.Policy, "MR_SIGNER_SEAM_MISMATCH", "MR_SIGNER_SEAM");
        Pin(policy.ExpectedSeamAttributes, quote.SeamAttributes, AttestationStage.Policy, "SEAM_ATTRIBUTES_MISMATCH", "SEAM_ATTRIBUTES");
        if (policy.MrSeamAllowlist is { } allowed)
        {
            var seam = quote.MrSeam.ToArray();
            if (!allowed.Any(a => seam.AsSpan().SequenceEqual(a)))
            {
                throw Policy("MR_SEAM_NOT_ALLOWED", $"MR_SEAM {Hex.Lower(seam)} is not an allowed TDX module");
            }
        }

        Pin(policy.ExpectedMrTd, quote.MrTd, AttestationStage.Measurement, "MRTD_MISMATCH", "MRTD");
        Pin(policy.ExpectedMrConfigId, quote.MrConfigId, AttestationStage.Policy, "MR_CONFIG_ID_MISMATCH", "MR_CONFIG_ID");
        Pin(policy.ExpectedMrOwner, quote.MrOwner, AttestationStage.Policy, "MR_OWNER_MISMATCH", "MR_OWNER");
        Pin(policy.ExpectedMrOwnerConfig, quote.MrOwnerConfig, AttestationStage.Policy, "MR_OWNER_CONFIG_MISMATCH", "MR_OWNER_CONFIG");
        Pin(policy.ExpectedRtmr3, quote.Rtmr(3), AttestationStage.Measurement, "RTMR3_NONZERO", "RTMR3");
        Pin(policy.ExpectedReportData, quote.ReportData, AttestationStage.Binding, "REPORT_DATA_MISMATCH", "REPORT_DATA");
        if (policy.MinimumTeeTcbSvn is { } minimum)
        {
            var svn = quote.TeeTcbSvn;
            for (var i = 0; i < minimum.Length && i < svn.Length; i++)
            {
                if (svn[i] < minimum[i])
                {
                    throw Policy("TEE_TCB_SVN_BELOW_MINIMUM", $"TEE_TCB_SVN {Hex.Lower(svn)} is below {Hex.Lower(minimum)} at byte {i}");
                }
            }
        }
    }

    private (DerCertificate Pck, DerCertificate Intermediate) VerifyPckChain(TdxQuote quote, DateTimeOffset now)
    {
        List<DerCertificate> chain;
        try
        {
            chain = DerCertificate.ParsePem(quote.PckChainPem);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            throw Chain("PCK_CHAIN_INVALID", "the quote's PCK certificate chain does not parse", ex);
        }

        if (chain.Count != 3)
        {
            throw Chain("PCK_CHAIN_INCOMPLETE", $"the quote carries {chain.Count} PCK certificates, not leaf, CA and root");
        }

        var (pck, intermediate, root) = (chain[0], chain[1], chain[2]);
        if (!root.Raw.AsSpan().SequenceEqual(_root.Raw))
        {
            throw Chain("ROOT_CA_UNTRUSTED", "the PCK chain ends at another root than Intel's SGX root CA");
        }

        if (!pck.Issuer.Span.SequenceEqual(intermediate.Subject.Span) || !intermediate.Issuer.Span.SequenceEqual(_root.Subject.Span) ||
            !pck.IsSignedBy(intermediate) || !intermediate.IsSignedBy(_root))
        {
            throw Chain("PCK_CHAIN_INVALID", "the PCK certificate does not chain to Intel's SGX root CA");
        }

        if (!pck.IsValidAt(now) || !intermediate.IsValidAt(now) || !_root.IsValidAt(now))
        {
            throw Chain("PCK_EXPIRED", $"the PCK chain is not valid at {now:O} (PCK valid {pck.NotBefore:O} to {pck.NotAfter:O})");
        }

        return (pck, intermediate);
    }

    private (string Result, string Status, DateTimeOffset ValidUntil, int EvaluationDataNumber) Evaluate(
        TdxQuote quote, TdxCollateral collateral, PckExtensions pck, DerCertificate pckCertificate, DerCertificate intermediate, DateTimeOffset now, TdxPolicy policy, DateTimeOffset validUntil)
    {
        // TCB info: signed by the TCB signing key, current, for this platform.
        var tcbSigner = SigningCertificate(collateral.TcbInfoIssuerChainPem, now, "TCB_INFO_CHAIN_INVALID", "TCB info");
        var tcbBody = SignedCollateral.Verify(collateral.TcbInfoJson, "tcbInfo", tcbSigner)
            ?? throw Collateral("TCB_INFO_SIGNATURE_INVALID", "the TCB info is not signed by Intel's TCB signing key");
        var tcbInfo = Read(() => TdxTcbInfo.Read(tcbBody), "the TCB info");
        if (tcbInfo.Id != "TDX" || tcbInfo.Version != 3)
        {
            throw Collateral("QV_RESULT_TERMINAL_UNSPECIFIED",
                $"the TCB info is {tcbInfo.Id} version {tcbInfo.Version}, not TDX version 3");
        }

        if (now < tcbInfo.IssueDate || now > tcbInfo.NextUpdate)
        {
            throw Collateral("TCB_INFO_EXPIRED",
                $"the TCB info is current from {tcbInfo.IssueDate:O} to {tcbInfo.NextUpdate:O}, not at {now:O}");
        }

        if (!tcbInfo.Fmspc.AsSpan().SequenceEqual(pck.Fmspc) || !tcbInfo.PceId.AsSpan().SequenceEqual(pck.PceId))
        {
            throw Chain("PCK_FMSPC_MISMATCH",
                $"the TCB info is for FMSPC {Hex.Lower(tcbInfo.Fmspc)}, the PCK certificate for {Hex.Lower(pck.Fmspc)}");
        }

        // QE identity: signed, current, and the quoting enclave is the one it names.
        var qeSigner = collateral.QeIdentityIssuerChainPem is { } qeChain ? SigningCertificate(qeChain, now,
            "QE_IDENTITY_SIGNATURE_INVALID", "QE identity") : tcbSigner;
        var qeBody = SignedCollateral.Verify(collateral.QeIdentityJson, "enclaveIdentity", qeSigner)
            ?? throw Collateral("QE_IDENTITY_SIGNATURE_INVALID", "the QE identity is not signed by Intel's TCB signing key");
        var identity = Read(() => TdxQeIdentity.Read(qeBody), "the QE identity");
        if (identity.Id != "TD_QE")
        {
            throw Collateral("QE_IDENTITY_ID_INVALID", $"the QE identity is for '{identity.Id}', not the TD quoting enclave (TD_QE)");
        }

        if (identity.Version != 2)
        {
            throw Collateral("QE_IDENTITY_VERSION_INVALID", $"QE identity version {identity.Version} is not supported (2 is)");
        }

        if (now < identity.IssueDate || now > identity.NextUpdate)
        {
            throw Collateral("QE_IDENTITY_EXPIRED",
                $"the QE identity is current from {identity.IssueDate:O} to {identity.NextUpdate:O}, not at {now:O}");
        }

        if (policy.MinimumEvaluationDataNumber is { } minimum
            && (tcbInfo.EvaluationDataNumber < minimum || identity.EvaluationDataNumber < minimum))
        {
            throw Collateral("TCB_EVAL_DATA_NUMBER_TOO_LOW",
                $"the collateral's TCB evaluation data numbers ({tcbInfo.EvaluationDataNumber}, {identity.EvaluationDataNumber}) are below {minimum}");
        }

        if (!quote.QeMrSigner.SequenceEqual(identity.MrSigner))
        {
            throw Collateral("QE_IDENTITY_MRSIGNER_MISMATCH", "the quoting enclave is not signed by the key the QE identity names");
        }

        if ((quote.QeMiscSelect & identity.MiscSelectMask) != (identity.MiscSelect & identity.MiscSelectMask) ||
            !SignedCollateral.Masked(quote.QeAttributes, identity.Attributes, identity.AttributesMask)
                || quote.QeIsvProdId != identity.IsvProdId)
        {
            throw Collateral("QE_IDENTITY_FIELD_MISMATCH",
                "the quoting enclave's MISCSELECT, attributes or product id differ from its identity");
        }

        var qeStatus = identity.Levels.FirstOrDefault(l => l.IsvSvn <= quote.QeIsvSvn).Status
            ?? throw Collateral("QE_IDENTITY_FIELD_MISMATCH", $"no QE identity TCB level admits ISV SVN {quote.QeIsvSvn}");

        // Revocation: the root CA's CRL (PCK CA) and the PCK CA's CRL (PCK certificate).
        var rootCrl = ReadCrl(collateral.RootCrl, "root");
        if (!rootCrl.IsIssuedBy(_root))
        {
            throw Chain("PCK_CHAIN_INVALID", "the root CA CRL is not signed by Intel's SGX root CA");
        }

        if (!rootCrl.IsCurrentAt(now))
        {
            throw Chain("ROOT_CRL_EXPIRED",
                $"the root CA CRL is current from {rootCrl.ThisUpdate:O} to {rootCrl.NextUpdate:O}, not at {now:O}");
        }

        if (rootCrl.Revokes(intermediate) || rootCrl.Revokes(tcbSigner) || rootCrl.Revokes(qeSigner))
        {
            throw Chain("INTERMEDIATE_REVOKED", "Intel revoked a CA certificate of the chain");
        }

        var pckCrl = ReadCrl(collateral.PckCrl, "PCK");
        if (!pckCrl.IsIssuedBy(intermediate))
        {
            throw Chain("PCK_CHAIN_INVALID", "the PCK CRL is not signed by the PCK certificate's CA");
        }

        if (!pckCrl.IsCurrentAt(now))
        {
            throw Chain("PCK_CRL_EXPIRED", $"the PCK CRL is current from {pckCrl.ThisUpdate:O} to {pckCrl.NextUpdate:O}, not at {now:O}");
        }

        if (pckCrl.Revokes(pckCertificate))
        {
            throw Chain("PCK_REVOKED", "Intel revoked the PCK certificate");
        }

        // The platform's TCB level, and the TDX module's.
        var level = tcbInfo.Match(pck.SgxComponents, pck.PceSvn, quote.TeeTcbSvn)
            ?? throw Collateral("QV_RESULT_TERMINAL_UNSPECIFIED", "no TCB level of the TCB info admits the platform's TCB");
        var platformStatus = level.Status;
        var moduleStatus = ModuleStatus(quote, tcbInfo);
        var result = Converge(qeStatus, platformStatus, moduleStatus);
        if (result.StartsWith("OUT_OF_DATE", StringComparison.Ordinal) || !policy.AcceptedResults.Contains(result))
        {
            throw Collateral("QV_RESULT_NOT_ACCEPTED_BY_POLICY",
                $"the quote verification result {result} (platform {platformStatus}, QE {qeStatus}) is not accepted");
        }

        var until = new[] { validUntil, tcbInfo.NextUpdate, identity.NextUpdate, rootCrl.NextUpdate ?? DateTimeOffset.MaxValue,
            pckCrl.NextUpdate ?? DateTimeOffset.MaxValue, tcbSigner.NotAfter, qeSigner.NotAfter }.Min();
        return (result, platformStatus, until, Math.Min(tcbInfo.EvaluationDataNumber, identity.EvaluationDataNumber));
    }

    /// <summary>The TDX module's TCB status: from the versioned module identity when TEE_TCB_SVN[1] names one, else the module signer
    /// only.</summary>
    private static string ModuleStatus(TdxQuote quote, TdxTcbInfo tcbInfo)
    {
        var svn = quote.TeeTcbSvn;
        if (svn[1] == 0 || tcbInfo.ModuleIdentities.Count == 0)
        {
            if (tcbInfo.Module is { } module && !module.Admits(quote.MrSignerSeam, quote.SeamAttributes))
            {
                throw Collateral("MR_SIGNER_SEAM_MISMATCH", "the TDX module's signer or attributes are not the TCB info's");
            }

            return "UpToDate";
        }

        var id = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"TDX_{svn[1]:X2}");
        var identity = tcbInfo.ModuleIdentities.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase))
            ?? throw Collateral("QV_RESULT_TERMINAL_UNSPECIFIED", $"the TCB info has no identity for TDX module {id}");
        if (!identity.Admits(quote.MrSignerSeam, quote.SeamAttributes))
        {
            throw Collateral("MR_SIGNER_SEAM_MISMATCH", $"the TDX module's signer or attributes are not those of {id}");
        }

        var moduleSvn = svn[0];
        return identity.Levels.FirstOrDefault(l => l.IsvSvn <= moduleSvn).Status
            ?? throw Collateral("QV_RESULT_TERMINAL_UNSPECIFIED", $"no level of {id} admits TDX module SVN {svn[0]}");
    }

    /// <summary>Intel's convergence of the QE, platform and module statuses into one quote verification result.</summary>
    private static string Converge(string qe, string platform, string module)
    {
        // A status outside Intel's vocabulary is not read as up to date: the QE's and the module's are refused like the platform's.
        if (!KnownStatuses.Contains(qe) || !KnownStatuses.Contains(module))
        {
            throw Collateral("QV_RESULT_TERMINAL_UNSPECIFIED",
                $"TCB status '{(KnownStatuses.Contains(qe) ? module : qe)}' of the {(KnownStatuses.Contains(qe) ? "TDX module" : "quoting enclave")} is not one this verifier knows");
        }

        if (qe == "Revoked" || platform == "Revoked" || module == "Revoked")
        {
            throw Collateral("TCB_REVOKED", "Intel revoked the platform's, the quoting enclave's or the TDX module's TCB");
        }

        var outOfDate = qe == "OutOfDate" || module == "OutOfDate";
        return platform switch
        {
            "UpToDate" => outOfDate ? "OUT_OF_DATE" : "OK",
            "SWHardeningNeeded" => outOfDate ? "OUT_OF_DATE" : "SW_HARDENING_NEEDED",
            "ConfigurationNeeded" => outOfDate ? "OUT_OF_DATE_CONFIG_NEEDED" : "CONFIG_NEEDED",
            "ConfigurationAndSWHardeningNeeded" => outOfDate ? "OUT_OF_DATE_CONFIG_NEEDED" : "CONFIG_AND_SW_HARDENING_NEEDED",
            "OutOfDate" => "OUT_OF_DATE",
            "OutOfDateConfigurationNeeded" => "OUT_OF_DATE_CONFIG_NEEDED",
            _ => throw Collateral("QV_RESULT_TERMINAL_UNSPECIFIED", $"TCB status '{platform}' is not one this verifier knows"),
        };
    }

    /// <summary>The TCB signing certificate: from the issuer chain (signing certificate, then Intel's root), or the built-in one.</summary>
    private DerCertificate SigningCertificate(string? chainPem, DateTimeOffset now, string code, string what)
    {
        DerCertificate signer;
        if (chainPem is null)
        {
            signer = IntelRoots.TcbSigning;
        }
        else
        {
            List<DerCertificate> chain;
            try
            {
                chain = DerCertificate.ParsePem(chainPem);
            }
            catch (Exception ex) when (ex is CryptographicException or FormatException)
            {
                throw Collateral(code, $"the {what} issuer chain does not parse", ex);
            }

            if (chain.Count != 2 || !chain[1].Raw.AsSpan().SequenceEqual(_root.Raw))
            {
                throw Collateral(code, $"the {what} issuer chain is not a signing certificate and Intel's SGX root CA");
            }

            signer = chain[0];
        }

        if (!signer.Issuer.Span.SequenceEqual(_root.Subject.Span) || !signer.IsSignedBy(_root) || !CommonNameIs(signer, TcbSigningName))
        {
            throw Collateral(code, $"the {what} signing certificate is not Intel's TCB signing certificate under the SGX root CA");
        }

        if (!signer.IsValidAt(now))
        {
            throw Collateral(code, $"the {what} signing certificate is not valid at {now:O}");
        }

        return signer;
    }

    private static bool CommonNameIs(DerCertificate certificate, string name)
    {
        var x500 = new System.Security.Cryptography.X509Certificates.X500DistinguishedName(certificate.Subject.ToArray());
        return x500.EnumerateRelativeDistinguishedNames().Any(r => r.GetSingleElementType().Value == "2.5.4.3"
            && r.GetSingleElementValue() == name);
    }

    private static IntelCrl ReadCrl(byte[] der, string which)
    {
        try
        {
            return IntelCrl.Parse(der);
        }
        catch (CryptographicException ex)
        {
            throw Chain("PCK_CHAIN_INVALID", $"the {which} CRL does not parse", ex);
        }
    }

    private static T Read<T>(Func<T> read, string what)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw Collateral("QV_RESULT_TERMINAL_UNSPECIFIED", $"{what} is signed but malformed: {ex.Message}", ex);
        }
    }

    private static bool VerifyQuoteSignature(TdxQuote quote)
    {
        try
        {
            using var key = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = quote.AttestationKey[..32], Y = quote.AttestationKey[32..] },
            });
            return key.VerifyData(quote.SignedBytes, quote.Signature, HashAlgorithmName.SHA256,
                DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (Exception ex) when (ex is CryptographicException or PlatformNotSupportedException)
        {
            return false;
        }
    }

    private static byte[] ToDer(byte[] p1363)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            // DER integers carry no redundant leading zero bytes (AsnWriter refuses them), and a signature
            // component may start with any number of zeros: a hostile quote must not turn that into an exception.
            writer.WriteIntegerUnsigned(Minimal(p1363.AsSpan(0, 32)));
            writer.WriteIntegerUnsigned(Minimal(p1363.AsSpan(32, 32)));
        }

        return writer.Encode();
    }

    private static ReadOnlySpan<byte> Minimal(ReadOnlySpan<byte> value)
    {
        var zeros = value.IndexOfAnyExcept((byte)0);
        return zeros < 0 ? value[^1..] : value[zeros..];
    }

    private static void Pin(byte[]? expected, ReadOnlySpan<byte> actual, AttestationStage stage, string code, string field)
    {
        if (expected is not null && !CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            throw Reject.With(stage, code, $"{field} {Hex.Lower(actual)} is not the expected {Hex.Lower(expected)}");
        }
    }

    private static AttestationException Report(string code, string why) => Reject.With(AttestationStage.Report, code, why);

    private static AttestationException Chain(string code, string why, Exception? inner = null) =>
        Reject.With(AttestationStage.CertificateChain, code, why, inner);

    private static AttestationException Collateral(string code, string why, Exception? inner = null) =>
        Reject.With(AttestationStage.CertificateChain, code, why, inner);

    private static AttestationException Policy(string code, string why) => Reject.With(AttestationStage.Policy, code, why);
}
