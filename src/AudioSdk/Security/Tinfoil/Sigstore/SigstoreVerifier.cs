using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AudioSdk.Security.Tinfoil.Sigstore;

/// <summary>
/// Verifies a Sigstore v0.3 bundle carrying a DSSE in-toto statement: the Fulcio certificate chain to the trusted
/// root at the log's time, its SCTs, the DSSE signature, each Rekor entry (signed entry timestamp, inclusion proof,
/// signed checkpoint, body matching the envelope), the signer identity, and the statement.
/// </summary>
internal static class SigstoreVerifier
{
    private const string OidIssuerV1 = "1.3.6.1.4.1.57264.1.1";
    private const string OidWorkflowRepository = "1.3.6.1.4.1.57264.1.5";
    private const string OidWorkflowRef = "1.3.6.1.4.1.57264.1.6";
    private const string OidIssuerV2 = "1.3.6.1.4.1.57264.1.8";
    private const string OidBuildSignerUri = "1.3.6.1.4.1.57264.1.9";
    private const string OidSourceRepositoryRef = "1.3.6.1.4.1.57264.1.14";
    private const string OidSubjectAltName = "2.5.29.17";
    private const int MaxBundleBytes = 4 << 20;

    /// <summary>Verifies a bundle given as JSON bytes.</summary>
    /// <exception cref="AttestationException">Anything failed (stage Provenance, or Measurement for a subject mismatch).</exception>
    public static SigstoreResult Verify(ReadOnlyMemory<byte> bundleJson, SigstorePolicy policy, SigstoreTrustedRoot root)
    {
        if (bundleJson.Length > MaxBundleBytes)
        {
            throw Malformed("the bundle is too large");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bundleJson, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            throw Malformed("the bundle is not JSON", ex);
        }

        using (document)
        {
            return Verify(document.RootElement, policy, root);
        }
    }

