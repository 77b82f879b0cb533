namespace AudioSdk.Security;

/// <summary>Attestation failed, or a request went to an authority that was not attested. Nothing was sent.</summary>
public sealed class AttestationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="stage">Where it went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public AttestationException(string message, AttestationStage stage, Exception? innerException = null)
        : base(message, innerException)
    {
        Stage = stage;
    }

    /// <summary>Where the attestation failed.</summary>
    public AttestationStage Stage { get; }

    /// <summary>
    /// A stable machine-readable reason, when the verifier gives one (for example <c>REPORT_SIGNATURE_INVALID</c>,
    /// <c>VCEK_EXPIRED</c>, <c>SUBJECT_DIGEST_MISMATCH</c>); <see langword="null"/> otherwise.
    /// </summary>
    public string? Code { get; init; }
}
