using System.Globalization;
using System.Text;
using System.Text.Json;
using AudioSdk.Internal.Json;
using AudioSdk.Transcriptions;

namespace AudioSdk.Realtime.Protocol;

internal abstract partial class RealtimeProtocol
{
    protected static string? String(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value))
        {
            return null;
        }

        try
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    return value.GetString();
                case JsonValueKind.Number:
                    return value.GetRawText();
                case JsonValueKind.Null:
                    return null;
                default:
                    LeftOut(name, value.ValueKind.ToString());
                    return null;
            }
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate cannot become a .NET string: the field is missing.
            LeftOut(name, "not valid UTF-16");
            return null;
        }
    }

    /// <summary>Notes a field that was present but could not be used.</summary>
    protected static void LeftOut(string name, string why) => t_fieldProblem ??= $"field '{name}' left out ({why})";

    protected static JsonElement Member(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) ? value : default;

    protected static long? Long(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt64(out var l) ? l : null;

    protected static double? Double(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetDouble(out var d) && double.IsFinite(d) ? d : null;

    protected static int? Int(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i))
        {
            return i;
        }

        LeftOut(name, value.ValueKind == JsonValueKind.Number ? "out of range" : value.ValueKind.ToString());
        return null;
    }

    protected static IReadOnlyList<TranscriptionTokenLogProbability> LogProbs(JsonElement root)
    {
        if (!root.TryGetProperty("logprobs", out var value) || value.ValueKind != JsonValueKind.Array)
        {
            if (value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                LeftOut("logprobs", value.ValueKind.ToString());
            }

            return [];
        }

        try
        {
            return value.Deserialize(AudioSdkJsonContext.Default.ListTranscriptionTokenLogProbability) ?? [];
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException or FormatException or OverflowException)
        {
            LeftOut("logprobs", ex.GetType().Name);
            return [];
        }
    }

    /// <summary>Normalises OpenAI token or duration usage and vLLM prompt/completion usage.</summary>
    protected static RealtimeUsage? Usage(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("usage", out var usage)
            || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        TimeSpan? duration = usage.TryGetProperty("seconds", out var s) && s.ValueKind == JsonValueKind.Number
            && s.TryGetDouble(out var seconds)
            && double.IsFinite(seconds) && seconds >= 0 && seconds <= SecondsConverter.MaxSeconds
            ? SecondsConverter.FromSeconds(seconds)
            : null;
        return new RealtimeUsage(
            Int(usage, "input_tokens") ?? Int(usage, "prompt_tokens"),
            Int(usage, "output_tokens") ?? Int(usage, "completion_tokens"),
            Int(usage, "total_tokens"),
            duration,
            usage);
    }
}
