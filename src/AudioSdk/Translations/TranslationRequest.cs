using System.Globalization;
using AudioSdk.Internal;
using AudioSdk.Transcriptions;

namespace AudioSdk.Translations;

/// <summary>The fields of <c>POST /audio/translations</c>: checked before sending, then written in the schema's order.</summary>
internal static class TranslationRequest
{
    private static readonly HashSet<string> FieldNames = new(StringComparer.Ordinal) { "file", "model", "prompt", "response_format", "temperature" };

    /// <summary>Throws <see cref="ArgumentException"/> for a missing model, a temperature out of range or an additional field that shadows a typed one.</summary>
    internal static void Validate(AudioInput audio, TranslationOptions options)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(options);
        Guard.Model(options.Model, nameof(TranslationOptions));
        Guard.Temperature(options.Temperature, nameof(TranslationOptions));
        Guard.AdditionalFields(options.AdditionalFields, FieldNames, nameof(TranslationOptions));
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
