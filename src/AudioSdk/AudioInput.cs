using AudioSdk.Audio;
using AudioSdk.Internal.Http;

namespace AudioSdk;

/// <summary>
/// Audio to upload: a file, a stream (seekable or not) or bytes. Uploads stream from the source and
/// never buffer it whole. The file name and content type come from the name given or, when there is
/// none, from the first bytes (WAV, MP3, FLAC, OGG, WebM, MP4/M4A, AAC).
/// </summary>
public sealed partial class AudioInput
{
    private readonly string? _path;
    private readonly Stream? _stream;
    private readonly long _streamStart;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly AudioSource? _source;
    private int _consumed;

    private AudioInput(AudioSource source, string fileName, string contentType)
    {
        _source = source;
        FileName = fileName;
        ContentType = contentType;
    }

    private AudioInput(string? path, Stream? stream, ReadOnlyMemory<byte> bytes, string? fileName, string? contentType)
    {
        _path = path;
        _stream = stream;
        _bytes = bytes;
        FileName = fileName;
        ContentType = contentType;
        if (stream is { CanSeek: true })
        {
            _streamStart = stream.Position;
        }
    }

    /// <summary>The file name sent with the upload, when known before the first bytes are read.</summary>
    public string? FileName { get; }

    /// <summary>The content type sent with the upload, when given or known from the file name.</summary>
    public string? ContentType { get; }

    /// <summary>
    /// True when the upload can be sent again (files, bytes and seekable streams), which retries need.
    /// A non-seekable stream can be sent once.
    /// </summary>
    public bool IsReplayable => _source?.IsReplayable ?? (_stream is null || _stream.CanSeek);

