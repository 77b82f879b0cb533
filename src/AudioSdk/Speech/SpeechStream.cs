namespace AudioSdk.Speech;

/// <summary>
/// Speech audio as it arrives, chunk by chunk; enumerate it once. <see cref="Metadata"/> and
/// <see cref="ContentType"/> are set when the response's headers arrive (before the first chunk),
/// <see cref="Usage"/> when an SSE stream ends with <c>speech.audio.done</c>.
/// </summary>
public sealed class SpeechStream : IAsyncEnumerable<ReadOnlyMemory<byte>>
{
    private readonly Func<SpeechStream, CancellationToken, IAsyncEnumerable<ReadOnlyMemory<byte>>> _produce;
    private int _enumerated;

    internal SpeechStream(Func<SpeechStream, CancellationToken, IAsyncEnumerable<ReadOnlyMemory<byte>>> produce) => _produce = produce;

    /// <summary>The response's status, request id and headers; <see langword="null"/> until the response arrives.</summary>
    public ResponseMetadata? Metadata { get; internal set; }

    /// <summary>The audio's content type; <see langword="null"/> until the response arrives.</summary>
    public string? ContentType { get; internal set; }

    /// <summary>Token usage, when an SSE stream reported it at its end.</summary>
    public SpeechUsage? Usage { get; internal set; }

    /// <summary>Creates a stream over chunks that are already known, for tests and mocks.</summary>
    /// <param name="chunks">The chunks to yield.</param>
    /// <param name="contentType">The content type to report.</param>
    /// <param name="metadata">The metadata to report.</param>
    public static SpeechStream FromChunks(IEnumerable<ReadOnlyMemory<byte>> chunks, string contentType = "application/octet-stream", ResponseMetadata? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        return new SpeechStream((stream, ct) =>
        {
            stream.Metadata = metadata ?? ResponseMetadata.None;
            stream.ContentType = contentType;
            return Yield(chunks, ct);
        });

        static async IAsyncEnumerable<ReadOnlyMemory<byte>> Yield(IEnumerable<ReadOnlyMemory<byte>> chunks, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            foreach (var chunk in chunks)
            {
                ct.ThrowIfCancellationRequested();
                yield return chunk;
                await Task.Yield();
            }
        }
    }

    /// <summary>Starts the request and returns the chunks as they arrive. A second enumeration throws.</summary>
    /// <param name="cancellationToken">Cancels the request and the stream.</param>
    /// <exception cref="InvalidOperationException">The stream was already enumerated.</exception>
    public IAsyncEnumerator<ReadOnlyMemory<byte>> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException("A SpeechStream can be enumerated once; call StreamSpeechAsync again for another request.");
        }

        return _produce(this, cancellationToken).GetAsyncEnumerator(cancellationToken);
    }
}
