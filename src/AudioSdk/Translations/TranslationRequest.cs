using System.Globalization;
using AudioSdk.Internal;
using AudioSdk.Transcriptions;

namespace AudioSdk.Translations;

/// <summary>The fields of <c>POST /audio/translations</c>: checked before sending, then written in the schema's order.</summary>
internal static class TranslationRequest
{
    internal const string Path = "audio/translations";

    private static readonly HashSet<string> FieldNames = new(StringComparer.Ordinal) { "file", "model", "prompt", "response_format",
        "temperature" };

    /// <summary>
    /// Checks the request before anything is sent and throws one <see cref="ArgumentException"/> naming every problem,
    /// <paramref name="formatProblem"/> (what the calling method finds wrong with the response format) among them.
    /// </summary>
    internal static void Validate(AudioInput audio, TranslationOptions options, string? formatProblem = null)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (formatProblem is not null)
        {
            problems.Add(formatProblem);
        }

        Validation.RequiredModel(problems, options.Model);
        Validation.Temperature(problems, options.Temperature);
        Validation.AdditionalFields(problems, options.AdditionalFields, FieldNames, nameof(TranslationOptions));
        Validation.ThrowIfAny(problems, nameof(TranslationOptions));
    }

    /// <summary>The form fields other than the file.</summary>
    internal static List<KeyValuePair<string, string>> Fields(TranslationOptions options, TranscriptionFormat format)
    {
        var fields = new List<KeyValuePair<string, string>> { new("model", options.Model!) };
        TranscriptionRequest.Add(fields, "prompt", options.Prompt);
        fields.Add(new("response_format", format.ToString()));
        if (options.Temperature is { } temperature)
        {
            fields.Add(new("temperature", temperature.ToString("R", CultureInfo.InvariantCulture)));
        }

        TranscriptionRequest.AddAdditional(fields, options.AdditionalFields);
        return fields;
    }
}
