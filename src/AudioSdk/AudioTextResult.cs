namespace AudioSdk;

/// <summary>
/// A response body returned as text (<c>text</c>, <c>srt</c> or <c>vtt</c>, or any format asked for
/// raw), with the response's metadata. Converts implicitly to <see cref="string"/>.
/// </summary>
public sealed class AudioTextResult
{
    /// <summary>Creates a result; <see cref="AudioModelFactory"/> offers the same for tests.</summary>
    /// <param name="text">The body.</param>
    /// <param name="format">The response format asked for.</param>
    /// <param name="metadata">The response's metadata.</param>
    public AudioTextResult(string text, string format, ResponseMetadata metadata)
    {
        Text = text ?? throw new ArgumentNullException(nameof(text));
        Format = format ?? throw new ArgumentNullException(nameof(format));
        Metadata = metadata ?? throw new ArgumentNullException(nameof(metadata));
    }

    /// <summary>The body as the service sent it.</summary>
    public string Text { get; }

    /// <summary>The <c>response_format</c> the request asked for.</summary>
    public string Format { get; }

    /// <summary>The response's status, request id and headers.</summary>
    public ResponseMetadata Metadata { get; }

    /// <summary>The body.</summary>
    /// <param name="result">The result.</param>
    public static implicit operator string(AudioTextResult result) => result?.Text ?? string.Empty;

    /// <summary>The body.</summary>
    public override string ToString() => Text;
}
