using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace AudioSdk.Internal.Diagnostics;

/// <summary>
/// The SDK's <see cref="ActivitySource"/> and <see cref="Meter"/>, both named <c>AudioSdk</c>: a client span per
/// operation and instruments for request duration, audio transcribed, characters synthesised and realtime sessions.
/// </summary>
internal static class Telemetry
{
    public const string Name = "AudioSdk";

    private static readonly string Version = typeof(Telemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static readonly ActivitySource Source = new(Name, Version);

    public static readonly Meter Meter = new(Name, Version);

    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>("audiosdk.client.request.duration", "s",
        "Duration of audio API operations, retries included.");

    public static readonly Counter<double> AudioTranscribed = Meter.CreateCounter<double>("audiosdk.client.audio.duration", "s",
        "Seconds of audio transcribed or translated, as the service reported them.");

    public static readonly Counter<long> CharactersSynthesized = Meter.CreateCounter<long>("audiosdk.client.speech.characters",
        "{character}", "Characters of text sent for speech synthesis.");

    public static readonly Histogram<double> RealtimeSessionDuration = Meter.CreateHistogram<double>("audiosdk.client.realtime.session.duration", "s", "How long realtime sessions stayed open.");

    public static readonly Counter<long> RealtimeEvents = Meter.CreateCounter<long>("audiosdk.client.realtime.events", "{event}",
        "Realtime events delivered, by type.");
}
