using System.Text.Json;
using AudioSdk.Internal.Json;

namespace AudioSdk.Transcriptions;

/// <summary>
/// <c>segments</c> holds Whisper segments (numeric ids, decoding statistics) in <c>verbose_json</c> and
/// speaker segments (string ids, <c>speaker</c>) in <c>diarized_json</c>; this tells them apart by shape.
/// </summary>
internal static class SegmentReader
{
    public static (IReadOnlyList<TranscriptionSegment> Segments,
        IReadOnlyList<TranscriptionDiarizedSegment> Diarized) Read(JsonElement? raw)
    {
        if (raw is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() == 0)
        {
            return ([], []);
        }

        if (IsDiarized(array[0]))
        {
            var diarized = new List<TranscriptionDiarizedSegment>(array.GetArrayLength());
            foreach (var item in array.EnumerateArray())
            {
                diarized.Add(item.Deserialize(AudioSdkJsonContext.Default.TranscriptionDiarizedSegment)!);
            }

            return ([], diarized);
        }

        var segments = new List<TranscriptionSegment>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            segments.Add(item.Deserialize(AudioSdkJsonContext.Default.TranscriptionSegment)!);
        }

        return (segments, []);
    }

    private static bool IsDiarized(JsonElement segment) =>
        segment.ValueKind == JsonValueKind.Object &&
        (segment.TryGetProperty("speaker", out _) || (segment.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String));
}
