using AudioSdk.Devices.PulseAudio;
using NAudio.Wave;

namespace AudioSdk.Devices;

/// <summary>
/// A microphone through PulseAudio (Linux), as an NAudio <see cref="IWaveIn"/>: PCM16 at a chosen rate, one
/// <see cref="DataAvailable"/> per block, raised from a capture thread. The stream is opened in the constructor, so a
/// missing device or sound server is an <see cref="AudioDeviceException"/> at once; <see cref="StopRecording"/> and
/// <see cref="Dispose"/> end the thread and close the stream before they return.
/// </summary>
public sealed class PulseAudioCapture : IWaveIn
{
    private readonly object _gate = new();
    private readonly int _blockBytes;
    private readonly WaveFormat _format;
    private IntPtr _handle;
    private Thread? _thread;
    private volatile bool _stopping;

    /// <summary>Opens the default (or a named) PulseAudio source.</summary>
    /// <param name="sampleRate">The rate, 8000 to 192000 Hz. Default 24000.</param>
    /// <param name="blockDuration">The audio in one <see cref="DataAvailable"/>: 5 to 1000 ms. Default 20 ms.</param>
    /// <param name="channels">1 or 2. Default 1.</param>
    /// <param name="device">A source name (<c>pactl list short sources</c>), or null for the default.</param>
    /// <param name="server">A PulseAudio server address, or null for the default (PULSE_SERVER).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value outside its range.</exception>
    /// <exception cref="AudioDeviceException">No PulseAudio library, server or source.</exception>
    public PulseAudioCapture(int sampleRate = 24000, TimeSpan? blockDuration = null, int channels = 1, string? device = null, string? server = null)
    {
        _blockBytes = PulseAudioPlayback.BlockBytes(sampleRate, blockDuration ?? TimeSpan.FromMilliseconds(20), channels);
        _format = new WaveFormat(sampleRate, 16, channels);
        _handle = PulseSimple.Open(PulseSimple.Record, server, device, sampleRate, channels, _blockBytes, "microphone");
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

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    public void StartRecording()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_handle == IntPtr.Zero, this);
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
        }

        // A read returns within one block, then the thread sees the flag.
        if (thread is not null && thread != Thread.CurrentThread)
        {
            thread.Join();
        }
    }

    /// <summary>Stops recording and closes the stream.</summary>
    public void Dispose()
    {
        StopRecording();
        lock (_gate)
        {
            if (_handle != IntPtr.Zero)
            {
                PulseSimple.Free(_handle);
                _handle = IntPtr.Zero;
            }
        }
    }

    private void Run()
    {
        Exception? failure = null;
        try
        {
            while (!_stopping)
            {
                var block = new byte[_blockBytes];
                if (PulseSimple.Read(_handle, ref block[0], (nuint)block.Length, out var error) < 0)
                {
                    failure = new AudioDeviceException($"The microphone stopped: {PulseSimple.Describe(error)}.");
                    break;
                }

                DataAvailable?.Invoke(this, new WaveInEventArgs(block, block.Length));
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
            }

            RecordingStopped?.Invoke(this, new StoppedEventArgs(failure));
        }
    }
}
