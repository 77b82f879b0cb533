namespace AudioSdk.Internal;

/// <summary>Argument checks shared by the operations; all run before any network call.</summary>
internal static class Guard
{
    public static string Model(string? model, string optionsName)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new ArgumentException($"{optionsName}.Model is required (for example \"whisper-1\" or the provider's model id).", "options");
        }

        return model;
    }

    /// <summary>
    /// A model the caller may leave out (<see langword="null"/>: no <c>model</c> field is sent and the provider applies
    /// its documented default), but never set to an empty or blank name, which is always a mistake.
    /// </summary>
    public static void OptionalModel(string? model, string optionsName)
    {
        if (model is not null && string.IsNullOrWhiteSpace(model))
        {
            throw new ArgumentException($"{optionsName}.Model is blank; set a model id (for example \"whisper-1\") or leave it null so the provider applies its default.", "options");
        }
    }

    public static void Temperature(float? temperature, string optionsName)
    {
        if (temperature is { } t && (float.IsNaN(t) || t < 0 || t > 1))
        {
            throw new ArgumentOutOfRangeException("options", temperature, $"{optionsName}.Temperature must be between 0 and 1.");
        }
    }

    public static void AdditionalFields(IDictionary<string, string>? fields, ICollection<string> reserved, string optionsName)
    {
        if (fields is null)
        {
            return;
        }

        foreach (var field in fields)
        {
            if (string.IsNullOrWhiteSpace(field.Key))
            {
                throw new ArgumentException($"{optionsName}.AdditionalFields has an empty field name.", "options");
            }

            if (reserved.Contains(field.Key))
            {
                throw new ArgumentException($"{optionsName}.AdditionalFields sets '{field.Key}', which a property of {optionsName} already sets; use that property.", "options");
            }

            if (field.Value is null)
            {
                throw new ArgumentException($"{optionsName}.AdditionalFields['{field.Key}'] is null.", "options");
            }
        }
    }
}
