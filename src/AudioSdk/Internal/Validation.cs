namespace AudioSdk.Internal;

/// <summary>
/// The one validation shape of the SDK: every options and request type collects its problems into a list, then
/// <see cref="ThrowIfAny"/> throws one <see cref="ArgumentException"/> naming all of them, before any network call.
/// The checks shared by several request types live here too.
/// </summary>
internal static class Validation
{
    /// <summary>Throws one exception listing every problem, when there is any.</summary>
    /// <param name="problems">The problems found, each a sentence.</param>
    /// <param name="subject">What was checked, such as <c>TranscriptionOptions</c>.</param>
    /// <param name="paramName">The parameter the exception names.</param>
    public static void ThrowIfAny(List<string> problems, string subject, string? paramName = "options")
    {
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid {subject}: " + string.Join(" ", problems), paramName);
        }
    }

    /// <summary>The problem with a format for a method that parses the body as JSON, or <see langword="null"/>.</summary>
    /// <param name="format">The format asked for.</param>
    /// <param name="method">The typed method, such as <c>TranscribeAsync</c>.</param>
    /// <param name="result">What the method returns, such as <c>a typed transcript</c>.</param>
    /// <param name="textMethod">The method to use for a text format.</param>
    public static string? JsonFormat(Transcriptions.TranscriptionFormat format, string method, string result, string textMethod) =>
        format.IsJson ? null : $"{method} returns {result} and needs a JSON response format; '{format}' has a text body, so use {textMethod}.";

    /// <summary>A model the request cannot do without.</summary>
    public static void RequiredModel(List<string> problems, string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            problems.Add("Model is required (for example \"whisper-1\" or the provider's model id).");
        }
    }

    /// <summary>
    /// A model the caller may leave out (<see langword="null"/>: no <c>model</c> field is sent and the provider applies
    /// its documented default), but never set to an empty or blank name, which is always a mistake.
    /// </summary>
    public static void OptionalModel(List<string> problems, string? model)
    {
        if (model is not null && string.IsNullOrWhiteSpace(model))
        {
            problems.Add("Model is blank; set a model id (for example \"whisper-1\") or leave it null so the provider applies its default.");
        }
    }

    /// <summary>A sampling temperature, when set, between 0 and 1.</summary>
    public static void Temperature(List<string> problems, float? temperature)
    {
        if (temperature is { } t && (float.IsNaN(t) || t < 0 || t > 1))
        {
            problems.Add($"Temperature must be between 0 and 1 (was {t}).");
        }
    }

    /// <summary>Extra form fields: named, with a value, and never one a typed property already sets.</summary>
    public static void AdditionalFields(List<string> problems, IDictionary<string, string>? fields, ICollection<string> reserved,
        string optionsName)
    {
        foreach (var field in fields ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrWhiteSpace(field.Key))
            {
                problems.Add("AdditionalFields has an empty field name.");
            }
            else if (reserved.Contains(field.Key))
            {
                problems.Add($"AdditionalFields sets '{field.Key}', which a property of {optionsName} already sets; use that property.");
            }
            else if (field.Value is null)
            {
                problems.Add($"AdditionalFields['{field.Key}'] is null.");
            }
        }
    }
}
