using System.Text.Json.Serialization;
using AudioSdk.Models;
using AudioSdk.Speech;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;
using AudioSdk.Usage;

namespace AudioSdk.Internal.Json;

/// <summary>Source-generated JSON metadata for every type the client reads: no reflection, trim- and AOT-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(Transcription))]
[JsonSerializable(typeof(TranscriptionSegment))]
[JsonSerializable(typeof(TranscriptionDiarizedSegment))]
[JsonSerializable(typeof(TranscriptionUsage))]
[JsonSerializable(typeof(List<TranscriptionTokenLogProbability>))]
[JsonSerializable(typeof(Translation))]
[JsonSerializable(typeof(SpeechUsage))]
[JsonSerializable(typeof(ModelInfo))]
[JsonSerializable(typeof(ModelListWire))]
[JsonSerializable(typeof(UsageReport))]
internal sealed partial class AudioSdkJsonContext : JsonSerializerContext
{
}

/// <summary>The envelope of <c>GET /models</c>.</summary>
internal sealed class ModelListWire
{
    public string? Object { get; set; }

    public List<ModelInfo>? Data { get; set; }
}
