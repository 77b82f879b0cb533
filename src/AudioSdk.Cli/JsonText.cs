using System.Text;
using System.Text.Json;

namespace AudioSdk.Cli;

/// <summary>JSON output for <c>--json</c> and JSON files, written with <see cref="Utf8JsonWriter"/> (no reflection).</summary>
internal static class JsonText
{
    public static string Write(Action<Utf8JsonWriter> write, bool indented = true)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
