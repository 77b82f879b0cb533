using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Sigstore;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The Sigstore bundle check on the real signed release bundle of the captured document: it verifies under the
/// production root, and each policy rule, each trust-root part and each bundle member that is changed (or each
/// check the bundle must pass, with the policy asking more) is refused with its own code, and where two checks
/// share a code, with its own reason.
/// </summary>
public sealed class SigstoreVerifierTests
{
    private const string Repository = "tinfoilsh/confidential-model-router";
    private const string Digest = "7dcf6bade47993752689e9574ae6fba39ebed0fa98427329fc184558488ad8f6";
    private static readonly DateTimeOffset LogTime = DateTimeOffset.FromUnixTimeSeconds(1786661855);

    private static SigstorePolicy Policy => new() { Repository = Repository, SubjectDigest = Digest };

    [Fact]
    public void RealBundle_Verifies_WithWhatItEstablishes()
    {
        var result = Verify(Bundle());

        Assert.Equal(Repository, result.WorkflowRepository);
        Assert.Equal("refs/tags/v0.0.141", result.WorkflowRef);
        Assert.Equal(SigstorePolicy.GitHubActionsIssuer, result.OidcIssuer);
        Assert.StartsWith("https://github.com/tinfoilsh/confidential-model-router/", result.BuildSignerUri, StringComparison.Ordinal);
        Assert.Equal(LogTime, result.IntegratedTime);
        Assert.Equal(1, result.TlogEntryCount);
        Assert.Equal(1, result.SctCount);
        Assert.Equal(Convert.FromBase64String("wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0="), result.RekorLogId);
        Assert.Equal(Digest, result.SubjectDigest);
        Assert.Equal(Measurement.SnpTdxMultiPlatformV1, result.PredicateType);
        Assert.NotNull(result.Measurement);
        Assert.Equal(Verify(Bundle(b => b["mediaType"] = "application/vnd.dev.sigstore.bundle+json;version=0.3")).IntegratedTime, LogTime);
        Verify(Bundle(b => b["verificationMaterial"]!["timestampVerificationData"] = new JsonObject()));
        Verify(Bundle(b => b["verificationMaterial"]!.AsObject().Remove("timestampVerificationData")));
    }

    public static TheoryData<string, string> PolicyRefusals() => new()
    {
        { "issuer", "OIDC_ISSUER_MISMATCH" }, { "repository", "WORKFLOW_REPOSITORY_MISMATCH" }, { "ref-heads", "WORKFLOW_REF_PREFIX_MISMATCH" },
        { "ref-longer", "WORKFLOW_REF_PREFIX_MISMATCH" }, { "payload-type", "PAYLOAD_TYPE_MISMATCH" }, { "tlog-min", "TLOG_COUNT_OUT_OF_RANGE" },
        { "tlog-max", "TLOG_COUNT_OUT_OF_RANGE" }, { "sct-min", "SCT_INSUFFICIENT" }, { "observers", "OBSERVER_TIMESTAMP_INSUFFICIENT" },
        { "after-expiry", "CERT_EXPIRED" }, { "before-issue", "CERT_EXPIRED" }, { "digest", "SUBJECT_DIGEST_MISMATCH" }, { "predicate", "PREDICATE_TYPE_NOT_ALLOWED" },
        { "statement", "IN_TOTO_STATEMENT_TYPE_NOT_ALLOWED" },
    };

    [Theory]
    [MemberData(nameof(PolicyRefusals))]
    public void PolicyAskingMoreThanTheBundleHas_IsRefused(string rule, string code)
    {
        var leaf = Leaf();
        var policy = rule switch
        {
            "issuer" => Policy with { OidcIssuer = "https://accounts.google.com" },
            "repository" => Policy with { Repository = "tinfoilsh/other" },
            "ref-heads" => Policy with { WorkflowRefPrefix = "refs/heads/" },
            "ref-longer" => Policy with { WorkflowRefPrefix = "refs/tags/v1" },
            "payload-type" => Policy with { PayloadType = "application/json" },
            "tlog-min" => Policy with { TlogEntriesMin = 2 },
            "tlog-max" => Policy with { TlogEntriesMax = 0 },
            "sct-min" => Policy with { SctMin = 2 },
            "observers" => Policy with { ObserverTimestampsMin = 2 },
            "after-expiry" => Policy with { VerificationTime = leaf.NotAfter.AddSeconds(1) },
            "before-issue" => Policy with { VerificationTime = leaf.NotBefore.AddSeconds(-1) },
            "digest" => Policy with { SubjectDigest = new string('0', 64) },
            "predicate" => Policy with { PredicateTypes = [] },
            _ => Policy with { StatementTypes = ["https://in-toto.io/Statement/v0.1"] },
        };

        Refused(Bundle(), code, policy: policy);
    }

