using System.Threading.Channels;
using AudioSdk.Audio.Interop;
using AudioSdk.Realtime.Uplink;
using NAudio.Wave;

namespace AudioSdk.Realtime;

/// <summary>NAudio sources: a provider pulled to its end, or a capture device (<see cref="IWaveIn"/>) pushed as it records.</summary>
public partial class RealtimeSession
{
    private static readonly TimeSpan PullBlock = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Sends an NAudio provider's audio, read 20 ms at a time until it returns 0: any PCM (8, 16, 24, 32-bit), 32-bit
    /// float, extensible or G.711 format at any rate and channel count, downmixed and resampled by the SDK to the wire
    /// rate (<see cref="RealtimeSessionOptions.InputSampleRate"/> and <see cref="RealtimeSessionOptions.InputEncoding"/> do
    /// not apply). A provider that never ends (a live buffer) is sent until <paramref name="cancellationToken"/> fires.
    /// </summary>
    /// <param name="source">The provider.</param>
    /// <param name="cancellationToken">Stops the sending.</param>
    /// <exception cref="ArgumentException">A format the SDK cannot read (convert it with NAudio first).</exception>
    /// <exception cref="RealtimeException">The connection closed.</exception>
    public virtual async Task SendAudioAsync(IWaveProvider source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ThrowIfUnusable();
        var stage = new FrameStage(source.WaveFormat, _driver.WireSampleRate, nameof(source));
        var buffer = new byte[stage.BytesFor(PullBlock)];
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = Math.Clamp(WaveIo.Read(source, buffer, 0, buffer.Length), 0, buffer.Length);
            if (read == 0)
            {
                break;
            }

            await SendConvertedAsync(stage.Process(buffer.AsSpan(0, read)), cancellationToken).ConfigureAwait(false);
        }

        await SendConvertedAsync(stage.Flush(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends an NAudio sample provider's audio (32-bit float at its own rate and channels), as
    /// <see cref="SendAudioAsync(IWaveProvider, CancellationToken)"/>.</summary>
    /// <param name="source">The provider.</param>
    /// <param name="cancellationToken">Stops the sending.</param>
    /// <exception cref="RealtimeException">The connection closed.</exception>
    public virtual Task SendAudioAsync(ISampleProvider source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return SendAudioAsync(new NAudio.Wave.SampleProviders.SampleToWaveProvider(source), cancellationToken);
    }

    /// <summary>
    /// Starts recording on an NAudio capture device (<c>WaveInEvent</c>, <c>WasapiCapture</c>, or the SDK's own
    /// <see cref="IWaveIn"/> devices) and sends each buffer as it arrives, converted from the device's format; ends when
    /// the recording stops (a device error is rethrown) or <paramref name="cancellationToken"/> fires, and always stops
    /// the recording and detaches from the device before it returns. The device stays the caller's to dispose.
    /// </summary>
    /// <param name="waveIn">The capture device, not yet recording.</param>
    /// <param name="cancellationToken">Stops the capture (the task then ends with <see cref="OperationCanceledException"/>).</param>
    /// <exception cref="ArgumentException">A device format the SDK cannot read.</exception>
    /// <exception cref="RealtimeException">The connection closed.</exception>
    public virtual async Task CaptureAsync(IWaveIn waveIn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(waveIn);
        ThrowIfUnusable();
        var stage = new FrameStage(waveIn.WaveFormat, _driver.WireSampleRate, nameof(waveIn));
        var buffers = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        void OnData(object? sender, WaveInEventArgs e) => buffers.Writer.TryWrite(e.Buffer.AsSpan(0, e.BytesRecorded).ToArray());
        void OnStopped(object? sender, StoppedEventArgs e) => buffers.Writer.TryComplete(e.Exception);
        waveIn.DataAvailable += OnData;
        waveIn.RecordingStopped += OnStopped;
        try
        {
            waveIn.StartRecording();
            await foreach (var block in buffers.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await SendConvertedAsync(stage.Process(block), cancellationToken).ConfigureAwait(false);
            }

            await SendConvertedAsync(stage.Flush(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            waveIn.DataAvailable -= OnData;
            waveIn.RecordingStopped -= OnStopped;
            try
            {
                waveIn.StopRecording();
            }
            catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
            {
                // Already stopped or disposed by the device itself.
            }
        }
    }

    private async ValueTask SendConvertedAsync(ReadOnlyMemory<byte> wirePcm16, CancellationToken cancellationToken)
    {
        if (wirePcm16.IsEmpty)
        {
            return;
        }

        await _audioLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _uplink.SendConvertedAsync(wirePcm16, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _audioLock.Release();
        }
    }
}
