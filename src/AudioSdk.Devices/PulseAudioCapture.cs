using AudioSdk.Devices.PulseAudio;
using NAudio.Wave;

namespace AudioSdk.Devices;

/// <summary>
/// A microphone through PulseAudio (Linux), as an NAudio <see cref="IWaveIn"/>: PCM16 at a chosen rate, one
/// <see cref="DataAvailable"/> per block, raised from a capture thread. The stream is opened in the constructor, so a
/// missing device or sound server is an <see cref="AudioDeviceException"/> at once. <see cref="StopRecording"/> and
/// <see cref="Dispose"/> never wait on the device: the capture thread polls with a bound and is woken at once, even when
/// the source has gone quiet, and it has ended (and the stream is closed) before they return, unless a
/// <see cref="DataAvailable"/> handler holds it longer than <see cref="StopTimeout"/>: then the thread closes the stream
/// itself as soon as the handler returns.
/// </summary>
public sealed class PulseAudioCapture : IWaveIn
{
    /// <summary>How long <see cref="StopRecording"/> waits for a <see cref="DataAvailable"/> handler to return.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    // The longest the capture thread waits for the server before it looks at the stop flag again.
    private const int PollMicroseconds = 100_000;
    private readonly object _gate = new();
    private readonly int _blockBytes;
    private readonly WaveFormat _format;
    private PulseRecordStream? _stream;
    private Thread? _thread;
    private volatile bool _stopping;
    private bool _disposed;
    private bool _started;

    /// <summary>Opens the default (or a named) PulseAudio source.</summary>
    /// <param name="sampleRate">The rate, 8000 to 192000 Hz. Default 24000.</param>
    /// <param name="blockDuration">The audio in one <see cref="DataAvailable"/>: 5 to 1000 ms. Default 20 ms.</param>
    /// <param name="channels">1 or 2. Default 1.</param>
    /// <param name="device">A source name (<c>pactl list short sources</c>), or null for the default.</param>
    /// <param name="server">A PulseAudio server address, or null for the default (PULSE_SERVER).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value outside its range.</exception>
    /// <exception cref="AudioDeviceException">No PulseAudio library, server or source.</exception>
    public PulseAudioCapture(int sampleRate = 24000, TimeSpan? blockDuration = null, int channels = 1, string? device = null,
        string? server = null)
    {
        _blockBytes = PulseAudioPlayback.BlockBytes(sampleRate, blockDuration ?? TimeSpan.FromMilliseconds(20), channels);
        _format = new WaveFormat(sampleRate, 16, channels);
        _stream = PulseRecordStream.Open(server, device, sampleRate, channels, _blockBytes, "microphone");
    }

    /// <inheritdoc />
    public event EventHandler<WaveInEventArgs>? DataAvailable;

    /// <inheritdoc />
    public event EventHandler<StoppedEventArgs>? RecordingStopped;

    /// <summary>PCM16 at the chosen rate and channels (setting it is not supported: choose in the constructor).</summary>
    public WaveFormat WaveFormat
    {
        get => _format;
        set => throw new NotSupportedException("Choose the format in the constructor.");
    }

    /// <summary>Bytes in one block.</summary>
    public int BlockBytes => _blockBytes;

    /// <summary>Whether the capture thread is running (false once <see cref="StopRecording"/> or <see cref="Dispose"/> has returned,
    /// barring a handler past <see cref="StopTimeout"/>).</summary>
    public bool IsRecording
    {
        get
        {
            lock (_gate)
            {
                return _thread is not null;
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    public void StartRecording()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_thread is not null)
            {
                return;
            }

            _stopping = false;
            _thread = new Thread(Run) { IsBackground = true, Name = "AudioSdk microphone" };
            _thread.Start();
        }
    }

    /// <inheritdoc />
    public void StopRecording()
    {
        Thread? thread;
        lock (_gate)
        {
            thread = _thread;
            _stopping = true;
            // The stream is freed only under this lock and only when no thread runs: waking it here is safe.
            if (thread is not null)
            {
                _stream?.Wakeup();
            }
        }

        if (thread is not null && thread != Thread.CurrentThread)
        {
            thread.Join(StopTimeout);
        }
    }

    /// <summary>Stops recording and closes the stream.</summary>
    public void Dispose()
    {
        StopRecording();
        lock (_gate)
        {
            _disposed = true;
            if (_thread is null)
            {
                _stream?.Dispose();
                _stream = null;
            }

            // Otherwise a handler still holds the capture thread: it closes the stream as it ends.
        }
    }

    private void Run()
    {
        Exception? failure = null;
        var stream = _stream!;
        try
        {
            if (_started)
            {
                // Recording again: what the server kept since the last stop is not live audio.
                stream.Flush();
            }

            _started = true;
            var block = new byte[_blockBytes];
            var filled = 0;
            while (!_stopping)
            {
                var read = stream.Read(block, filled, block.Length - filled);
                if (read < 0 || (read == 0 && stream.Failure is not null))
                {
                    failure = new AudioDeviceException($"The microphone stopped: {stream.Failure ?? "the stream failed"}.");
                    break;
                }

                filled += read;
                if (filled == block.Length)
                {
                    DataAvailable?.Invoke(this, new WaveInEventArgs(block, filled));
                    block = new byte[_blockBytes];
                    filled = 0;
                }
                else if (read == 0 && !stream.Iterate(PollMicroseconds))
                {
                    failure = new AudioDeviceException("The microphone stopped: PulseAudio's mainloop failed.");
                    break;
                }
            }

            if (filled > 0 && failure is null)
            {
                // The last part-block, so a stop loses nothing that was recorded.
                DataAvailable?.Invoke(this, new WaveInEventArgs(block, filled));
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            lock (_gate)
            {
                _thread = null;
                if (_disposed)
                {
                    _stream?.Dispose();
                    _stream = null;
                }
            }

            RecordingStopped?.Invoke(this, new StoppedEventArgs(failure));
        }
    }
}
