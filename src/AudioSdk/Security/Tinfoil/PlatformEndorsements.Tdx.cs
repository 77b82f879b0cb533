using System.Text.Json;
using AudioSdk.Security.Tinfoil.Sigstore;
using AudioSdk.Security.Tinfoil.Tdx;
using AudioSdk.Security.Tinfoil.V3;

namespace AudioSdk.Security.Tinfoil;

/// <summary>The TDX half of the platform endorsements: PPID -> machine name -> named TDX policy and its platform measurements.</summary>
internal static partial class PlatformEndorsements
{
    private static readonly string[] TdxRequired =
    [
        "qe_vendor_id", "minimum_tee_tcb_svn", "td_attributes", "xfam", "minimum_tcb_evaluation_data_number", "platform_measurements",
    ];

    private static readonly string[] TdxOptional =
    [
        "minimum_qe_svn", "minimum_pce_svn", "mr_seam", "accepted_mr_seams", "mr_config_id_zero", "mr_owner_zero", "mr_owner_config_zero",
    ];

    /// <summary>Finds the machine for a TDX platform's PPID (from its verified PCK certificate) and builds its TDX policy.</summary>
    /// <exception cref="AttestationException">The PPID is not endorsed or its policy is malformed (stage Policy).</exception>
    public static (string Machine, TdxPlatformPolicy Policy) TdxPolicyFor(JsonElement predicate, ReadOnlySpan<byte> ppid)
    {
        try
        {
            var id = Hex.Lower(ppid);
            var machine = predicate.Get("machines")?.GetString(id) ?? throw Fail($"the TDX platform with PPID {id} is not an endorsed machine");
            var entry = predicate.Get("policies")?.Get(machine) ?? throw Fail($"machine {machine} has no policy");
            if (entry.GetString("platform") != "tdx")
            {
                throw Fail($"machine {machine} is not a TDX platform");
            }

            StrictJson.Object(entry, $"policy {machine}", ["platform", "tdx"]);
            var tdx = StrictJson.Object(entry.GetProperty("tdx"), "the TDX policy", TdxRequired, TdxOptional);
            var evaluation = tdx.GetProperty("minimum_tcb_evaluation_data_number").GetInt32();
            if (evaluation < 0)
            {
                throw Fail("minimum_tcb_evaluation_data_number is negative, which would accept any collateral");
            }

            var seams = MrSeams(tdx);
            var measurements = predicate.Get("measurements");
            var names = tdx.GetProperty("platform_measurements");
            if (names.ValueKind != JsonValueKind.Array || names.GetArrayLength() == 0)
            {
                throw Fail("platform_measurements is not a non-empty array");
            }

            var platforms = names.EnumerateArray().Select(n =>
            {
                var name = n.GetString() ?? throw Fail("a platform_measurements entry is not a string");
                var m = measurements?.Get(name) ?? throw Fail($"platform measurement '{name}' is not in measurements");
                StrictJson.Object(m, $"platform measurement '{name}'", ["mrtd", "rtmr0"], "shape");
                return new HardwareMeasurement(name, Register(m, "mrtd"), Register(m, "rtmr0"));
            }).ToArray();

            return (machine, new TdxPlatformPolicy
            {
                QeVendorId = Bytes(tdx, "qe_vendor_id", 16),
                MinimumQeSvn = tdx.TryGetProperty("minimum_qe_svn", out var qeSvn) ? qeSvn.GetUInt16() : (ushort)0,
                MinimumPceSvn = tdx.TryGetProperty("minimum_pce_svn", out var pceSvn) ? pceSvn.GetUInt16() : (ushort)0,
                MinimumTeeTcbSvn = Bytes(tdx, "minimum_tee_tcb_svn", 16),
                MrSeams = seams,
                TdAttributes = Bytes(tdx, "td_attributes", 8),
                Xfam = Bytes(tdx, "xfam", 8),
                MrConfigIdZero = Flag(tdx, "mr_config_id_zero"),
                MrOwnerZero = Flag(tdx, "mr_owner_zero"),
                MrOwnerConfigZero = Flag(tdx, "mr_owner_config_zero"),
                MinimumEvaluationDataNumber = evaluation,
                Platforms = platforms,
            });
        }
        catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or FormatException or OverflowException)
        {
            throw Fail("the TDX platform policy is malformed", ex);
        }
        catch (AttestationException ex) when (ex.Stage == AttestationStage.Envelope)
        {
            throw Fail(ex.Message, ex);
        }
    }

    /// <summary>mr_seam (one) or accepted_mr_seams (several), never both.</summary>
    private static byte[][] MrSeams(JsonElement tdx)
    {
        var one = tdx.TryGetProperty("mr_seam", out var single);
        var many = tdx.TryGetProperty("accepted_mr_seams", out var list);
        if (one == many)
        {
            throw Fail("the TDX policy names neither or both of mr_seam and accepted_mr_seams");
        }

        if (one)
        {
            return [Bytes(tdx, "mr_seam", 48)];
        }

        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            throw Fail("accepted_mr_seams is not a non-empty array");
        }

        return list.EnumerateArray().Select(s => Hex.TryDecodeCanonical(s.ValueKind == JsonValueKind.String ? s.GetString() : null, 48)
            ?? throw Fail("an accepted_mr_seams entry is not 48 bytes of lowercase hex")).ToArray();
    }

    private static string Register(JsonElement measurement, string name) =>
        Hex.Lower(Bytes(measurement, name, 48));

    private static byte[] Bytes(JsonElement element, string name, int length) =>
        Hex.TryDecodeCanonical(element.GetString(name), length) ?? throw Fail($"{name} is not {length} bytes of lowercase hex");

    private static bool Flag(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.GetBoolean();
}
