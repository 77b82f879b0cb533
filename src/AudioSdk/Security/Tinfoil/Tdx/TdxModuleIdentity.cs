using System.Text.Json;

namespace AudioSdk.Security.Tinfoil.Tdx;

/// <summary>A TDX module identity from the TCB info: the SEAM signer, attributes under a mask, and (for versioned identities) TCB levels by
/// ISV SVN.</summary>
internal sealed record TdxModuleIdentity(string? Id, byte[] MrSigner, byte[] Attributes, byte[] AttributesMask,
    IReadOnlyList<(int IsvSvn, string Status)> Levels)
{
    public static TdxModuleIdentity Read(JsonElement o, bool withLevels) => new(
        withLevels ? SignedCollateral.String(o, "id") : null,
        SignedCollateral.HexBytes(o, "mrsigner", 48),
        SignedCollateral.HexBytes(o, "attributes", 8),
        SignedCollateral.HexBytes(o, "attributesMask", 8),
        withLevels
            ? SignedCollateral.Array(o, "tcbLevels", 256).Select(l =>
                (SignedCollateral.Int(l.GetProperty("tcb"), "isvsvn"), SignedCollateral.String(l, "tcbStatus"))).ToArray()
            : []);

    /// <summary>Whether the quote's SEAM signer and attributes are this module's.</summary>
    public bool Admits(ReadOnlySpan<byte> mrSignerSeam, ReadOnlySpan<byte> seamAttributes) =>
        mrSignerSeam.SequenceEqual(MrSigner) && SignedCollateral.Masked(seamAttributes, Attributes, AttributesMask);
}
