using System.Text.Json;

namespace AudioSdk.Security.Tinfoil.Tdx;

/// <summary>
/// Intel's signed TCB info for one FMSPC (TDX, version 3): the TCB levels with their status, the TDX module's
/// signer and attributes, and the TDX module identities with their own levels.
/// </summary>
internal sealed record TdxTcbInfo
{
    private const int MaxLevels = 256;

    public required string Id { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset IssueDate { get; init; }
    public required DateTimeOffset NextUpdate { get; init; }
    public required byte[] Fmspc { get; init; }
    public required byte[] PceId { get; init; }
    public required int EvaluationDataNumber { get; init; }
    public required TdxModuleIdentity? Module { get; init; }
    public required IReadOnlyList<TdxModuleIdentity> ModuleIdentities { get; init; }
    public required IReadOnlyList<Level> Levels { get; init; }

    /// <summary>Reads an authenticated body; throws <see cref="FormatException"/> when a member is missing or malformed.</summary>
    public static TdxTcbInfo Read(JsonElement body)
    {
        TdxModuleIdentity? module = null;
        if (body.TryGetProperty("tdxModule", out var m))
        {
            module = TdxModuleIdentity.Read(m, withLevels: false);
        }

        var identities = body.TryGetProperty("tdxModuleIdentities", out _)
            ? SignedCollateral.Array(body, "tdxModuleIdentities", MaxLevels).Select(i =>
                TdxModuleIdentity.Read(i, withLevels: true)).ToArray()
            : [];
        return new TdxTcbInfo
        {
            Id = SignedCollateral.String(body, "id"),
            Version = SignedCollateral.Int(body, "version"),
            IssueDate = SignedCollateral.Time(body, "issueDate"),
            NextUpdate = SignedCollateral.Time(body, "nextUpdate"),
            Fmspc = SignedCollateral.HexBytes(body, "fmspc", 6),
            PceId = SignedCollateral.HexBytes(body, "pceId", 2),
            EvaluationDataNumber = SignedCollateral.Int(body, "tcbEvaluationDataNumber"),
            Module = module,
            ModuleIdentities = identities,
            Levels = SignedCollateral.Array(body, "tcbLevels", MaxLevels).Select(ReadLevel).ToArray(),
        };
    }

    /// <summary>
    /// The first level (Intel lists them highest first) that the platform meets: every SGX component and the PCE SVN
    /// of the PCK certificate, and every TDX component of the quote's TEE_TCB_SVN (from index 2 when the TDX module
    /// version, TEE_TCB_SVN[1], is not zero: the module is then matched by its own identity).
    /// </summary>
    public Level? Match(ReadOnlySpan<byte> sgxComponents, int pceSvn, ReadOnlySpan<byte> teeTcbSvn)
    {
        var start = teeTcbSvn[1] > 0 ? 2 : 0;
        foreach (var level in Levels)
        {
            var met = level.PceSvn <= pceSvn;
            for (var i = 0; met && i < 16; i++)
            {
                met = level.SgxComponents[i] <= sgxComponents[i] && (i < start || level.TdxComponents[i] <= teeTcbSvn[i]);
            }

            if (met)
            {
                return level;
            }
        }

        return null;
    }

    private static Level ReadLevel(JsonElement level)
    {
        var tcb = level.TryGetProperty("tcb", out var t)
            && t.ValueKind == JsonValueKind.Object ? t : throw new FormatException("a TCB level has no 'tcb'");
        return new Level(
            Components(tcb, "sgxtcbcomponents"),
            SignedCollateral.Int(tcb, "pcesvn"),
            Components(tcb, "tdxtcbcomponents"),
            SignedCollateral.String(level, "tcbStatus"));
    }

    private static byte[] Components(JsonElement tcb, string name)
    {
        var list = SignedCollateral.Array(tcb, name, 16).Select(c => SignedCollateral.Int(c, "svn")).ToArray();
        return list.Length == 16
            && list.All(v => v <= 255) ? list.Select(v => (byte)v).ToArray() : throw new FormatException($"'{name}' does not have 16 SVNs");
    }

    /// <summary>One TCB level: the minimum SVNs and the status of platforms that meet them.</summary>
    internal sealed record Level(byte[] SgxComponents, int PceSvn, byte[] TdxComponents, string Status);
}