    /// <summary>Verifies a bundle already parsed.</summary>
    public static SigstoreResult Verify(JsonElement bundle, SigstorePolicy policy, SigstoreTrustedRoot root)
    {
        if (bundle.GetString("mediaType") is not ("application/vnd.dev.sigstore.bundle.v0.3+json" or "application/vnd.dev.sigstore.bundle+json;version=0.3"))
        {
            throw Malformed("the bundle is not a v0.3 Sigstore bundle");
        }

        OnlyMembers(bundle, "the bundle", "mediaType", "verificationMaterial", "dsseEnvelope");
        var material = bundle.Get("verificationMaterial") ?? throw Malformed("the bundle has no verificationMaterial");
        OnlyMembers(material, "verificationMaterial", "certificate", "x509CertificateChain", "tlogEntries", "timestampVerificationData");
        if (material.Get("timestampVerificationData") is { } timestamps && timestamps.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("timestampVerificationData is not an object");
        }
        if (material.Get("x509CertificateChain") is not null)
        {
            throw Malformed("the bundle carries an x509CertificateChain; a v0.3 bundle carries one leaf certificate");
        }

        var leafDer = Base64Strict.TryDecode(material.Get("certificate")?.GetString("rawBytes"))
            ?? throw Malformed("the bundle has no certificate");
        var envelope = bundle.Get("dsseEnvelope") ?? throw Malformed("the bundle has no dsseEnvelope");
        OnlyMembers(envelope, "dsseEnvelope", "payload", "payloadType", "signatures");
        var payload = Base64Strict.TryDecode(envelope.GetString("payload")) ?? throw Malformed("the DSSE envelope has no payload");
        var payloadType = envelope.GetString("payloadType") ?? throw Malformed("the DSSE envelope has no payloadType");
        var signatures = envelope.GetArray("signatures").ToList();
        if (signatures.Count != 1)
        {
            throw Reject.With(AttestationStage.Provenance, "DSSE_SIGNATURE_INVALID",
                $"the DSSE envelope has {signatures.Count} signatures; exactly one is accepted");
        }

        var signature = Base64Strict.TryDecode(signatures[0].GetString("sig"))
            ?? throw Reject.With(AttestationStage.Provenance, "DSSE_SIGNATURE_INVALID", "the DSSE signature is not base64");

        var entries = material.GetArray("tlogEntries").ToList();
        if (entries.Count < policy.TlogEntriesMin || (policy.TlogEntriesMax is { } max && entries.Count > max))
        {
            throw Reject.With(AttestationStage.Provenance, "TLOG_COUNT_OUT_OF_RANGE",
                $"the bundle has {entries.Count} transparency-log entries");
        }

        // One log entry listed twice would count twice towards the entry and observer minimums: a bundle names each
        // (log, index) once, compared by value ("7", "007" and 7 are one index). Each entry's own check below refuses
        // what does not parse.
        var named = new HashSet<(string?, long?)>();
        foreach (var entry in entries)
        {
            var log = Base64Strict.TryDecode(entry.Get("logId")?.GetString("keyId")) is { } id ? Convert.ToHexString(id) : null;
            var index = entry.GetInt64InRange("logIndex", 0, long.MaxValue, why => Malformed("a log entry's " + why));
            if (!named.Add((log, index)))
            {
                throw Malformed("the bundle lists the same transparency-log entry twice");
            }
        }

        // integratedTime and the log indexes are outside every signature but the SET's, so they are range-checked before use.
        var logTimes = entries.Select(IntegratedTime).ToList();
        var observed = entries.Where((e, i) => logTimes[i] is > 0
            && e.Get("inclusionPromise")?.GetString("signedEntryTimestamp") is not null).Count();
        if (observed < policy.ObserverTimestampsMin)
        {
            throw Reject.With(AttestationStage.Provenance, "OBSERVER_TIMESTAMP_INSUFFICIENT",
                $"{observed} observer timestamps, {policy.ObserverTimestampsMin} needed");
        }

        var earliest = logTimes.Min()
            ?? throw Reject.With(AttestationStage.Provenance, "OBSERVER_TIMESTAMP_INSUFFICIENT",
            "no transparency-log entry dates the signature");
        var integratedTime = DateTimeOffset.FromUnixTimeSeconds(earliest);

        DerCertificate leaf;
        try
        {
            leaf = DerCertificate.Parse(leafDer);
        }
        catch (CryptographicException ex)
        {
            throw Malformed("the certificate does not parse", ex);
        }

        var issuer = VerifyChain(leaf, integratedTime, root);
        if (!leaf.IsValidAt(integratedTime) || (policy.VerificationTime is { } at && !leaf.IsValidAt(at)))
        {
            throw Reject.With(AttestationStage.Provenance, "CERT_EXPIRED",
                $"the signing certificate is valid from {leaf.NotBefore:O} to {leaf.NotAfter:O}, not at the log time {integratedTime:O}");
        }

        var sctCount = CertificateTransparency.CountVerified(leaf, issuer, root.CtLogKeys);
        if (sctCount < policy.SctMin)
        {
            throw Reject.With(AttestationStage.Provenance, "SCT_INSUFFICIENT", $"{sctCount} verified SCTs, {policy.SctMin} needed");
        }

        // The DSSE signature is ECDSA with SHA-256 (cosign's keyless P-256 keys); a key of another type verifies nothing.
        if (!DerCertificate.VerifyEcdsa(leaf.SubjectPublicKeyInfo.Span, Pae(payloadType, payload), signature, HashAlgorithmName.SHA256))
        {
            throw Reject.With(AttestationStage.Provenance, "DSSE_SIGNATURE_INVALID",
                "the DSSE signature does not verify under the signing certificate");
        }

        byte[]? firstLogId = null;
        foreach (var entry in entries)
        {
            var logId = VerifyEntry(entry, root, leaf, payload, signature);
            firstLogId ??= logId;
        }

        if (!string.Equals(payloadType, policy.PayloadType, StringComparison.Ordinal))
        {
            throw Reject.With(AttestationStage.Provenance, "PAYLOAD_TYPE_MISMATCH",
                $"the payload type is {payloadType}, not {policy.PayloadType}");
        }

        var issuerName = Utf8Extension(leaf, OidIssuerV2) ?? RawExtension(leaf, OidIssuerV1);
        if (issuerName is null || !string.Equals(issuerName, policy.OidcIssuer, StringComparison.Ordinal))
        {
            throw Reject.With(AttestationStage.Provenance, "OIDC_ISSUER_MISMATCH", $"the signer's OIDC issuer is {issuerName ?? "absent"}, not {policy.OidcIssuer}");
        }

        // Fulcio's legacy extensions name the repository and ref; a certificate without them is identified, as Sigstore's own
        // certificate identity matching does, by its SAN: https://github.com/{owner}/{repo}/.github/workflows/{file}@{ref}.
        var san = policy.IdentityFromSan ? WorkflowSan(leaf) : null;
        var repository = RawExtension(leaf, OidWorkflowRepository) ?? san?.Repository;
        if (!string.Equals(repository, policy.Repository, StringComparison.Ordinal))
        {
            throw Reject.With(AttestationStage.Provenance, "WORKFLOW_REPOSITORY_MISMATCH", $"the release was built by {repository ?? "an unnamed repository"}, not {policy.Repository}");
        }

        var workflowRef = RawExtension(leaf, OidWorkflowRef) ?? Utf8Extension(leaf, OidSourceRepositoryRef) ?? san?.Ref;
        if (workflowRef is null || !workflowRef.StartsWith(policy.WorkflowRefPrefix, StringComparison.Ordinal)
            || (policy.WorkflowRefPrefix.Length > 0 && workflowRef.Contains('@', StringComparison.Ordinal)))
        {
            throw Reject.With(AttestationStage.Provenance, "WORKFLOW_REF_PREFIX_MISMATCH", $"the workflow ref {workflowRef ?? "(absent)"} does not start with {policy.WorkflowRefPrefix}");
        }

        var result = InTotoStatement.Read(payload, policy);
        return result with
        {
            OidcIssuer = issuerName,
            WorkflowRepository = repository!,
            WorkflowRef = workflowRef,
            BuildSignerUri = Utf8Extension(leaf, OidBuildSignerUri) ?? san?.Uri,
            RekorLogId = firstLogId!,
            IntegratedTime = integratedTime,
            TlogEntryCount = entries.Count,
            SctCount = sctCount,
        };
    }

