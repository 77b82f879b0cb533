using System.Text.Json;

namespace AudioSdk.Security.Tinfoil.Tdx;

/// <summary>Intel's signed identity of the TD quoting enclave (id TD_QE, version 2): who signs it, its fields under masks, and TCB levels
/// by ISV SVN.</summary>
internal sealed record TdxQeIdentity
{
    public required string Id { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset IssueDate { get; init; }
    public required DateTimeOffset NextUpdate { get; init; }
    public required int EvaluationDataNumber { get; init; }
    public required uint MiscSelect { get; init; }
    public required uint MiscSelectMask { get; init; }
    public required byte[] Attributes { get; init; }
    public required byte[] AttributesMask { get; init; }
    public required byte[] MrSigner { get; init; }
    public required int IsvProdId { get; init; }
    public required IReadOnlyList<(int IsvSvn, string Status)> Levels { get; init; }

    /// <summary>Reads an authenticated body; throws <see cref="FormatException"/> when a member is missing or malformed.</summary>
    public static TdxQeIdentity Read(JsonElement body) => new()
    {
        Id = SignedCollateral.String(body, "id"),
        Version = SignedCollateral.Int(body, "version"),
        IssueDate = SignedCollateral.Time(body, "issueDate"),
        NextUpdate = SignedCollateral.Time(body, "nextUpdate"),
        EvaluationDataNumber = SignedCollateral.Int(body, "tcbEvaluationDataNumber"),
        MiscSelect = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(SignedCollateral.HexBytes(body, "miscselect", 4)),
        MiscSelectMask = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(SignedCollateral.HexBytes(body, "miscselectMask", 4)),
        Attributes = SignedCollateral.HexBytes(body, "attributes", 16),
        AttributesMask = SignedCollateral.HexBytes(body, "attributesMask", 16),
        MrSigner = SignedCollateral.HexBytes(body, "mrsigner", 32),
        IsvProdId = SignedCollateral.Int(body, "isvprodid"),
        Levels = SignedCollateral.Array(body, "tcbLevels", 256)
            .Select(l =>
                (SignedCollateral.Int(l.TryGetProperty("tcb", out var t) ? t : throw new FormatException("a QE TCB level has no 'tcb'"),
                "isvsvn"), SignedCollateral.String(l, "tcbStatus")))
            .ToArray(),
    };
}