    [Fact]
    public void PolicyAtItsBounds_Accepts()
    {
        var leaf = Leaf();
        foreach (var policy in new[]
        {
            Policy with { TlogEntriesMax = 1, TlogEntriesMin = 1, SctMin = 1, ObserverTimestampsMin = 1 },
            Policy with { TlogEntriesMin = 0, SctMin = 0, ObserverTimestampsMin = 0 },
            Policy with { VerificationTime = leaf.NotAfter },
            Policy with { VerificationTime = leaf.NotBefore },
            Policy with { WorkflowRefPrefix = "refs/tags/v0.0.141" },
            Policy with { WorkflowRefPrefix = string.Empty },
            Policy with { SubjectDigest = Digest.ToUpperInvariant() },
            Policy with { PredicateTypes = null, StatementTypes = ["https://in-toto.io/Statement/v1"] },
        })
        {
            Assert.Equal(Repository, Verify(Bundle(), policy).WorkflowRepository);
        }
    }

    public static TheoryData<string, string, string> RootRefusals() => new()
    {
        { "no-tlogs", "REKOR_KEY_NOT_TRUSTED", "not a trusted Rekor log" },
        { "tlog-later", "REKOR_KEY_NOT_TRUSTED", "not a trusted Rekor log" },
        { "tlog-ended", "REKOR_KEY_NOT_TRUSTED", "not a trusted Rekor log" },
        { "tlog-other-key", "REKOR_INCLUSION_INVALID", "signed entry timestamp" },
        { "no-ctlogs", "SCT_INSUFFICIENT", "0 verified SCTs" },
        { "no-cas", "FULCIO_CHAIN_INVALID", "trusted Fulcio CA" },
        { "ca-ended", "FULCIO_CHAIN_INVALID", "trusted Fulcio CA" },
        { "ca-later", "FULCIO_CHAIN_INVALID", "trusted Fulcio CA" },
        { "ca-root-only", "FULCIO_CHAIN_INVALID", "trusted Fulcio CA" },
        { "ca-reversed", "FULCIO_CHAIN_INVALID", "trusted Fulcio CA" },
        { "ca-other-root", "FULCIO_CHAIN_INVALID", "trusted Fulcio CA" },
        { "ca-empty", "FULCIO_CHAIN_INVALID", "trusted Fulcio CA" },
    };