    /// <summary>DSSE pre-authentication encoding: "DSSEv1 " len(type) " " type " " len(payload) " " payload.</summary>
    public static byte[] Pae(string payloadType, byte[] payload)
    {
        var type = Encoding.UTF8.GetBytes(payloadType);
        var header = Encoding.UTF8.GetBytes($"DSSEv1 {type.Length} {payloadType} {payload.Length} ");
        var result = new byte[header.Length + payload.Length];
        header.CopyTo(result, 0);
        payload.CopyTo(result, header.Length);
        return result;
    }

    private static DerCertificate VerifyChain(DerCertificate leaf, DateTimeOffset time, SigstoreTrustedRoot root)
    {
        foreach (var authority in root.CertificateAuthorities)
        {
            if (authority.Chain.Count == 0 || !authority.ValidAt(time) || !leaf.IsSignedBy(authority.Chain[0]))
            {
                continue;
            }

            var ok = true;
            for (var i = 0; i < authority.Chain.Count; i++)
            {
                var next = i + 1 < authority.Chain.Count ? authority.Chain[i + 1] : authority.Chain[i];
                ok &= authority.Chain[i].IsSignedBy(next) && authority.Chain[i].IsValidAt(time);
            }

            if (ok)
            {
                return authority.Chain[0];
            }
        }

        throw Reject.With(AttestationStage.Provenance, "FULCIO_CHAIN_INVALID",
            "the signing certificate does not chain to a trusted Fulcio CA valid at the log time");
    }

