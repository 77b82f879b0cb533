using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>One conformance vector: its input and what the verifier must do with it.</summary>
internal sealed partial record ConformanceVector(string Id, JsonObject Input, int ExitCode, IReadOnlyList<string> RejectionCodes, JsonObject? Outputs)
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Security", "Tinfoil", "Vectors");

    /// <summary>Per-stage vectors: a directory per vector with manifest.yaml, input.json and optional expected.json.</summary>
    public static List<ConformanceVector> LoadStage(string stage)
    {
        var list = new List<ConformanceVector>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(Root, stage)).Order(StringComparer.Ordinal))
        {
            var id = Path.GetFileName(dir);
            if (id.StartsWith('_'))
            {
                continue;
            }

            var manifest = File.ReadAllText(Path.Combine(dir, "manifest.yaml"));
            var exit = int.Parse(ExitCodeLine().Match(manifest).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var codes = new List<string>();
            var codeMatch = RejectionCodeLine().Match(manifest);
            if (codeMatch.Success)
            {
                var raw = codeMatch.Groups[1].Value.Trim();
                codes.AddRange(raw.StartsWith('[') ? JsonSerializer.Deserialize<string[]>(raw)! : [JsonSerializer.Deserialize<string>(raw)!]);
            }

            var input = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "input.json")))!.AsObject();
            var expectedPath = Path.Combine(dir, "expected.json");
            JsonObject? outputs = null;
            if (File.Exists(expectedPath))
            {
                outputs = JsonNode.Parse(File.ReadAllText(expectedPath))!["outputs"]?.AsObject();
            }

            list.Add(new ConformanceVector(id, input, exit, codes, outputs));
        }

        return list;
    }

    /// <summary>v3 vectors: one JSON file each with input and expected {accepted, code}.</summary>
    public static List<ConformanceVector> LoadV3(string folder)
    {
        var list = new List<ConformanceVector>();
        foreach (var file in Directory.GetFiles(Path.Combine(Root, "v3", folder), "*.json").Order(StringComparer.Ordinal))
        {
            var node = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            var expected = node["expected"]!.AsObject();
            var accepted = expected["accepted"]!.GetValue<bool>();
            var code = expected["code"]?.GetValue<string>();
            list.Add(new ConformanceVector(node["id"]!.GetValue<string>(), node["input"]!.AsObject(), accepted ? 0 : 10, code is null ? [] : [code], null));
        }

        return list;
    }

    [GeneratedRegex(@"^\s*exit_code:\s*(\d+)", RegexOptions.Multiline)]
    private static partial Regex ExitCodeLine();

    [GeneratedRegex(@"^\s*rejection_code:\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex RejectionCodeLine();
}
