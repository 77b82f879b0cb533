namespace AudioSdk.Security.Tinfoil;

/// <summary>Builds the <see cref="AttestationException"/> every verification layer throws: a stage, a stable code and a reason.</summary>
internal static class Reject
{
    public static AttestationException With(AttestationStage stage, string code, string message, Exception? inner = null) =>
        new($"Tinfoil attestation refused ({code}): {message}", stage, inner) { Code = code };
}
