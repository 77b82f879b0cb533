namespace AudioSdk.Speech;

/// <summary>Generated speech: the audio bytes, their content type and the response's metadata.</summary>
public sealed class SpeechResult
{
    /// <summary>Creates a result; <see cref="AudioModelFactory"/> offers the same for tests.</summary>
    /// <param name="audio">The audio bytes.</param>
    /// <param name="contentType">Their content type, such as <c>audio/wav</c>.</param>
    /// <param name="metadata">The response's metadata.</param>
    /// <param name="usage">Token usage, when the service reported it.</param>
    public SpeechResult(ReadOnlyMemory<byte> audio, string contentType, ResponseMetadata metadata, SpeechUsage? usage = null)
    {
        Audio = audio;
        ContentType = contentType ?? throw new ArgumentNullException(nameof(contentType));
        Metadata = metadata ?? throw new ArgumentNullException(nameof(metadata));
        Usage = usage;
    }

    /// <summary>The audio bytes.</summary>
    public ReadOnlyMemory<byte> Audio { get; }

    /// <summary>
    /// The content type the service sent; when it sent none or a generic <c>application/octet-stream</c>, the type the
    /// audio's first bytes show (a provider may answer WAV whatever was asked), else the requested format's. For SSE,
    /// the one that matches the requested format.
    /// </summary>
    public string ContentType { get; }

    /// <summary>The response's status, request id and headers.</summary>
    public ResponseMetadata Metadata { get; }

    /// <summary>Token usage, when the service reported it (SSE form).</summary>
    public SpeechUsage? Usage { get; }

    /// <summary>A read-only stream over the audio, without a copy.</summary>
    public Stream ToStream() => new Internal.Http.ReadOnlyMemoryStream(Audio);

    /// <summary>Writes the audio to a file, replacing it if it exists.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
        await using var fileScope = file.ConfigureAwait(false);
        await file.WriteAsync(Audio, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override string ToString() => $"SpeechResult {{ {Audio.Length} bytes of {ContentType} }}";
}
