using System.Globalization;
using AudioSdk.Internal;

namespace AudioSdk.Transcriptions;

/// <summary>The transcription request: what is checked before anything is sent, and the multipart fields from the options.</summary>
internal static class TranscriptionRequest
{
    internal static readonly HashSet<string> TranscriptionFieldNames = new(StringComparer.Ordinal)
    {
        "file", "model", "language", "languages[]", "keywords[]", "prompt", "response_format", "temperature", "timestamp_granularities[]",
        "include[]", "chunking_strategy", "stream", "known_speaker_names[]", "known_speaker_references[]",
    };

    internal static void ValidateTranscription(AudioInput audio, TranscriptionOptions options)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(options);
        Guard.OptionalModel(options.Model, nameof(TranscriptionOptions));
        Guard.Temperature(options.Temperature, nameof(TranscriptionOptions));
        var names = options.KnownSpeakerNames?.Count ?? 0;
        var references = options.KnownSpeakerReferences?.Count ?? 0;
        if (names > 4 || references > 4)
        {
            throw new ArgumentException("At most 4 known speakers are supported.", nameof(options));
        }

        if (names != references)
        {
            throw new ArgumentException($"KnownSpeakerNames has {names} entries and KnownSpeakerReferences {references}; each name needs one reference sample.", nameof(options));
        }

        foreach (var reference in options.KnownSpeakerReferences ?? [])
        {
            if (reference is null || !reference.StartsWith("data:", StringComparison.Ordinal))
            {
                throw new ArgumentException("KnownSpeakerReferences must be data URLs (data:audio/wav;base64,...); AddKnownSpeaker builds them.", nameof(options));
            }
        }

        Guard.AdditionalFields(options.AdditionalFields, TranscriptionFieldNames, nameof(TranscriptionOptions));
    }

    internal static List<KeyValuePair<string, string>> TranscriptionFields(TranscriptionOptions options, TranscriptionFormat format, bool stream)
    {
        var fields = new List<KeyValuePair<string, string>>();
        Add(fields, "model", options.Model);
        Add(fields, "language", options.Language);
        AddEach(fields, "languages[]", options.Languages);
        AddEach(fields, "keywords[]", options.Keywords);
        Add(fields, "prompt", options.Prompt);
        fields.Add(new("response_format", format.ToString()));
        if (options.Temperature is { } temperature)
        {
            fields.Add(new("temperature", temperature.ToString("R", CultureInfo.InvariantCulture)));
        }

        if (options.TimestampGranularities.HasFlag(TimestampGranularities.Word))
        {
            fields.Add(new("timestamp_granularities[]", "word"));
        }

        if (options.TimestampGranularities.HasFlag(TimestampGranularities.Segment))
        {
            fields.Add(new("timestamp_granularities[]", "segment"));
        }

        if (options.IncludeLogProbabilities)
        {
            fields.Add(new("include[]", "logprobs"));
        }

        Add(fields, "chunking_strategy", options.ChunkingStrategy?.ToString());
        if (stream)
        {
            fields.Add(new("stream", "true"));
        }

        AddEach(fields, "known_speaker_names[]", options.KnownSpeakerNames);
        AddEach(fields, "known_speaker_references[]", options.KnownSpeakerReferences);
        AddAdditional(fields, options.AdditionalFields);
        return fields;
    }

    internal static void Add(List<KeyValuePair<string, string>> fields, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            fields.Add(new(name, value));
        }
    }

    internal static void AddEach(List<KeyValuePair<string, string>> fields, string name, IEnumerable<string>? values)
    {
        foreach (var value in values ?? [])
        {
            Add(fields, name, value);
        }
    }

    internal static void AddAdditional(List<KeyValuePair<string, string>> fields, IDictionary<string, string>? additional)
    {
        foreach (var field in additional ?? new Dictionary<string, string>())
        {
            fields.Add(new(field.Key, field.Value));
        }
    }
}