    [Theory]
    [MemberData(nameof(RootRefusals))]
    public void TrustRootWithoutWhatTheBundleNeeds_IsRefused(string change, string code, string reason)
    {
        var root = RootJson();
        var rekor = root["tlogs"]!.AsArray().Single(t => t!["baseUrl"]!.GetValue<string>() == "https://rekor.sigstore.dev")!;
        var ca = root["certificateAuthorities"]![1]!;
        var chain = ca["certChain"]!["certificates"]!.AsArray();
        switch (change)
        {
            case "no-tlogs": root["tlogs"] = new JsonArray(); break;
            case "tlog-later": rekor["publicKey"]!["validFor"]!["start"] = "2026-08-13T22:57:36Z"; break;
            case "tlog-ended": rekor["publicKey"]!["validFor"]!["end"] = "2026-08-13T22:57:34Z"; break;
            case "tlog-other-key": rekor["publicKey"]!["rawBytes"] = root["tlogs"]![1]!["publicKey"]!["rawBytes"]!.DeepClone(); break;
            case "no-ctlogs": root["ctlogs"] = new JsonArray(); break;
            case "no-cas": root["certificateAuthorities"] = new JsonArray(); break;
            case "ca-ended": ca["validFor"]!["end"] = "2026-08-13T22:57:34Z"; break;
            case "ca-later": ca["validFor"]!["start"] = "2026-08-13T22:57:36Z"; break;
            case "ca-root-only": chain.RemoveAt(0); break;
            case "ca-reversed": var first = chain[0]!.DeepClone(); chain.RemoveAt(0); chain.Add(first); break;
            case "ca-other-root": chain[1] = root["certificateAuthorities"]![0]!["certChain"]!["certificates"]![0]!.DeepClone(); break;
            case "ca-empty": chain.Clear(); break;
        }

        var ex = Refused(Bundle(), code, root: SigstoreTrustedRoot.Parse(Encoding.UTF8.GetBytes(root.ToJsonString())));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrustRootWindows_IncludeTheirBounds()
    {
        var root = RootJson();
        var rekor = root["tlogs"]!.AsArray().Single(t => t!["baseUrl"]!.GetValue<string>() == "https://rekor.sigstore.dev")!;
        rekor["publicKey"]!["validFor"]!["start"] = "2026-08-13T22:57:35Z";
        rekor["publicKey"]!["validFor"]!["end"] = "2026-08-13T22:57:35Z";
        var ca = root["certificateAuthorities"]![1]!;
        ca["validFor"]!["start"] = "2026-08-13T22:57:35Z";
        ca["validFor"]!["end"] = "2026-08-13T22:57:35Z";
        Assert.Equal(DateTimeOffset.Parse("2026-08-13T22:57:35Z", System.Globalization.CultureInfo.InvariantCulture), LogTime);
        Verify(Bundle(), Policy, SigstoreTrustedRoot.Parse(Encoding.UTF8.GetBytes(root.ToJsonString())));
    }

    public static TheoryData<string, string, string> BundleRefusals() => new()
    {
        { "media-type", "BUNDLE_MALFORMED", "v0.3" },
        { "no-media-type", "BUNDLE_MALFORMED", "v0.3" },
        { "unknown-member", "BUNDLE_MALFORMED", "the bundle has an unknown member 'extra'" },
        { "material-unknown-member", "BUNDLE_MALFORMED", "verificationMaterial has an unknown member 'extra'" },
        { "envelope-unknown-member", "BUNDLE_MALFORMED", "dsseEnvelope has an unknown member 'extra'" },
        { "entry-unknown-member", "BUNDLE_MALFORMED", "a log entry has an unknown member 'extra'" },
        { "proof-unknown-member", "BUNDLE_MALFORMED", "an inclusion proof has an unknown member 'extra'" },
        { "no-material", "BUNDLE_MALFORMED", "verificationMaterial" },
        { "material-array", "BUNDLE_MALFORMED", "not an object" },
        { "timestamps-array", "BUNDLE_MALFORMED", "timestampVerificationData" },
        { "chain", "BUNDLE_MALFORMED", "a v0.3 bundle carries one leaf certificate" },
        { "no-certificate", "BUNDLE_MALFORMED", "no certificate" },
        { "certificate-junk", "BUNDLE_MALFORMED", "does not parse" },
        { "no-envelope", "BUNDLE_MALFORMED", "dsseEnvelope" },
        { "no-payload", "BUNDLE_MALFORMED", "payload" },
        { "no-payload-type", "BUNDLE_MALFORMED", "payloadType" },
        { "no-signatures", "DSSE_SIGNATURE_INVALID", "0 signatures" },
        { "two-signatures", "DSSE_SIGNATURE_INVALID", "2 signatures" },
        { "signature-not-base64", "DSSE_SIGNATURE_INVALID", "not base64" },
        { "signature-changed", "DSSE_SIGNATURE_INVALID", "does not verify" },
        { "payload-type-changed", "DSSE_SIGNATURE_INVALID", "does not verify" },
        { "no-entries", "TLOG_COUNT_OUT_OF_RANGE", "0 transparency-log" },
        { "two-entries", "TLOG_COUNT_OUT_OF_RANGE", "2 transparency-log" },
        { "no-set", "OBSERVER_TIMESTAMP_INSUFFICIENT", "0 observer" },
        { "no-time", "OBSERVER_TIMESTAMP_INSUFFICIENT", "0 observer" },
        { "no-log-id", "BUNDLE_MALFORMED", "no log id" },
        { "kind", "BUNDLE_MALFORMED", "dsse 0.0.1" },
        { "kind-version", "BUNDLE_MALFORMED", "dsse 0.0.1" },
        { "no-log-index", "BUNDLE_MALFORMED", "no log index" },
        { "no-body", "BUNDLE_MALFORMED", "no body" },
        { "body-not-base64", "BUNDLE_MALFORMED", "not base64" },
        { "set-changed", "REKOR_INCLUSION_INVALID", "signed entry timestamp" },
        { "set-not-base64", "REKOR_INCLUSION_INVALID", "signed entry timestamp" },
        { "time-changed", "REKOR_INCLUSION_INVALID", "signed entry timestamp" },
        { "index-changed", "REKOR_INCLUSION_INVALID", "signed entry timestamp" },
        { "no-proof", "REKOR_INCLUSION_INVALID", "no inclusion proof" },
        { "root-changed", "REKOR_INCLUSION_INVALID", "stated root" },
        { "no-root", "REKOR_INCLUSION_INVALID", "no root" },
        { "hash-changed", "REKOR_INCLUSION_INVALID", "stated root" },
        { "hash-not-string", "REKOR_INCLUSION_INVALID", "stated root" },
        { "proof-index-changed", "REKOR_INCLUSION_INVALID", "stated root" },
        { "tree-size-changed", "REKOR_INCLUSION_INVALID", "stated root" },
        { "no-checkpoint", "REKOR_INCLUSION_INVALID", "no checkpoint" },
        { "no-tree-size", "REKOR_INCLUSION_INVALID", "the inclusion proof has no tree size" },
        { "no-proof-index", "REKOR_INCLUSION_INVALID", "the inclusion proof has no log index" },
        { "checkpoint-changed", "REKOR_INCLUSION_INVALID", "checkpoint's signature" },
        { "body-not-utf8", "REKOR_INCLUSION_INVALID", "not UTF-8" },
        { "body-not-json", "REKOR_INCLUSION_INVALID", "not JSON" },
        { "body-kind", "REKOR_INCLUSION_INVALID", "not a dsse 0.0.1 entry" },
        { "body-api-version", "REKOR_INCLUSION_INVALID", "not a dsse 0.0.1 entry" },
        { "body-no-spec", "REKOR_INCLUSION_INVALID", "no spec" },
        { "body-payload-hash", "REKOR_INCLUSION_INVALID", "another payload" },
        { "body-two-signatures", "REKOR_INCLUSION_INVALID", "another signature" },
        { "body-signature", "REKOR_INCLUSION_INVALID", "another signature" },
        { "body-verifier", "REKOR_INCLUSION_INVALID", "another signing certificate" },
        { "body-no-verifier", "REKOR_INCLUSION_INVALID", "another signing certificate" },
        { "body-verifier-junk", "REKOR_INCLUSION_INVALID", "malformed" },
    };

    [Theory]
    [MemberData(nameof(BundleRefusals))]
    public void ChangedBundle_IsRefusedWithItsReason(string change, string code, string reason)
    {
        var bundle = Bundle(b =>
        {
            var material = b["verificationMaterial"]!.AsObject();
            var envelope = b["dsseEnvelope"]!.AsObject();
            var entry = material["tlogEntries"]![0]!.AsObject();
            var proof = entry["inclusionProof"]!.AsObject();
            switch (change)
            {
                case "media-type": b["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.2+json"; break;
                case "no-media-type": b.Remove("mediaType"); break;
                case "unknown-member": b["extra"] = 1; break;
                case "material-unknown-member": material["extra"] = 1; break;
                case "envelope-unknown-member": envelope["extra"] = 1; break;
                case "entry-unknown-member": entry["extra"] = 1; break;
                case "proof-unknown-member": proof["extra"] = 1; break;
                case "no-material": b.Remove("verificationMaterial"); break;
                case "material-array": b["verificationMaterial"] = new JsonArray(); break;
                case "timestamps-array": material["timestampVerificationData"] = new JsonArray(); break;
                case "chain": material["x509CertificateChain"] = new JsonObject(); break;
                case "no-certificate": material.Remove("certificate"); break;
                case "certificate-junk": material["certificate"]!["rawBytes"] = Convert.ToBase64String([0x30, 0x03, 0x02, 0x01, 0x00]); break;
                case "no-envelope": b.Remove("dsseEnvelope"); break;
                case "no-payload": envelope.Remove("payload"); break;
                case "no-payload-type": envelope.Remove("payloadType"); break;
                case "no-signatures": envelope["signatures"] = new JsonArray(); break;
                case "two-signatures": envelope["signatures"]!.AsArray().Add(envelope["signatures"]![0]!.DeepClone()); break;
                case "signature-not-base64": envelope["signatures"]![0]!["sig"] = "not base64!"; break;
                case "signature-changed": envelope["signatures"]![0]!["sig"] = Flip(envelope["signatures"]![0]!["sig"]!.GetValue<string>(), 40); break;
                case "payload-type-changed": envelope["payloadType"] = "application/json"; break;
                case "no-entries": material["tlogEntries"] = new JsonArray(); break;
                case "two-entries": material["tlogEntries"]!.AsArray().Add(entry.DeepClone()); break;
                case "no-set": entry.Remove("inclusionPromise"); break;
                case "no-time": entry.Remove("integratedTime"); break;
                case "no-log-id": entry.Remove("logId"); break;
                case "kind": entry["kindVersion"]!["kind"] = "intoto"; break;
                case "kind-version": entry["kindVersion"]!["version"] = "0.0.2"; break;
                case "no-log-index": entry.Remove("logIndex"); break;
                case "no-body": entry.Remove("canonicalizedBody"); break;
                case "body-not-base64": entry["canonicalizedBody"] = "%%%%"; break;
                case "set-changed": entry["inclusionPromise"]!["signedEntryTimestamp"] = Flip(entry["inclusionPromise"]!["signedEntryTimestamp"]!.GetValue<string>(), 40); break;
                case "set-not-base64": entry["inclusionPromise"]!["signedEntryTimestamp"] = "%%%%"; break;
                case "time-changed": entry["integratedTime"] = "1786661856"; break;
                case "index-changed": entry["logIndex"] = "2457544618"; break;
                case "no-proof": entry.Remove("inclusionProof"); break;
                case "root-changed": proof["rootHash"] = Flip(proof["rootHash"]!.GetValue<string>(), 0); break;
                case "no-root": proof.Remove("rootHash"); break;
                case "hash-changed": proof["hashes"]![0] = Flip(proof["hashes"]![0]!.GetValue<string>(), 0); break;
                case "hash-not-string": proof["hashes"]![0] = 1; break;
                case "proof-index-changed": proof["logIndex"] = "2335640354"; break;
                case "tree-size-changed": proof["treeSize"] = "2335640357"; break;
                case "no-checkpoint": proof.Remove("checkpoint"); break;
                case "no-tree-size": proof.Remove("treeSize"); break;
                case "no-proof-index": proof.Remove("logIndex"); break;
                case "checkpoint-changed": proof["checkpoint"]!["envelope"] = proof["checkpoint"]!["envelope"]!.GetValue<string>().Replace("2335640356", "2335640357", StringComparison.Ordinal); break;
                default: entry["canonicalizedBody"] = ChangeBody(entry["canonicalizedBody"]!.GetValue<string>(), change); break;
            }
        });

        // Two copies of one entry are one observation: a policy that allows one entry refuses them.
        var ex = Refused(bundle, code, policy: change == "two-entries" ? Policy with { TlogEntriesMax = 1 } : null);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(2, true)]
    public void OneLogEntryListedTwice_IsRefused_NotCountedTwice(int tlogEntriesMin, bool indexAsNumber)
    {
        var bundle = Bundle(b =>
        {
            var entries = b["verificationMaterial"]!["tlogEntries"]!.AsArray();
            var copy = entries[0]!.DeepClone();
            if (indexAsNumber)
            {
                copy["logIndex"] = long.Parse(copy["logIndex"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            }

            entries.Add(copy);
        });

        var ex = Refused(bundle, "BUNDLE_MALFORMED", policy: Policy with { TlogEntriesMin = tlogEntriesMin });
        Assert.Contains("entry twice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BundleThatIsNotJsonOrTooLarge_IsMalformed()
    {
        Assert.Contains("not JSON", Refused("{"u8.ToArray(), "BUNDLE_MALFORMED").Message, StringComparison.Ordinal);
        Assert.Contains("too large", Refused(new byte[(4 << 20) + 1], "BUNDLE_MALFORMED").Message, StringComparison.Ordinal);
        Assert.Contains("v0.3", Refused("[]"u8.ToArray(), "BUNDLE_MALFORMED").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pae_IsTheDsseEncoding()
    {
        Assert.Equal(Encoding.UTF8.GetBytes("DSSEv1 6 a/b\u221a 3 xyz"), SigstoreVerifier.Pae("a/b\u221a", "xyz"u8.ToArray()));
        Assert.Equal(Encoding.UTF8.GetBytes("DSSEv1 0  0 "), SigstoreVerifier.Pae(string.Empty, []));
    }

    [Fact]
    public void ACheckpointForAnotherTreeThanTheProof_IsRefused()
    {
        using var rekor = new SyntheticRekor();
        Assert.Equal(LogTime, Verify(rekor.Bundle(), root: rekor.Root).IntegratedTime);
        foreach (var (size, otherRoot) in new[] { (2L, false), (1L, true) })
        {
            var ex = Refused(rekor.Bundle(checkpointSize: size, checkpointOtherRoot: otherRoot), "CHECKPOINT_ROOT_MISMATCH", root: rekor.Root);
            Assert.Contains("the signed checkpoint is for another tree than the proof", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EntriesOfTwoLogs_AreEachVerified_TheEarliestDatesTheSignature_AndTheFirstNamesTheLog()
    {
        using var rekor = new SyntheticRekor();
        var later = DateTimeOffset.FromUnixTimeSeconds(1786661855 + 30);
        var result = Verify(rekor.Bundle(second: (later, true)), Policy with { TlogEntriesMax = 2 }, rekor.Root);
        Assert.Equal(LogTime, result.IntegratedTime);
        Assert.Equal(2, result.TlogEntryCount);
        Assert.Equal(Convert.FromBase64String("wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0="), result.RekorLogId);

        // The same index in another log is another entry; the entry without a time is refused when its turn comes.
        var undated = Refused(rekor.Bundle(second: (null, true)), "BUNDLE_MALFORMED", policy: Policy with { TlogEntriesMax = 2 }, root: rekor.Root);
        Assert.Contains("a log entry has no integrated time", undated.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LogTimes_ThatDateNothing_AreNoObservation()
    {
        var zero = Refused(Bundle(b => b["verificationMaterial"]!["tlogEntries"]![0]!["integratedTime"] = "0"), "OBSERVER_TIMESTAMP_INSUFFICIENT");
        Assert.Contains("0 observer timestamps, 1 needed", zero.Message, StringComparison.Ordinal);
        var none = Refused(Bundle(b => b["verificationMaterial"]!["tlogEntries"]![0]!.AsObject().Remove("integratedTime")), "OBSERVER_TIMESTAMP_INSUFFICIENT", policy: Policy with { ObserverTimestampsMin = 0 });
        Assert.Contains("no transparency-log entry dates the signature", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABundleAtTheSizeLimit_IsParsed_AndNestingPast32_IsNotJson()
    {
        var padded = new byte[4 << 20];
        padded.AsSpan().Fill((byte)' ');
        "[]"u8.CopyTo(padded);
        Assert.Contains("v0.3", Refused(padded, "BUNDLE_MALFORMED").Message, StringComparison.Ordinal);
        Assert.Contains("not JSON", Refused(Encoding.ASCII.GetBytes(new string('[', 33) + new string(']', 33)), "BUNDLE_MALFORMED").Message, StringComparison.Ordinal);
        Assert.Contains("v0.3", Refused(Encoding.ASCII.GetBytes(new string('[', 32) + new string(']', 32)), "BUNDLE_MALFORMED").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PolicyRefusals_NameWhatTheSignerIs()
    {
        var leaf = Leaf();
        (SigstorePolicy Policy, string Reason)[] cases =
        [
            (Policy with { OidcIssuer = "https://accounts.google.com" }, "the signer's OIDC issuer is https://token.actions.githubusercontent.com, not https://accounts.google.com"),
            (Policy with { Repository = "tinfoilsh/other" }, "the release was built by tinfoilsh/confidential-model-router, not tinfoilsh/other"),
            (Policy with { WorkflowRefPrefix = "refs/heads/" }, "the workflow ref refs/tags/v0.0.141 does not start with refs/heads/"),
            (Policy with { PayloadType = "application/json" }, "the payload type is application/vnd.in-toto+json, not application/json"),
            (Policy with { VerificationTime = leaf.NotAfter.AddSeconds(1) }, $"the signing certificate is valid from {leaf.NotBefore:O} to {leaf.NotAfter:O}, not at the log time {LogTime:O}"),
        ];
        foreach (var (policy, reason) in cases)
        {
            var ex = Assert.ThrowsAny<AttestationException>(() => Verify(Bundle(), policy));
            Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The real bundle's entry re-signed by a Rekor key the test holds (the trust root names it under the real log id):
    /// a one-leaf tree whose root is the entry's leaf hash, a checkpoint that may name another tree, and optionally a
    /// second entry from a second log with the same index.
    /// </summary>
    private sealed class SyntheticRekor : IDisposable
    {
        private static readonly byte[] SecondLogId = Enumerable.Repeat((byte)0x5A, 32).ToArray();
        private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        public SyntheticRekor()
        {
            var root = RootJson();
            var spki = Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo());
            var rekor = root["tlogs"]!.AsArray().Single(t => t!["baseUrl"]!.GetValue<string>() == "https://rekor.sigstore.dev")!;
            rekor["publicKey"]!["rawBytes"] = spki;
            var second = rekor.DeepClone();
            second["logId"]!["keyId"] = Convert.ToBase64String(SecondLogId);
            root["tlogs"]!.AsArray().Add(second);
            Root = SigstoreTrustedRoot.Parse(Encoding.UTF8.GetBytes(root.ToJsonString()));
        }

        public SigstoreTrustedRoot Root { get; }

        public void Dispose() => _key.Dispose();

        public byte[] Bundle(long checkpointSize = 1, bool checkpointOtherRoot = false, (DateTimeOffset? Time, bool OtherLog)? second = null) => SigstoreVerifierTests.Bundle(b =>
        {
            var entries = b["verificationMaterial"]!["tlogEntries"]!.AsArray();
            var entry = entries[0]!.AsObject();
            Resign(entry, checkpointSize, checkpointOtherRoot);
            if (second is { } s)
            {
                var copy = entry.DeepClone().AsObject();
                if (s.OtherLog)
                {
                    copy["logId"]!["keyId"] = Convert.ToBase64String(SecondLogId);
                }

                if (s.Time is { } time)
                {
                    copy["integratedTime"] = time.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                else
                {
                    copy.Remove("integratedTime");
                }

                Resign(copy, 1, false);
                entries.Add(copy);
            }
        });

        private void Resign(JsonObject entry, long checkpointSize, bool checkpointOtherRoot)
        {
            var body = entry["canonicalizedBody"]!.GetValue<string>();
            var logId = Convert.FromBase64String(entry["logId"]!["keyId"]!.GetValue<string>());
            var index = entry["logIndex"]!.GetValue<string>();
            var time = entry["integratedTime"]?.GetValue<string>() ?? "0";
            var canonical = $"{{\"body\":\"{body}\",\"integratedTime\":{time},\"logID\":\"{Convert.ToHexString(logId).ToLowerInvariant()}\",\"logIndex\":{index}}}";
            entry["inclusionPromise"]!["signedEntryTimestamp"] = Convert.ToBase64String(_key.SignData(Encoding.UTF8.GetBytes(canonical), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

            var leaf = TransparencyLog.LeafHash(Convert.FromBase64String(body));
            var proof = entry["inclusionProof"]!.AsObject();
            proof["logIndex"] = "0";
            proof["treeSize"] = "1";
            proof["hashes"] = new JsonArray();
            proof["rootHash"] = Convert.ToBase64String(leaf);
            var noted = checkpointOtherRoot ? SHA256.HashData(leaf) : leaf;
            var text = $"rekor.sigstore.dev - 1193050959916656506\n{checkpointSize}\n{Convert.ToBase64String(noted)}\n";
            var signature = _key.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            proof["checkpoint"]!["envelope"] = $"{text}\n\u2014 rekor.sigstore.dev {Convert.ToBase64String([.. logId.AsSpan(0, 4), .. signature])}\n";
        }
    }

    private static string ChangeBody(string base64, string change)
    {
        if (change == "body-not-utf8")
        {
            return Convert.ToBase64String([0xFF, 0xFE, 0x7B]);
        }

        if (change == "body-not-json")
        {
            return Convert.ToBase64String("{\"kind\":"u8);
        }

        var body = JsonNode.Parse(Convert.FromBase64String(base64))!.AsObject();
        var spec = body["spec"]!.AsObject();
        var signature = spec["signatures"]![0]!.AsObject();
        switch (change)
        {
            case "body-kind": body["kind"] = "intoto"; break;
            case "body-api-version": body["apiVersion"] = "0.0.2"; break;
            case "body-no-spec": body.Remove("spec"); break;
            case "body-payload-hash": spec["payloadHash"]!["value"] = new string('0', 64); break;
            case "body-two-signatures": spec["signatures"]!.AsArray().Add(signature.DeepClone()); break;
            case "body-signature": signature["signature"] = Flip(signature["signature"]!.GetValue<string>(), 40); break;
            case "body-verifier": signature["verifier"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(TinfoilRoots.MilanChainPem)); break;
            case "body-no-verifier": signature.Remove("verifier"); break;
            case "body-verifier-junk": signature["verifier"] = Convert.ToBase64String("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"u8); break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, "unknown change");
        }

        return Convert.ToBase64String(Encoding.UTF8.GetBytes(body.ToJsonString()));
    }

    private static string Flip(string base64, int at)
    {
        var bytes = Convert.FromBase64String(base64);
        bytes[at] ^= 1;
        return Convert.ToBase64String(bytes);
    }

    private static DerCertificate Leaf() => DerCertificate.Parse(Convert.FromBase64String(BundleNode()["verificationMaterial"]!["certificate"]!["rawBytes"]!.GetValue<string>()));

    private static JsonObject BundleNode() =>
        RealFrozenDocument.Document["collateral"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == "code")!["data"]!["sigstore_bundle"]!.AsObject();

    private static byte[] Bundle(Action<JsonObject>? change = null)
    {
        var bundle = BundleNode();
        change?.Invoke(bundle);
        return Encoding.UTF8.GetBytes(bundle.ToJsonString());
    }

    private static JsonObject RootJson() => JsonNode.Parse(TinfoilRoots.SigstoreTrustedRootJson)!.AsObject();

    private static SigstoreResult Verify(byte[] bundle, SigstorePolicy? policy = null, SigstoreTrustedRoot? root = null) =>
        SigstoreVerifier.Verify(bundle, policy ?? Policy, root ?? SigstoreTrustedRoot.Production);

    private static AttestationException Refused(byte[] bundle, string code, SigstorePolicy? policy = null, SigstoreTrustedRoot? root = null)
    {
        var ex = Assert.ThrowsAny<AttestationException>(() => Verify(bundle, policy, root));
        Assert.Equal((AttestationStage.Provenance, code), (ex.Stage, ex.Code));
        return ex;
    }
}
