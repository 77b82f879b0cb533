using System.Globalization;
using AudioSdk.Internal;

namespace AudioSdk.Transcriptions;

/// <summary>The transcription request: what is checked before anything is sent, and the multipart fields from the options.</summary>
internal static class TranscriptionRequest
{
    internal const string Path = "audio/transcriptions";

    internal static readonly HashSet<string> FieldNames = new(StringComparer.Ordinal)
    {
        "file", "model", "language", "languages[]", "keywords[]", "prompt", "response_format", "temperature", "timestamp_granularities[]",
        "include[]", "chunking_strategy", "stream", "known_speaker_names[]", "known_speaker_references[]",
    };

    /// <summary>
    /// Checks the request before anything is sent and throws one <see cref="ArgumentException"/> naming every problem,
    /// <paramref name="formatProblem"/> (what the calling method finds wrong with the response format) among them.
    /// </summary>
    internal static void Validate(AudioInput audio, TranscriptionOptions options, string? formatProblem = null)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (formatProblem is not null)
        {
            problems.Add(formatProblem);
        }

        Validation.OptionalModel(problems, options.Model);
        Validation.Temperature(problems, options.Temperature);
        var names = options.KnownSpeakerNames?.Count ?? 0;
        var references = options.KnownSpeakerReferences?.Count ?? 0;
        if (names > 4 || references > 4)
        {
            problems.Add("At most 4 known speakers are supported.");
        }

        if (names != references)
        {
            problems.Add($"KnownSpeakerNames has {names} entries and KnownSpeakerReferences {references}; each name needs one reference sample.");
        }

        if ((options.KnownSpeakerReferences ?? []).Any(reference => reference is null
            || !reference.StartsWith("data:", StringComparison.Ordinal)))
        {
            problems.Add("KnownSpeakerReferences must be data URLs (data:audio/wav;base64,...); AddKnownSpeaker builds them.");
        }

        Validation.AdditionalFields(problems, options.AdditionalFields, FieldNames, nameof(TranscriptionOptions));
        Validation.ThrowIfAny(problems, nameof(TranscriptionOptions));
    }

    /// <summary>The form fields other than the file.</summary>
    internal static List<KeyValuePair<string, string>> Fields(TranscriptionOptions options, TranscriptionFormat format, bool stream)
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
