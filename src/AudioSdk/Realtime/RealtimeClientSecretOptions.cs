using System.Text.Json.Nodes;
using AudioSdk.Internal;

namespace AudioSdk.Realtime;

/// <summary>What to ask for when minting a realtime client secret (<c>POST /realtime/client_secrets</c>).</summary>
public sealed record RealtimeClientSecretOptions
{
    /// <summary>The shortest lifetime the service accepts.</summary>
    public static readonly TimeSpan MinExpiresAfter = TimeSpan.FromSeconds(10);

    /// <summary>The longest lifetime the service accepts.</summary>
    public static readonly TimeSpan MaxExpiresAfter = TimeSpan.FromHours(2);

    /// <summary>How long the key opens new sessions, from its creation: 10 s to 2 h, whole seconds. Default 10 minutes.</summary>
    public TimeSpan ExpiresAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The session type the key is for: <c>transcription</c> (the default, as <see cref="RealtimeDialect.OpenAITranscription"/>
    /// uses) or <c>realtime</c> for the conversational API.
    /// </summary>
    public string SessionType { get; init; } = "transcription";

    /// <summary>
    /// The model fixed for sessions opened with the key: the transcription model for <c>transcription</c> sessions
    /// (<c>session.audio.input.transcription.model</c>), the session's model for <c>realtime</c> ones (<c>session.model</c>).
    /// </summary>
    public string? Model { get; init; }

    /// <summary>
    /// More session configuration, merged over what the properties above produce (for example <c>instructions</c> or
    /// <c>audio</c>). Sessions opened with the key may still override it.
    /// </summary>
    public JsonObject? Session { get; init; }

    internal void Validate()
    {
        var problems = new List<string>();
        if (ExpiresAfter < MinExpiresAfter || ExpiresAfter > MaxExpiresAfter || ExpiresAfter.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            problems.Add($"ExpiresAfter must be whole seconds from {MinExpiresAfter.TotalSeconds} s to {MaxExpiresAfter.TotalSeconds} s (was {ExpiresAfter}).");
        }

        if (string.IsNullOrWhiteSpace(SessionType))
        {
            problems.Add("SessionType is required ('transcription' or 'realtime').");
        }

        if (Model is not null && string.IsNullOrWhiteSpace(Model))
        {
            problems.Add("Model must not be empty when set.");
        }

        Validation.ThrowIfAny(problems, nameof(RealtimeClientSecretOptions));
    }
}
