using AudioSdk.Internal;
using AudioSdk.LongForm;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;

namespace AudioSdk;

public partial class AudioClient
{
    /// <summary>
    /// Transcribes a recording of any length: splits it into chunks under the size and duration limits
    /// (WAV at quiet points, MP3 at frame boundaries, other formats through ffmpeg), transcribes them in
    /// parallel with the client's retries, and stitches text, segments, words and usage with timestamps
    /// shifted by each chunk's exact start. The format defaults to <c>verbose_json</c>, for timestamps.
    /// </summary>
    /// <param name="audio">The recording; a non-seekable stream is copied to a temporary file first.</param>
    /// <param name="options">The request's fields for every chunk; a JSON response format.</param>
    /// <param name="longForm">Limits, parallelism and progress; defaults apply when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels every chunk.</param>
    /// <returns>One transcript for the whole recording.</returns>
    /// <exception cref="ArgumentException">An option is invalid, or the format is not JSON.</exception>
    /// <exception cref="LongFormChunkException">A chunk failed for good; it names the chunk and keeps what the others produced.</exception>
    /// <exception cref="InvalidOperationException">The format needs ffmpeg to be split and ffmpeg is not installed.</exception>
    public virtual async Task<Transcription> TranscribeLongAsync(AudioInput audio, TranscriptionOptions options,
        LongFormOptions? longForm = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var format = options.ResponseFormat ?? TranscriptionFormat.VerboseJson;
        TranscriptionRequest.Validate(audio, options,
            Validation.JsonFormat(format, nameof(TranscribeLongAsync), "one typed transcript", nameof(TranscribeLongToTextAsync)));
        var chunkOptions = options with { ResponseFormat = format };
        return await LongFormRunner.RunAsync(
            audio,
            longForm,
            (input, ct) => TranscribeAsync(input, chunkOptions, ct),
            t => t.Text,
            LongFormStitcher.Transcriptions,
            (ex, partial) => ex.PartialTranscription = partial,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Transcribes a recording of any length into <c>text</c> (the default), <c>srt</c> or <c>vtt</c>: each
    /// chunk's body is parsed, shifted by the chunk's start, renumbered and written out as one document.
    /// </summary>
    /// <param name="audio">The recording.</param>
    /// <param name="options">The request's fields for every chunk.</param>
    /// <param name="longForm">Limits, parallelism and progress.</param>
    /// <param name="cancellationToken">Cancels every chunk.</param>
    /// <returns>One document for the whole recording, with the first chunk's metadata.</returns>
    public virtual async Task<AudioTextResult> TranscribeLongToTextAsync(AudioInput audio, TranscriptionOptions options,
        LongFormOptions? longForm = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var format = LongFormRunner.TextFormat(options.ResponseFormat);
        TranscriptionRequest.Validate(audio, options, LongFormRunner.TextFormatProblem(format));
        var chunkOptions = options with { ResponseFormat = format };
        return await LongFormRunner.RunAsync(
            audio,
            longForm,
            (input, ct) => TranscribeToTextAsync(input, chunkOptions, ct),
            t => t.Text,
            (parts, total) => LongFormStitcher.Texts(parts, format),
            (ex, partial) => ex.PartialText = partial.Text,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Translates a recording of any length into English, as <see cref="TranscribeLongAsync"/> does for transcription.</summary>
    /// <param name="audio">The recording.</param>
    /// <param name="options">The request's fields for every chunk; <c>verbose_json</c> by default.</param>
    /// <param name="longForm">Limits, parallelism and progress.</param>
    /// <param name="cancellationToken">Cancels every chunk.</param>
    /// <returns>One translation for the whole recording.</returns>
    public virtual async Task<Translation> TranslateLongAsync(AudioInput audio, TranslationOptions options,
        LongFormOptions? longForm = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var format = options.ResponseFormat ?? TranscriptionFormat.VerboseJson;
        TranslationRequest.Validate(audio, options,
            Validation.JsonFormat(format, nameof(TranslateLongAsync), "one typed translation", nameof(TranslateLongToTextAsync)));
        var chunkOptions = options with { ResponseFormat = format };
        return await LongFormRunner.RunAsync(
            audio,
            longForm,
            (input, ct) => TranslateAsync(input, chunkOptions, ct),
            t => t.Text,
            LongFormStitcher.Translations,
            (ex, partial) => ex.PartialTranslation = partial,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Translates a recording of any length into English <c>text</c>, <c>srt</c> or <c>vtt</c>.</summary>
    /// <param name="audio">The recording.</param>
    /// <param name="options">The request's fields for every chunk.</param>
    /// <param name="longForm">Limits, parallelism and progress.</param>
    /// <param name="cancellationToken">Cancels every chunk.</param>
    /// <returns>One document for the whole recording.</returns>
    public virtual async Task<AudioTextResult> TranslateLongToTextAsync(AudioInput audio, TranslationOptions options,
        LongFormOptions? longForm = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var format = LongFormRunner.TextFormat(options.ResponseFormat);
        TranslationRequest.Validate(audio, options, LongFormRunner.TextFormatProblem(format));
        var chunkOptions = options with { ResponseFormat = format };
        return await LongFormRunner.RunAsync(
            audio,
            longForm,
            (input, ct) => TranslateToTextAsync(input, chunkOptions, ct),
            t => t.Text,
            (parts, total) => LongFormStitcher.Texts(parts, format),
            (ex, partial) => ex.PartialText = partial.Text,
            cancellationToken).ConfigureAwait(false);
    }
}
