using System.CommandLine;

namespace AudioSdk.Cli;

/// <summary>Options every command takes: where to connect, and how to report.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> BaseUrl { get; } = new("--base-url") { Description = "API base URL with its path prefix (else AUDIO_API_BASE_URL, else the profile)", Recursive = true };

    public Option<string?> ApiKey { get; } = new("--api-key") { Description = "API key (else AUDIO_API_KEY, else the profile); never printed", Recursive = true };

    public Option<string?> Profile { get; } = new("--profile") { Description = "Named profile from the config file", Recursive = true };

    public Option<string?> Config { get; } = new("--config") { Description = "Config file (else AUDIO_CONFIG, else ~/.config/audio/config.json)", Recursive = true };

    public Option<string[]> Pins { get; } = new("--pin") { Description = "Pinned TLS key (SHA-256 of the server's SubjectPublicKeyInfo, hex); repeat for several", Recursive = true, Arity = ArgumentArity.ZeroOrMore };

    public Option<bool> Offline { get; } = new("--offline") { Description = "Run against the embedded test server: no account or network needed", Recursive = true };

    public Option<TimeSpan?> OfflineLatency { get; } = new("--offline-latency") { Description = "With --offline: delay each request by this much (a slow server)", Recursive = true, Hidden = true, CustomParser = ParseDuration };

    public Option<string?> OfflineLog { get; } = new("--offline-log") { Description = "With --offline: append the server's request log (method, path, file name) to this file at exit", Recursive = true, Hidden = true };

    public Option<int?> Retries { get; } = new("--retries") { Description = "Retries per request on 408/429/5xx and connection failures (default 3)", Recursive = true };

    public Option<TimeSpan?> MaxRetryAfter { get; } = new("--max-retry-after") { Description = "Longest wait a server may ask for with Retry-After (default 2m); a longer one fails the file (a rerun tries again)", Recursive = true, CustomParser = ParseDuration };

    public Option<TimeSpan?> Timeout { get; } = new("--timeout") { Description = "Longest time one request may take, upload to last byte of the answer (default 10m, the SDK's NetworkTimeout); a server that never answers or trickles fails the attempt", Recursive = true, CustomParser = ParseDuration };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Print only errors and the final summary line",
        Recursive = true };

    public Option<bool> Json { get; } = new("--json") { Description = "Print the result as JSON for scripts", Recursive = true };

    public IEnumerable<Option> All =>
        [BaseUrl, ApiKey, Profile, Config, Pins, Offline, OfflineLatency, OfflineLog, Retries, MaxRetryAfter, Timeout, Quiet, Json];

    public static TimeSpan? ParseDuration(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (Durations.TryParse(text, out var value))
        {
            return value;
        }

        result.AddError($"'{text}' is not a duration (examples: 300ms, 2s, 10m, 1h, 7d).");
        return null;
    }
}
