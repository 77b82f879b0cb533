namespace AudioSdk.Tests.Infrastructure;

/// <summary>
/// Reads the few facts the wire tests need from OpenAI's audio OpenAPI document (Assets/openai-audio-openapi.yaml):
/// a schema's property names and the enum values of a schema or of one of its properties. A line-based
/// reader for this document's layout, not a general YAML parser.
/// </summary>
public sealed class OpenApiSchema
{
    private readonly string[] _lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Assets", "openai-audio-openapi.yaml"));

    public IReadOnlyList<string> Properties(string schema)
    {
        var (start, end) = Block(schema);
        var props = Index(start, end, "      properties:");
        return Children(props + 1, end, 8).ToList();
    }

    public IReadOnlyList<string> Enum(string schema, string? property = null)
    {
        var (start, end) = Block(schema);
        if (property is not null)
        {
            var p = Index(start, end, "        " + property + ":");
            var pend = Enumerable.Range(p + 1, end - p - 1).FirstOrDefault(i => Indent(_lines[i]) <= 8 && _lines[i].Trim().Length > 0, end);
            (start, end) = (p, pend);
        }

        var e = Enumerable.Range(start, end - start).First(i => _lines[i].TrimStart() == "enum:");
        var indent = Indent(_lines[e]);
        return Enumerable.Range(e + 1, end - e - 1)
            .TakeWhile(i => _lines[i].TrimStart().StartsWith("- ", StringComparison.Ordinal) && Indent(_lines[i]) >= indent)
            .Select(i => _lines[i].Trim()[2..])
            .ToList();
    }

    public IReadOnlyList<string> Required(string schema)
    {
        var (start, end) = Block(schema);
        var r = Enumerable.Range(start, end - start).Last(i => _lines[i] == "      required:");
        return Enumerable.Range(r + 1, end - r - 1).TakeWhile(i => _lines[i].StartsWith("      - ", StringComparison.Ordinal)).Select(i => _lines[i].Trim()[2..]).ToList();
    }

    private (int Start, int End) Block(string schema)
    {
        var start = Array.IndexOf(_lines, "    " + schema + ":");
        Assert.True(start >= 0, schema + " is not in the OpenAPI document");
        var end = start + 1;
        while (end < _lines.Length && (_lines[end].Trim().Length == 0 || Indent(_lines[end]) > 4))
        {
            end++;
        }

        return (start, end);
    }

    private int Index(int start, int end, string line) => Enumerable.Range(start, end - start).First(i => _lines[i] == line);

    private IEnumerable<string> Children(int from, int end, int indent)
    {
        for (var i = from; i < end; i++)
        {
            var line = _lines[i];
            if (line.Trim().Length == 0)
            {
                continue;
            }

            if (Indent(line) < indent)
            {
                yield break;
            }

            if (Indent(line) == indent && line.TrimEnd().EndsWith(':'))
            {
                yield return line.Trim().TrimEnd(':');
            }
        }
    }

    private static int Indent(string line) => line.Length - line.TrimStart().Length;
}
