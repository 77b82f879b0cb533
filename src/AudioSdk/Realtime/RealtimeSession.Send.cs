using AudioSdk.Audio;
using AudioSdk.Internal.Diagnostics;

namespace AudioSdk.Realtime;

/// <summary>The send side: audio into the uplink, commits and clears through the driver (which sends through the channel).</summary>
public partial class RealtimeSession
{
    /// <summary>
    /// Sends little-endian PCM16 mono audio at <see cref="RealtimeSessionOptions.InputSampleRate"/>, in chunks of
    /// <see cref="RealtimeSessionOptions.ChunkDuration"/> with whole samples only: an odd byte waits for the next call,
    /// and is dropped (logged at Debug) if a commit or clear comes first, so it never reaches the next utterance.
    /// </summary>
    /// <param name="pcm16">The audio bytes.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <exception cref="RealtimeException">The connection closed, or the server refused the session's configuration.</exception>
    public virtual async Task SendAudioAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        await _audioLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _uplink.SendPcmAsync(pcm16, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _audioLock.Release();
        }
    }

    /// <summary>Sends PCM16 samples at <see cref="RealtimeSessionOptions.InputSampleRate"/>.</summary>
    /// <param name="samples">The samples.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <exception cref="RealtimeException">The connection closed.</exception>
    public virtual Task SendAudioAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken = default) =>
        SendAudioAsync(samples.IsEmpty ? ReadOnlyMemory<byte>.Empty : Pcm16.ToBytes(samples.Span), cancellationToken);

    /// <summary>
    /// Sends a WAV file's audio: any PCM (8, 16, 24, 32-bit) or 32-bit float WAV, downmixed to mono and resampled to
    /// the wire rate, whatever <see cref="RealtimeSessionOptions.InputSampleRate"/> says. Streamed 100 ms at a time.
    /// Headers are checked before anything is sized from them: 1 Hz to 768 kHz, 1 to 32 channels.
    /// </summary>
    /// <param name="wav">The WAV stream, read to its end.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <exception cref="WavFormatException">The stream is not a readable WAV, or its header is outside the limits.</exception>
    /// <exception cref="RealtimeException">The connection closed.</exception>
    public virtual async Task SendWavAsync(Stream wav, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wav);
        ThrowIfUnusable();
        await _audioLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _uplink.SendWavAsync(wav, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _audioLock.Release();
        }
    }

    /// <summary>Sends a WAV file from disk, as <see cref="SendWavAsync"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <exception cref="WavFormatException">The file is not a readable WAV, or its header is outside the limits.</exception>
    /// <exception cref="RealtimeException">The connection closed.</exception>
    public virtual async Task SendWavFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = File.OpenRead(path);
        await using (file.ConfigureAwait(false))
        {
            await SendWavAsync(file, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends the utterance: the OpenAI dialect's <c>input_audio_buffer.commit</c> (waits for <c>committed</c>),
    /// or the native <c>commit {final: true}</c> (the <see cref="Committed"/> event is synthesized at once).
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The committed utterance, with its item id.</returns>
    /// <exception cref="RealtimeException">The server refused (for example an empty buffer, or an unknown model), or the connection
    /// closed.</exception>
    /// <exception cref="AudioTransportException">A timeout (<see cref="AudioTransportException.IsTimeout"/>): no answer within
    /// <see cref="RealtimeSessionOptions.ResponseTimeout"/>.</exception>
    public virtual async Task<Committed> CommitAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        await _audioLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await _uplink.EndUtteranceAsync(cancellationToken).ConfigureAwait(false))
            {
                Log.RealtimeOddByteDropped(_channel.Logger, "commit");
            }

            return await _driver.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _audioLock.Release();
        }
    }

    /// <summary>Discards the audio of the utterance under way (native dialect: closes its connection; the next audio opens a new
    /// one).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="RealtimeException">The server refused, or the connection closed.</exception>
    /// <exception cref="AudioTransportException">A timeout (<see cref="AudioTransportException.IsTimeout"/>): no answer within
    /// <see cref="RealtimeSessionOptions.ResponseTimeout"/>.</exception>
    public virtual async Task<Cleared> ClearAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        await _audioLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_uplink.Discard())
            {
                Log.RealtimeOddByteDropped(_channel.Logger, "clear");
            }

            return await _driver.ClearAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _audioLock.Release();
        }
    }
}
