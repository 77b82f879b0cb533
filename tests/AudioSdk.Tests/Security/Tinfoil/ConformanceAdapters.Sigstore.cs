using System.Text.Json.Nodes;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Sigstore;

namespace AudioSdk.Tests.Security.Tinfoil;

internal static partial class ConformanceAdapters
{
    public static JsonObject Sigstore(JsonObject input)
    {
        var result = VerifySigstore(input);
        return new JsonObject
        {
            ["predicate_type"] = result.PredicateType,
            ["in_toto_statement_type"] = result.StatementType,
            ["subject_name"] = result.SubjectName,
            ["subject_digest_sha256_hex"] = result.SubjectDigest,
            ["measurement"] = result.Measurement is { } m ? MeasurementJson(m) : null,
            ["cert_oidc_issuer"] = result.OidcIssuer,
            ["cert_workflow_repository"] = result.WorkflowRepository,
            ["cert_workflow_signer_uri"] = result.BuildSignerUri ?? string.Empty,
            ["rekor_log_id_hex"] = Hex.Lower(result.RekorLogId),
            ["rekor_integrated_time_unix"] = result.IntegratedTime.ToUnixTimeSeconds(),
            ["tlog_entry_count"] = result.TlogEntryCount,
            ["sct_count"] = result.SctCount,
        };
    }

    internal static SigstoreResult VerifySigstore(JsonObject input)
    {
        var bundle = Convert.FromBase64String(input["bundle_b64"]!.GetValue<string>());
        var root = SigstoreTrustedRoot.Parse(Convert.FromBase64String(input["trust_root_b64"]!.GetValue<string>()));
        var p = input["policy"] as JsonObject ?? [];
        var policy = new SigstorePolicy
        {
            Repository = input["repo"]!.GetValue<string>(),
            SubjectDigest = input["expected_digest_sha256_hex"]!.GetValue<string>(),
            VerificationTime = DateTimeOffset.FromUnixTimeSeconds(input["verification_time_unix"]!.GetValue<long>()),
        };
        policy = policy with
        {
            OidcIssuer = p["oidc_issuer"]?.GetValue<string>() ?? policy.OidcIssuer,
            WorkflowRefPrefix = p["workflow_ref_prefix"]?.GetValue<string>() ?? policy.WorkflowRefPrefix,
            PredicateTypes = p.ContainsKey("predicate_types_allowed") ? StringList(p["predicate_types_allowed"]) : policy.PredicateTypes,
            StatementTypes = p.ContainsKey("in_toto_statement_types_allowed") ? StringList(p["in_toto_statement_types_allowed"]) : policy.StatementTypes,
            PayloadType = p["payload_type"]?.GetValue<string>() ?? policy.PayloadType,
            TlogEntriesMin = p["tlog_entries_min"]?.GetValue<int>() ?? policy.TlogEntriesMin,
            TlogEntriesMax = p["tlog_entries_max"]?.GetValue<int>(),
            SctMin = p["sct_min"]?.GetValue<int>() ?? policy.SctMin,
            ObserverTimestampsMin = p["observer_timestamps_min"]?.GetValue<int>() ?? policy.ObserverTimestampsMin,
        };
        return SigstoreVerifier.Verify(bundle, policy, root);
    }

    private static string[]? StringList(JsonNode? node) => node is JsonArray array ? array.Select(x => x!.GetValue<string>()).ToArray() : null;
}