    private static byte[] VerifyEntry(JsonElement entry, SigstoreTrustedRoot root, DerCertificate leaf, byte[] payload, byte[] signature)
    {
        OnlyMembers(entry, "a log entry", "logIndex", "logId", "kindVersion", "integratedTime", "inclusionPromise", "inclusionProof",
            "canonicalizedBody");
        var logId = Base64Strict.TryDecode(entry.Get("logId")?.GetString("keyId")) ?? throw Malformed("a log entry has no log id");
        var kind = entry.Get("kindVersion");
        if (kind?.GetString("kind") != "dsse" || kind?.GetString("version") != "0.0.1")
        {
            throw Malformed("a log entry is not a dsse 0.0.1 entry");
        }

        var integrated = IntegratedTime(entry) ?? throw Malformed("a log entry has no integrated time");
        var logIndex = entry.GetInt64InRange("logIndex", 0, long.MaxValue, why => Malformed("a log entry's " + why))
            ?? throw Malformed("a log entry has no log index");
        var key = root.RekorKeys.FirstOrDefault(k => k.LogId.AsSpan().SequenceEqual(logId)
            && k.ValidAt(DateTimeOffset.FromUnixTimeSeconds(integrated)))

                ?? throw Reject.With(AttestationStage.Provenance, "REKOR_KEY_NOT_TRUSTED",
                $"log {Hex.Lower(logId)} is not a trusted Rekor log at the entry's time");
        var body = entry.GetString("canonicalizedBody") ?? throw Malformed("a log entry has no body");
        var bodyBytes = Base64Strict.TryDecode(body) ?? throw Malformed("a log entry's body is not base64");
        CheckBodyMatchesEnvelope(bodyBytes, leaf, payload, signature);

        var set = Base64Strict.TryDecode(entry.Get("inclusionPromise")?.GetString("signedEntryTimestamp"));
        if (set is null || !TransparencyLog.VerifySignedEntryTimestamp(key, body, integrated, logId, logIndex, set))
        {
            throw Inclusion("the signed entry timestamp does not verify");
        }

        var proof = entry.Get("inclusionProof") ?? throw Inclusion("the entry has no inclusion proof");
        OnlyMembers(proof, "an inclusion proof", "logIndex", "rootHash", "treeSize", "hashes", "checkpoint");
        var hashes = proof.GetArray("hashes").Select(h =>
            Base64Strict.TryDecode(h.ValueKind == JsonValueKind.String ? h.GetString() : null) ?? []).ToList();
        var rootHash = Base64Strict.TryDecode(proof.GetString("rootHash")) ?? throw Inclusion("the inclusion proof has no root");
        var treeSize = proof.GetInt64InRange("treeSize", 1, long.MaxValue, why => Inclusion("the inclusion proof's " + why))
            ?? throw Inclusion("the inclusion proof has no tree size");
        var proofIndex = proof.GetInt64InRange("logIndex", 0, long.MaxValue, why => Inclusion("the inclusion proof's " + why))
            ?? throw Inclusion("the inclusion proof has no log index");
        var computed = TransparencyLog.RootFromInclusionProof(proofIndex, treeSize, TransparencyLog.LeafHash(bodyBytes), hashes);
        if (computed is null || !computed.AsSpan().SequenceEqual(rootHash))
        {
            throw Reject.With(AttestationStage.Provenance, "REKOR_INCLUSION_INVALID",
                "the inclusion proof does not lead to the stated root");
        }

        var checkpoint = proof.Get("checkpoint")?.GetString("envelope") ?? throw Inclusion("the inclusion proof has no checkpoint");
        var note = TransparencyLog.VerifyCheckpoint(checkpoint, key) ?? throw Inclusion("the checkpoint's signature does not verify");
        if (note.Size != treeSize || !note.Root.AsSpan().SequenceEqual(rootHash))
        {
            throw Reject.With(AttestationStage.Provenance, "CHECKPOINT_ROOT_MISMATCH",
                "the signed checkpoint is for another tree than the proof");
        }

        return logId;
    }

    /// <summary>An entry's integratedTime in Unix seconds, from 0 to the last second a <see cref="DateTimeOffset"/> holds; null when
    /// absent.</summary>
    private static long? IntegratedTime(JsonElement entry) =>
        entry.GetInt64InRange("integratedTime", 0, SafeTime.MaxUnixSeconds, why => Malformed("a log entry's " + why));

