using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AudioSdk.Security;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>Feeds vectors to an adapter and compares the outcome with the expectation.</summary>
internal static class ConformanceRunner
{
    /// <summary>Runs a stage; returns the ids that failed with the reason.</summary>
    public static (int Total, Dictionary<string, string> Failures, List<string> Uncompared, List<string> Log) Run(
        IReadOnlyList<ConformanceVector> vectors, Func<JsonObject, JsonObject> adapter)
    {
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        var uncompared = new List<string>();
        var log = new List<string>();
        foreach (var vector in vectors)
        {
            var problem = RunOne(vector, adapter, uncompared, log);
            if (problem is not null)
            {
                failures[vector.Id] = problem;
            }
        }

        return (vectors.Count, failures, uncompared, log);
    }

    private static string? RunOne(ConformanceVector vector, Func<JsonObject, JsonObject> adapter, List<string> uncompared, List<string> log)
    {
        JsonObject outputs;
        try
        {
            outputs = adapter(vector.Input);
            log.Add($"  {vector.Id}: accepted");
        }
        catch (AttestationException ex)
        {
            log.Add($"  {vector.Id}: {ex.Code} at {ex.Stage}: {(ex.InnerException as AttestationException)?.Message ?? ex.Message}");
            if (vector.ExitCode != 10)
            {
                return $"expected exit {vector.ExitCode}, got reject {ex.Code} at {ex.Stage}: {ex.Message}";
            }

            return vector.RejectionCodes.Count == 0 || vector.RejectionCodes.Contains(ex.Code!)
                ? null
                : $"expected {string.Join("|", vector.RejectionCodes)}, got {ex.Code} at {ex.Stage}: {ex.Message}";
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or CryptographicException)
        {
            log.Add($"  {vector.Id}: malformed input: {ex.Message}");
            return vector.ExitCode == 30 ? null : $"expected exit {vector.ExitCode}, got malformed input: {ex.Message}";
        }

        if (vector.ExitCode != 0)
        {
            return $"expected exit {vector.ExitCode} ({string.Join("|", vector.RejectionCodes)}), but it was accepted";
        }

        if (vector.Outputs is null)
        {
            return null;
        }

        foreach (var (key, expected) in vector.Outputs)
        {
            if (!outputs.TryGetPropertyValue(key, out var actual))
            {
                uncompared.Add($"{vector.Id}:{key}");
                continue;
            }

            var difference = Compare(key, expected, actual, uncompared, vector.Id);
            if (difference is not null)
            {
                return difference;
            }
        }

        return null;
    }

    private static string? Compare(string path, JsonNode? expected, JsonNode? actual, List<string> uncompared, string id)
    {
        if (expected is JsonObject eo && actual is JsonObject ao)
        {
            foreach (var (key, value) in eo)
            {
                if (!ao.TryGetPropertyValue(key, out var a))
                {
                    uncompared.Add($"{id}:{path}.{key}");
                    continue;
                }

                var d = Compare(path + "." + key, value, a, uncompared, id);
                if (d is not null)
                {
                    return d;
                }
            }

            return null;
        }

        var e = Normalize(expected);
        var x = Normalize(actual);
        return string.Equals(e, x, StringComparison.OrdinalIgnoreCase) ? null : $"output {path}: expected {e}, got {x}";
    }

    private static string Normalize(JsonNode? node) => node?.ToJsonString() ?? "null";
}
