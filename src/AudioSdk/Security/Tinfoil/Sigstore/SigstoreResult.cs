using System.Text.Json;

namespace AudioSdk.Security.Tinfoil.Sigstore;

/// <summary>What a verified Sigstore bundle establishes.</summary>
internal sealed record SigstoreResult
{
    public required string StatementType { get; init; }
    public required string PredicateType { get; init; }
    public required string SubjectName { get; init; }
    public required string SubjectDigest { get; init; }
    public required JsonElement Predicate { get; init; }
    public Measurement? Measurement { get; init; }
    public required string OidcIssuer { get; init; }
    public required string WorkflowRepository { get; init; }
    public string? WorkflowRef { get; init; }
    public string? BuildSignerUri { get; init; }
    public required byte[] RekorLogId { get; init; }
    public required DateTimeOffset IntegratedTime { get; init; }
    public required int TlogEntryCount { get; init; }
    public required int SctCount { get; init; }
}
