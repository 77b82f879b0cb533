namespace AudioSdk.Security.Tinfoil.Tdx;

/// <summary>What a verified TDX quote establishes.</summary>
internal sealed record TdxVerification
{
    public required TdxQuote Quote { get; init; }

    /// <summary>Intel's quote verification result (OK, SW_HARDENING_NEEDED, ...), or null when the TCB was not evaluated.</summary>
    public required string? Result { get; init; }

    /// <summary>The matched platform TCB level's status, or null when not evaluated.</summary>
    public required string? TcbStatus { get; init; }

    public required byte[] Fmspc { get; init; }

    /// <summary>The platform's PPID from the verified PCK certificate, or null when it carries none.</summary>
    public byte[]? Ppid { get; init; }

    /// <summary>The lower TCB evaluation data number of the TCB info and QE identity used, or null when the TCB was not
    /// evaluated.</summary>
    public int? EvaluationDataNumber { get; init; }

    /// <summary>The earliest expiry of what the verdict rests on (certificates, CRLs, TCB info, QE identity).</summary>
    public required DateTimeOffset ValidUntil { get; init; }
}
