namespace AudioSdk.Internal;

/// <summary>Removes a secret (an API key) from text before it reaches an exception, an event or a log line.</summary>
internal static class SecretRedactor
{
    /// <summary>Returns <paramref name="text"/> with every occurrence of <paramref name="secret"/> (case-sensitive) replaced by <c>***</c>.</summary>
    /// <param name="text">The text; <see langword="null"/> stays <see langword="null"/>.</param>
    /// <param name="secret">The secret; nothing is replaced when it is null or empty.</param>
    public static string? Redact(string? text, string? secret) =>
        text is null || string.IsNullOrEmpty(secret) || !text.Contains(secret, StringComparison.Ordinal)
            ? text
            : text.Replace(secret, "***", StringComparison.Ordinal);
}