    private static void CheckBodyMatchesEnvelope(byte[] bodyBytes, DerCertificate leaf, byte[] payload, byte[] signature)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bodyBytes))
        {
            throw Inclusion("the log entry's body is not UTF-8");
        }

        try
        {
            using var body = JsonDocument.Parse(bodyBytes);
            if (body.RootElement.GetString("kind") != "dsse" || body.RootElement.GetString("apiVersion") != "0.0.1")
            {
                throw Inclusion("the log entry's body is not a dsse 0.0.1 entry");
            }

            var spec = body.RootElement.Get("spec") ?? throw Inclusion("the log entry has no spec");
            var payloadHash = spec.Get("payloadHash")?.GetString("value");
            if (!string.Equals(payloadHash, Hex.Lower(SHA256.HashData(payload)), StringComparison.Ordinal))
            {
                throw Inclusion("the log entry is for another payload");
            }

            var signed = spec.GetArray("signatures").ToList();
            if (signed.Count != 1 || Base64Strict.TryDecode(signed[0].GetString("signature")) is not { } logged
                || !logged.AsSpan().SequenceEqual(signature))
            {
                throw Inclusion("the log entry is for another signature");
            }

            var verifier = Base64Strict.TryDecode(signed[0].GetString("verifier"));
            var certificates = verifier is null ? [] : DerCertificate.ParsePem(Encoding.ASCII.GetString(verifier));
            if (certificates.Count != 1 || !certificates[0].Raw.AsSpan().SequenceEqual(leaf.Raw))
            {
                throw Inclusion("the log entry names another signing certificate");
            }
        }
        catch (JsonException ex)
        {
            throw Reject.With(AttestationStage.Provenance, "REKOR_INCLUSION_INVALID", "the log entry's body is not JSON", ex);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or InvalidOperationException)
        {
            throw Reject.With(AttestationStage.Provenance, "REKOR_INCLUSION_INVALID", "the log entry's body or certificate is malformed",
                ex);
        }
    }

    private static void OnlyMembers(JsonElement element, string what, params string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Malformed($"{what} is not an object");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (Array.IndexOf(allowed, property.Name) < 0)
            {
                throw Malformed($"{what} has an unknown member '{property.Name}'");
            }
        }
    }

    private static string? RawExtension(DerCertificate cert, string oid) =>
        cert.Extensions.TryGetValue(oid, out var value) ? Encoding.UTF8.GetString(value.Span) : null;

    private static string? Utf8Extension(DerCertificate cert, string oid)
    {
        if (!cert.Extensions.TryGetValue(oid, out var value))
        {
            return null;
        }

        try
        {
            return new AsnReader(value, AsnEncodingRules.DER).ReadCharacterString(UniversalTagNumber.UTF8String);
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>The signer's GitHub workflow identity from the certificate's single SAN URI, or null when it is not one.</summary>
    private static (string Uri, string Repository, string Ref)? WorkflowSan(DerCertificate cert)
    {
        if (!cert.Extensions.TryGetValue(OidSubjectAltName, out var value))
        {
            return null;
        }

        try
        {
            var names = new AsnReader(value, AsnEncodingRules.DER).ReadSequence();
            var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
            if (!names.PeekTag().HasSameClassAndValue(uriTag))
            {
                return null;
            }

            var uri = names.ReadCharacterString(UniversalTagNumber.IA5String, uriTag);
            const string Prefix = "https://github.com/";
            var at = uri.IndexOf('@', StringComparison.Ordinal);
            var workflows = uri.IndexOf("/.github/workflows/", StringComparison.Ordinal);
            if (names.HasData || !uri.StartsWith(Prefix, StringComparison.Ordinal) || workflows < 0 || at < workflows)
            {
                return null;
            }

            var repository = uri[Prefix.Length..workflows];
            return repository.Split('/') is [{ Length: > 0 }, { Length: > 0 }] ? (uri, repository, uri[(at + 1)..]) : null;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    private static AttestationException Malformed(string why, Exception? inner = null) =>
        Reject.With(AttestationStage.Provenance, "BUNDLE_MALFORMED", why, inner);

    private static AttestationException Inclusion(string why) => Reject.With(AttestationStage.Provenance, "REKOR_INCLUSION_INVALID", why);
}
