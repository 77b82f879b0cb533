namespace AudioSdk.Cli.Connection;

/// <summary>
/// Bounds the answer to a transcription or translation request: a body over <see cref="MaxBytes"/> (declared or
/// counted while it streams) fails with an <see cref="InvalidDataException"/>, which the SDK does not retry, instead
/// of being downloaded up to 2 GB on every attempt. A transcript of hours of speech is a few MiB.
/// </summary>
internal sealed class TranscriptSizeCapHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <summary>The largest transcript body accepted (64 MiB).</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var path = request.RequestUri?.AbsolutePath ?? string.Empty;
        if (!path.EndsWith("/audio/transcriptions", StringComparison.Ordinal)
            && !path.EndsWith("/audio/translations", StringComparison.Ordinal))
        {
            return response;
        }

        if (response.Content.Headers.ContentLength is > MaxBytes and var declared)
        {
            response.Dispose();
            throw TooLarge($"{declared} bytes");
        }

        var original = response.Content;
        var body = await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var capped = new StreamContent(new CappedStream(body));
        foreach (var header in original.Headers)
        {
            capped.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = capped;
        return response;
    }

    private static InvalidDataException TooLarge(string size) =>
        new($"the server's answer is over {MaxBytes / (1024 * 1024)} MiB ({size}), too large for a transcript; not retried");

    private sealed class CappedStream(Stream inner) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Count(int read)
        {
            _read += read;
            return _read > MaxBytes ? throw TooLarge("more than that streamed") : read;
        }
    }
}
