using AudioSdk.Internal.Http;

namespace AudioSdk.Speech;

/// <summary>
/// Speech audio as it arrives; consume it once, in one of three ways:
/// <list type="bullet">
/// <item><see cref="CopyToAsync"/> writes the audio to a stream (a file, a player, a response body) with no copy beyond
/// one pooled buffer: the cheapest way.</item>
/// <item><see cref="OpenReadAsync"/> returns a read-only <see cref="Stream"/> over the audio, for APIs that take a stream.</item>
/// <item><c>await foreach</c> yields chunks of up to 16 KiB as they arrive. Each chunk is a new array the caller may
/// keep, so enumeration allocates about as many bytes as the audio has.</item>
/// <item><see cref="ReadPooledChunksAsync"/> yields chunks as they arrive in one pooled buffer that is reused: as fast as
/// <see cref="CopyToAsync"/>, with no allocation per chunk, but each chunk is valid only until the next
/// <c>MoveNextAsync</c> (copy what you keep).</item>
/// </list>
/// <see cref="Metadata"/> and <see cref="ContentType"/> are set when the response's headers arrive (before the first
/// byte), <see cref="Usage"/> when an SSE stream ends with <c>speech.audio.done</c>.
/// </summary>
public sealed class SpeechStream : IAsyncEnumerable<ReadOnlyMemory<byte>>
{
    private const int CopyBufferSize = 64 * 1024;
    private readonly Func<SpeechStream, CancellationToken, IAsyncEnumerable<ReadOnlyMemory<byte>>> _produce;
    private readonly Func<SpeechStream, CancellationToken, Task<Stream>>? _open;
    private int _enumerated;

    internal SpeechStream(Func<SpeechStream, CancellationToken, IAsyncEnumerable<ReadOnlyMemory<byte>>> produce, Func<SpeechStream,
        CancellationToken, Task<Stream>>? open = null)
    {
        _produce = produce;
        _open = open;
    }

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
    public static SpeechStream FromChunks(IEnumerable<ReadOnlyMemory<byte>> chunks, string contentType = "application/octet-stream",
        ResponseMetadata? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        return new SpeechStream((stream, ct) =>
        {
            stream.Metadata = metadata ?? ResponseMetadata.None;
            stream.ContentType = contentType;
            return Yield(chunks, ct);
        });

        static async IAsyncEnumerable<ReadOnlyMemory<byte>> Yield(IEnumerable<ReadOnlyMemory<byte>> chunks,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            foreach (var chunk in chunks)
            {
                ct.ThrowIfCancellationRequested();
                yield return chunk;
                await Task.Yield();
            }
        }
    }

    /// <summary>Starts the request and returns the chunks as they arrive (each a new array). A second use throws.</summary>
    /// <param name="cancellationToken">Cancels the request and the stream.</param>
    /// <exception cref="InvalidOperationException">The stream was already consumed.</exception>
    public IAsyncEnumerator<ReadOnlyMemory<byte>> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        TakeOnce();
        return _produce(this, cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    /// <summary>
    /// Starts the request and returns a read-only, non-seekable stream over the audio, read straight from the response.
    /// Dispose it to end the request. A second use of this object throws. Reads of raw audio may block
    /// (<see cref="Stream.Read(byte[], int, int)"/>) and are bounded by the same timeouts as asynchronous ones; an SSE
    /// stream is decoded as it arrives and reads only asynchronously (a blocking read throws <see cref="NotSupportedException"/>).
    /// </summary>
    /// <param name="cancellationToken">Cancels the request and every later read.</param>
    /// <returns>The audio as a stream, once the response's headers have arrived.</returns>
    /// <exception cref="InvalidOperationException">The stream was already consumed.</exception>
    /// <exception cref="AudioServiceException">The service answered with an error (reads may raise one from an SSE stream too).</exception>
    /// <exception cref="AudioTransportException">The connection failed, broke or timed out after the retries (see
    /// <see cref="AudioTransportException.IsTimeout"/>; the cause is the inner exception), before or while the body was
    /// streaming.</exception>
    public Task<Stream> OpenReadAsync(CancellationToken cancellationToken = default)
    {
        TakeOnce();
        return _open is { } open ? open(this,
            cancellationToken) : Task.FromResult<Stream>(new ChunkReadStream(_produce(this,
            cancellationToken).GetAsyncEnumerator(cancellationToken)));
    }

    /// <summary>
    /// Starts the request and writes the audio to <paramref name="destination"/> as it arrives, through one pooled
    /// buffer (no allocation per chunk). A second use of this object throws.
    /// </summary>
    /// <param name="destination">Where the audio goes; it is not disposed.</param>
    /// <param name="cancellationToken">Cancels the request, the reads and the writes.</param>
    /// <returns>The number of audio bytes written.</returns>
    /// <exception cref="InvalidOperationException">The stream was already consumed.</exception>
    /// <exception cref="AudioServiceException">The service answered with an error, before or during the audio.</exception>
    /// <exception cref="AudioTransportException">The connection failed, broke or timed out after the retries (see
    /// <see cref="AudioTransportException.IsTimeout"/>; the cause is the inner exception), before or while the body was
    /// streaming.</exception>
    public async Task<long> CopyToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var source = await OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(CopyBufferSize);
            try
            {
                long total = 0;
                int read;
                while ((read = await source.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    total += read;
                }

                return total;
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Starts the request when enumerated and yields the audio as it arrives, read straight from the response into one
    /// pooled buffer of 64 KiB that every chunk reuses: no allocation per chunk, at the speed of <see cref="CopyToAsync"/>.
    /// A second use of this object throws.
    /// </summary>
    /// <remarks>
    /// A chunk is valid only until the next <c>MoveNextAsync</c> or the enumerator's disposal: the next read overwrites
    /// it, and the buffer goes back to <see cref="System.Buffers.ArrayPool{T}.Shared"/> when the enumeration ends. Write
    /// or copy each chunk before asking for the next one (<c>chunk.ToArray()</c> keeps it); do not hold it across
    /// iterations or hand it to work that outlives the iteration. Plain <c>await foreach</c> over this object yields
    /// chunks the caller may keep.
    /// </remarks>
    /// <param name="cancellationToken">Cancels the request and the reads (as does the enumerator's token).</param>
    /// <returns>The audio, chunk by chunk, each valid until the next move.</returns>
    /// <exception cref="InvalidOperationException">The stream was already consumed.</exception>
    /// <exception cref="AudioServiceException">The service answered with an error, before or during the audio.</exception>
    /// <exception cref="AudioTransportException">The connection failed, broke or timed out after the retries (see
    /// <see cref="AudioTransportException.IsTimeout"/>; the cause is the inner exception), before or while the body was
    /// streaming.</exception>
    public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadPooledChunksAsync(CancellationToken cancellationToken = default) =>
        ReadPooledChunksCoreAsync(cancellationToken, default);

    private async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadPooledChunksCoreAsync(CancellationToken callToken,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken enumeratorToken)
    {
        using var linked = callToken.CanBeCanceled
            && enumeratorToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(callToken, enumeratorToken) : null;
        var token = linked?.Token ?? (enumeratorToken.CanBeCanceled ? enumeratorToken : callToken);
        var source = await OpenReadAsync(token).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(CopyBufferSize);
            try
            {
                int read;
                while ((read = await source.ReadAsync(buffer.AsMemory(0, CopyBufferSize), token).ConfigureAwait(false)) > 0)
                {
                    yield return buffer.AsMemory(0, read);
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private void TakeOnce()
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException("A SpeechStream can be consumed once; call StreamSpeechAsync again for another request.");
        }
    }
}
