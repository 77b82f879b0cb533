using System.Text.Json;

namespace AudioSdk.Security.Tinfoil.Sigstore;

/// <summary>The in-toto statement a release signs: strict members, type allow-lists, first subject's digest, the predicate's
/// measurement.</summary>
internal static class InTotoStatement
{
    private static readonly HashSet<string> Members = new(StringComparer.Ordinal) { "_type", "subject", "predicateType", "predicate" };

    public static SigstoreResult Read(byte[] payload, SigstorePolicy policy)
    {
        JsonDocument document;
        if (!System.Text.Unicode.Utf8.IsValid(payload))
        {
            throw Reject.With(AttestationStage.Provenance, "BUNDLE_MALFORMED", "the statement is not UTF-8");
        }

        try
        {
            document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            throw Reject.With(AttestationStage.Provenance, "BUNDLE_MALFORMED", "the statement is not JSON", ex);
        }

        using (document)
        {
            var statement = document.RootElement;
            if (statement.ValueKind != JsonValueKind.Object || statement.EnumerateObject().Any(p => !Members.Contains(p.Name)))
            {
                throw Reject.With(AttestationStage.Provenance, "BUNDLE_MALFORMED", "the statement has unknown members");
            }

            var type = statement.GetString("_type")
                ?? throw Reject.With(AttestationStage.Provenance, "BUNDLE_MALFORMED", "the statement has no _type");
            if (policy.StatementTypes is { } statementTypes && !statementTypes.Contains(type, StringComparer.Ordinal))
            {
                throw Reject.With(AttestationStage.Provenance, "IN_TOTO_STATEMENT_TYPE_NOT_ALLOWED",
                    $"statement type {type} is not allowed");
            }

            var subjects = statement.GetArray("subject").ToList();
            if (subjects.Count == 0)
            {
                throw Reject.With(AttestationStage.Provenance, "SUBJECT_MISSING", "the statement has no subject");
            }

            var digest = subjects[0].Get("digest")?.GetString("sha256") ?? string.Empty;
            if (policy.SubjectDigest is { } expected && !string.Equals(digest, expected, StringComparison.OrdinalIgnoreCase))
            {
                throw Reject.With(AttestationStage.Provenance, "SUBJECT_DIGEST_MISMATCH",
                    $"the statement is about {digest}, not {expected}");
            }

            var predicateType = statement.GetString("predicateType")
                ?? throw Reject.With(AttestationStage.Provenance, "BUNDLE_MALFORMED", "the statement has no predicateType");
            if (policy.PredicateTypes is { } predicateTypes && !predicateTypes.Contains(predicateType, StringComparer.Ordinal))
            {
                throw Reject.With(AttestationStage.Provenance, "PREDICATE_TYPE_NOT_ALLOWED",
                    $"predicate type {predicateType} is not allowed");
            }

            var predicate = statement.Get("predicate")
                ?? throw Reject.With(AttestationStage.Provenance, "PREDICATE_MEASUREMENT_INVALID", "the statement has no predicate");
            return new SigstoreResult
            {
                StatementType = type,
                PredicateType = predicateType,
                SubjectName = subjects[0].GetString("name") ?? string.Empty,
                SubjectDigest = Hex.Normalize(digest),
                Predicate = predicate.Clone(),
                Measurement = ReadMeasurement(predicateType, predicate),
                OidcIssuer = string.Empty,
                WorkflowRepository = string.Empty,
                RekorLogId = [],
                IntegratedTime = default,
                TlogEntryCount = 0,
                SctCount = 0,
            };
        }
    }

    private static Measurement? ReadMeasurement(string predicateType, JsonElement predicate)
    {
        if (predicateType != Measurement.SnpTdxMultiPlatformV1)
        {
            return null;
        }

        var snp = predicate.GetString("snp_measurement");
        var tdx = predicate.Get("tdx_measurement");
        var rtmr1 = tdx?.GetString("rtmr1");
        var rtmr2 = tdx?.GetString("rtmr2");
        if (!IsRegister(snp) || !IsRegister(rtmr1) || !IsRegister(rtmr2))
        {
            throw Reject.With(AttestationStage.Provenance, "PREDICATE_MEASUREMENT_INVALID",
                "the multi-platform predicate lacks snp_measurement, rtmr1 or rtmr2");
        }

        return new Measurement(predicateType, [snp!, rtmr1!, rtmr2!]);
    }

    private static bool IsRegister(string? value) => value is { Length: 96 } && Hex.TryDecode(value) is not null;
}
