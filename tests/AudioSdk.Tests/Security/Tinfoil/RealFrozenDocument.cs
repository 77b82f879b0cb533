using System.Text.Json.Nodes;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>The captured v3 document of a real Genoa enclave (inference.tinfoil.sh), with its nonce and pinned time.</summary>
internal static class RealFrozenDocument
{
    private static readonly Lazy<JsonObject> Input = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(ConformanceVector.Root, "v3", "real-frozen", "real-sev-inference-tinfoil.json")))!["input"]!.AsObject());

    public const string Repository = "tinfoilsh/confidential-model-router";

    public static byte[] Bytes => Convert.FromBase64String(Input.Value["document_b64"]!.GetValue<string>());

    public static byte[] Nonce => Convert.FromHexString(Input.Value["nonce_hex"]!.GetValue<string>());

    public static DateTimeOffset Time => DateTimeOffset.FromUnixTimeSeconds(Input.Value["verification_time_unix"]!.GetValue<long>());

    public static JsonObject Document => JsonNode.Parse(Bytes)!.AsObject();

    /// <summary>The in-toto predicate of a reference-values item, by format name (<c>sigstore-code</c>, <c>sigstore-platform</c>).</summary>
    public static JsonObject Predicate(string format)
    {
        var item = Document["collateral"]!.AsArray().First(c => c!["format"]!.GetValue<string>() == $"https://tinfoil.sh/collateral/{format}/v1")!;
        var payload = item["data"]!["sigstore_bundle"]!["dsseEnvelope"]!["payload"]!.GetValue<string>();
        return JsonNode.Parse(Convert.FromBase64String(payload))!["predicate"]!.AsObject();
    }
}

/// <summary>A clock stopped at one instant; its timers run on the system clock, <see cref="TimerDivisor"/> times faster.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public double TimerDivisor { get; set; } = 1;

    public override DateTimeOffset GetUtcNow() => Now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, Scale(dueTime), Scale(period));

    private TimeSpan Scale(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? span : TimeSpan.FromTicks((long)(span.Ticks / TimerDivisor));
}
