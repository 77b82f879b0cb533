using System.Text.Json;

namespace AudioSdk.Cli.Connection;

/// <summary>
/// A named connection in the config file (<c>$AUDIO_CONFIG</c>, else <c>~/.config/audio/config.json</c>):
/// <code>
/// { "default": "local",
///   "profiles": { "local": { "baseUrl": "http://127.0.0.1:8000/v1", "apiKeyEnv": "VLLM_KEY", "pins": ["71c3..."],
///                            "sttModel": "whisper-large-v3-turbo", "ttsModel": "tts-1", "voice": "nova", "realtimeModel": "..." } } }
/// </code>
/// </summary>
internal sealed record Profile(string Name)
{
    public string? BaseUrl { get; init; }

    public string? ApiKey { get; init; }

    public string? ApiKeyEnv { get; init; }

    public IReadOnlyList<string> Pins { get; init; } = [];

    public string? SttModel { get; init; }

    public string? TtsModel { get; init; }

    public string? Voice { get; init; }

    public string? RealtimeModel { get; init; }

    public static string DefaultPath(CliConsole console) =>
        console.GetEnvironmentVariable("AUDIO_CONFIG") is { Length: > 0 } path
            ? path
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData,
                Environment.SpecialFolderOption.DoNotVerify), "audio", "config.json");

    /// <summary>Loads a profile: the named one, else the file's <c>default</c>; <see langword="null"/> when there is none.</summary>
    /// <exception cref="CliUsageException">The file is not valid JSON, or the named profile is missing.</exception>
    public static Profile? Load(string path, string? name, bool pathGiven)
    {
        if (!File.Exists(path))
        {
            if (name is not null || pathGiven)
            {
                throw new CliUsageException($"The config file '{path}' does not exist" + (name is null ? "." : $", so there is no profile '{name}'."));
            }

            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path),
                new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"The config file '{path}' cannot be read: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CliUsageException($"The config file '{path}' must hold a JSON object with \"profiles\".");
            }

            name ??= root.TryGetProperty("default", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            if (name is null)
            {
                return null;
            }

            if (!root.TryGetProperty("profiles", out var profiles) || profiles.ValueKind != JsonValueKind.Object
                || !profiles.TryGetProperty(name, out var p) || p.ValueKind != JsonValueKind.Object)
            {
                throw new CliUsageException($"The config file '{path}' has no profile '{name}'.");
            }

            return new Profile(name)
            {
                BaseUrl = Text(p, "baseUrl"),
                ApiKey = Text(p, "apiKey"),
                ApiKeyEnv = Text(p, "apiKeyEnv"),
                Pins = p.TryGetProperty("pins", out var pins) && pins.ValueKind == JsonValueKind.Array
                    ? [.. pins.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
                    : [],
                SttModel = Text(p, "sttModel"),
                TtsModel = Text(p, "ttsModel"),
                Voice = Text(p, "voice"),
                RealtimeModel = Text(p, "realtimeModel"),
            };
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
