namespace AudioSdk.Security.Tinfoil.Sigstore;

/// <summary>
/// Who must have signed a release and what the statement must say: the GitHub Actions OIDC issuer, the workflow's
/// repository and ref prefix, the accepted statement and predicate types (null: any; empty: none) and the counts of
/// transparency-log entries, SCTs and observer timestamps.
/// </summary>
internal sealed record SigstorePolicy
{
    public const string GitHubActionsIssuer = "https://token.actions.githubusercontent.com";
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    public required string Repository { get; init; }
    public string OidcIssuer { get; init; } = GitHubActionsIssuer;
    public string WorkflowRefPrefix { get; init; } = "refs/tags/";

    /// <summary>
    /// Whether a certificate without Fulcio's legacy repository, ref and build-signer extensions is identified by its SAN
    /// workflow URI (and the source-repository-ref extension), as Tinfoil's v3 verifier does through Sigstore's certificate
    /// identity. Off for the v2 bundle flow, whose rules require the extensions.
    /// </summary>
    public bool IdentityFromSan { get; init; }
    public IReadOnlyList<string>? PredicateTypes { get; init; } = [Measurement.SnpTdxMultiPlatformV1];
    public IReadOnlyList<string>? StatementTypes { get; init; }
    public string PayloadType { get; init; } = InTotoPayloadType;
    public int TlogEntriesMin { get; init; } = 1;
    public int? TlogEntriesMax { get; init; }
    public int SctMin { get; init; } = 1;
    public int ObserverTimestampsMin { get; init; } = 1;

    /// <summary>Expected subject digest (lowercase hex SHA-256); null to accept whatever the statement names.</summary>
    public string? SubjectDigest { get; init; }

    /// <summary>When set, the Fulcio certificate must also be valid at this time; otherwise only at the log's integrated time.</summary>
    public DateTimeOffset? VerificationTime { get; init; }
}