    /// <summary>Audio read from a file each time it is sent; the file stays closed between sends.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="contentType">The content type; by default it follows from the extension or the first bytes.</param>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public static AudioInput FromFile(string path, string? contentType = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var name = Path.GetFileName(path);
        return new AudioInput(path, null, default, name, contentType
            ?? AudioFormatSniffer.ContentTypeForExtension(Path.GetExtension(name)));
    }

    /// <summary>
    /// Audio read from a stream, from its current position. The caller keeps ownership: the stream is
    /// not disposed. A seekable stream is rewound for each retry; a non-seekable one can be sent once.
    /// </summary>
    /// <param name="stream">The readable stream.</param>
    /// <param name="fileName">The file name to send, such as <c>call.mp3</c>; by default one is chosen from the first bytes.</param>
    /// <param name="contentType">The content type; by default it follows from the name or the first bytes.</param>
    /// <exception cref="ArgumentException">The stream cannot be read.</exception>
    public static AudioInput FromStream(Stream stream, string? fileName = null, string? contentType = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream must be readable.", nameof(stream));
        }

        return new AudioInput(null, stream, default, fileName, contentType
            ?? AudioFormatSniffer.ContentTypeForExtension(Path.GetExtension(fileName)));
    }

    /// <summary>Audio held in memory.</summary>
    /// <param name="bytes">The encoded audio (a whole file's bytes).</param>
    /// <param name="fileName">The file name to send; by default one is chosen from the first bytes.</param>
    /// <param name="contentType">The content type; by default it follows from the name or the first bytes.</param>
    public static AudioInput FromBytes(ReadOnlyMemory<byte> bytes, string? fileName = null, string? contentType = null) =>
        new(null, null, bytes, fileName, contentType ?? AudioFormatSniffer.ContentTypeForExtension(Path.GetExtension(fileName)));

    /// <summary>An input over a prepared source (a chunk of a long recording).</summary>
    internal static AudioInput FromSource(AudioSource source, string fileName, string contentType) => new(source, fileName, contentType);

    /// <summary>
    /// Opens the input for positional reads, for splitting. A file is opened; bytes are used in place; a seekable
    /// stream is read under a lock; a non-seekable stream is first copied to a temporary file (deleted afterwards).
    /// </summary>
    internal async Task<RandomAccessAudio> OpenRandomAccessAsync(CancellationToken cancellationToken)
    {
        if (_path is not null)
        {
            if (!File.Exists(_path))
            {
                throw new FileNotFoundException($"The audio file '{_path}' does not exist.", _path);
            }

            return new FileRandomAccess(_path);
        }

        if (_stream is null)
        {
            return new MemoryRandomAccess(_bytes);
        }

        if (_stream.CanSeek)
        {
            return new StreamRandomAccess(_stream, _streamStart);
        }

        if (Interlocked.Exchange(ref _consumed, 1) != 0)
        {
            throw new InvalidOperationException("This AudioInput wraps a non-seekable stream that was already read; create a new AudioInput.");
        }

        var temp = Path.Combine(Path.GetTempPath(),
            "audiosdk-" + Guid.NewGuid().ToString("N") + Path.GetExtension(FileName ?? string.Empty));
        var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            await _stream.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }

        return new FileRandomAccess(temp, deleteOnDispose: true);
    }

    /// <inheritdoc />
    public override string ToString() => $"AudioInput {{ FileName = {FileName ?? "(from content)"}, ContentType = {ContentType ?? "(from content)"}, Replayable = {IsReplayable} }}";

    /// <summary>
    /// Checks the input (it exists, it is not empty, a one-shot stream was not used already), reads the
    /// first bytes where the name or type must be sniffed, and returns what the request builder needs.
    /// Runs before any network call.
    /// </summary>
    internal async ValueTask<PreparedAudio> PrepareAsync(CancellationToken cancellationToken)
    {
        if (_source is not null)
        {
            return new PreparedAudio(FileName!, ContentType!, _source);
        }

        if (_path is not null)
        {
            var info = new FileInfo(_path);
            if (info.LinkTarget is not null)
            {
                // A link's own size is its target's name: size the upload from the file it leads to (through every link).
                info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
            }

            if (!info.Exists)
            {
                throw new FileNotFoundException($"The audio file '{_path}' does not exist.", _path);
            }

            if (info.Length == 0)
            {
                throw new ArgumentException($"The audio file '{_path}' is empty.", "audio");
            }

            byte[] header = [];
            if (ContentType is null)
            {
                var probe = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
                await using var probeScope = probe.ConfigureAwait(false);
                header = await ReadHeaderAsync(probe, cancellationToken).ConfigureAwait(false);
            }

            return Resolve(header, new FileSource(_path, info.Length));
        }

        if (_stream is null)
        {
            if (_bytes.IsEmpty)
            {
                throw new ArgumentException("The audio is empty.", "audio");
            }

            return Resolve(_bytes.Span[..Math.Min(_bytes.Length, AudioFormatSniffer.HeaderLength)], new MemorySource(_bytes));
        }

        if (_stream.CanSeek)
        {
            _stream.Position = _streamStart;
            var length = _stream.Length - _streamStart;
            if (length <= 0)
            {
                throw new ArgumentException("The audio stream is empty.", "audio");
            }

            var header = await ReadHeaderAsync(_stream, cancellationToken).ConfigureAwait(false);
            _stream.Position = _streamStart;
            return Resolve(header, new SeekableStreamSource(_stream, _streamStart, length));
        }

        if (Interlocked.Exchange(ref _consumed, 1) != 0)
        {
            throw new InvalidOperationException("This AudioInput wraps a non-seekable stream that was already sent; create a new AudioInput for each request.");
        }

        var prefix = await ReadHeaderAsync(_stream, cancellationToken).ConfigureAwait(false);
        if (prefix.Length == 0)
        {
            throw new ArgumentException("The audio stream is empty.", "audio");
        }

        return Resolve(prefix, new OneShotStreamSource(_stream, prefix));
    }

    private PreparedAudio Resolve(ReadOnlySpan<byte> header, AudioSource source)
    {
        var sniffed = AudioFormatSniffer.Detect(header);
        var fileName = FileName;
        if (string.IsNullOrEmpty(fileName))
        {
            fileName = sniffed is { } s ? "audio." + s.Extension : "audio";
        }

        var contentType = ContentType ?? sniffed?.ContentType ?? "application/octet-stream";
        return new PreparedAudio(fileName, contentType, source);
    }

    private static async Task<byte[]> ReadHeaderAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[AudioFormatSniffer.HeaderLength];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return read == buffer.Length ? buffer : buffer[..read];
    }
}
