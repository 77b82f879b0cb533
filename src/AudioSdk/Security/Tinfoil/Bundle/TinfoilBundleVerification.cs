namespace AudioSdk.Security.Tinfoil.Bundle;

/// <summary>What a verified attestation bundle establishes.</summary>
internal sealed record TinfoilBundleVerification
{
    public required string Domain { get; init; }
    public required TlsPin TlsPin { get; init; }
    public required byte[] HpkePublicKey { get; init; }
    public required string Repository { get; init; }
    public required string Tag { get; init; }
    public required string CodeDigest { get; init; }
    public required string Measurement { get; init; }
    public required string Processor { get; init; }
    public required DateTimeOffset ValidUntil { get; init; }
}
