using AudioSdk.Devices.PulseAudio;
using NAudio.Wave;

namespace AudioSdk.Devices;

/// <summary>
/// A speaker through PulseAudio (Linux), as an NAudio <see cref="IWavePlayer"/> and <see cref="IWavePosition"/>: it
/// reads PCM16 from the provider given to <see cref="Init"/> one block at a time on a playback thread and reports the
/// bytes that have come out of the speaker (written minus the server's latency), which
/// <see cref="AudioSdk.Audio.AudioPlayback.UsePosition"/> turns into the played position for a truncation.
/// </summary>
public sealed class PulseAudioPlayback : IWavePlayer, IWavePosition
{
    /// <summary>How long <see cref="Stop"/> waits for the playback thread's write or drain to return.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    private readonly object _gate = new();
    private readonly int _blockBytes;
    private IntPtr _handle;
    private IWaveProvider? _source;
    private Thread? _thread;
    private volatile bool _stopping;
    private bool _disposed;
    private long _written;

    /// <summary>Opens the default (or a named) PulseAudio sink.</summary>
    /// <param name="sampleRate">The rate, 8000 to 192000 Hz. Default 24000.</param>
    /// <param name="blockDuration">The audio written at a time: 5 to 1000 ms. Default 20 ms.</param>
    /// <param name="channels">1 or 2. Default 1.</param>
    /// <param name="device">A sink name (<c>pactl list short sinks</c>), or null for the default.</param>
    /// <param name="server">A PulseAudio server address, or null for the default (PULSE_SERVER).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value outside its range.</exception>
    /// <exception cref="AudioDeviceException">No PulseAudio library, server or sink.</exception>
    public PulseAudioPlayback(int sampleRate = 24000, TimeSpan? blockDuration = null, int channels = 1, string? device = null,
        string? server = null)
    {
        _blockBytes = BlockBytes(sampleRate, blockDuration ?? TimeSpan.FromMilliseconds(20), channels);
        OutputWaveFormat = new WaveFormat(sampleRate, 16, channels);
        _handle = PulseSimple.Open(PulseSimple.Playback, server, device, sampleRate, channels, _blockBytes, "speaker");
    }

    /// <inheritdoc />
    public event EventHandler<StoppedEventArgs>? PlaybackStopped;

    /// <inheritdoc />
    public PlaybackState PlaybackState { get; private set; } = PlaybackState.Stopped;

    /// <summary>PCM16 at the chosen rate and channels.</summary>
    public WaveFormat OutputWaveFormat { get; }

    /// <summary>Not supported by the simple API: always 1.</summary>
    public float Volume
    {
        get => 1;
        set => throw new NotSupportedException("PulseAudio's simple API has no volume; scale the samples or use pactl.");
    }

    /// <summary>The provider to play; it must give PCM16 in <see cref="OutputWaveFormat"/>.</summary>
    /// <param name="waveProvider">The provider.</param>
    /// <exception cref="ArgumentException">Another format.</exception>
    public void Init(IWaveProvider waveProvider)
    {
        ArgumentNullException.ThrowIfNull(waveProvider);
        if (!waveProvider.WaveFormat.Equals(OutputWaveFormat))
        {
            throw new ArgumentException($"The speaker plays {OutputWaveFormat}; the provider gives {waveProvider.WaveFormat}.",
                nameof(waveProvider));
        }

        _source = waveProvider;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">No provider (call <see cref="Init"/>).</exception>
    public void Play()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_source is null)
            {
                throw new InvalidOperationException("Call Init with a provider first.");
            }

            if (_thread is null)
            {
                _stopping = false;
                _thread = new Thread(Run) { IsBackground = true, Name = "AudioSdk speaker" };
                _thread.Start();
            }

            PlaybackState = PlaybackState.Playing;
        }
    }

    /// <inheritdoc />
    public void Stop()
    {
        Thread? thread;
        lock (_gate)
        {
            thread = _thread;
            _stopping = true;
        }

        // A write returns once the server has room (within a block) and a drain once the buffer has played; the bound
        // covers a server that stalls: the thread then frees the stream itself if this player is disposed meanwhile.
        if (thread is not null && thread != Thread.CurrentThread)
        {
            thread.Join(StopTimeout);
        }
    }

    /// <summary>Not supported: <see cref="Stop"/> instead.</summary>
    public void Pause() => throw new NotSupportedException("Pause is not supported; Stop, then Play again.");

    /// <summary>The bytes that have come out of the speaker: written minus what the server still holds.</summary>
    /// <returns>A byte position in <see cref="OutputWaveFormat"/>.</returns>
    public long GetPosition()
    {
        lock (_gate)
        {
            if (_handle == IntPtr.Zero)
            {
                return Interlocked.Read(ref _written);
            }

            var latency = PulseSimple.Latency(_handle, out _);
            var held = (long)(latency * (ulong)OutputWaveFormat.AverageBytesPerSecond / 1_000_000UL);
            held -= held % OutputWaveFormat.BlockAlign;
            return Math.Max(0, Interlocked.Read(ref _written) - held);
        }
    }

    /// <summary>Stops playing and closes the stream (at once, or as the playback thread ends if the server stalled it past
    /// <see cref="StopTimeout"/>).</summary>
    public void Dispose()
    {
        Stop();
        lock (_gate)
        {
            _disposed = true;
            if (_thread is null)
            {
                FreeHandle();
            }
        }
    }

    internal static int BlockBytes(int sampleRate, TimeSpan blockDuration, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 8000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sampleRate, 192000);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channels, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockDuration, TimeSpan.FromMilliseconds(5));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockDuration, TimeSpan.FromSeconds(1));
        return checked((int)(sampleRate * blockDuration.TotalSeconds) * channels * 2);
    }

    private void Run()
    {
        Exception? failure = null;
        var block = new byte[_blockBytes];
        try
        {
            // A stream that starts on a running sink makes the server rewind the sink and mix it in at once; the first
            // block written then never reaches the sink's monitor (one block, or the monitor's fragment if smaller, was
            // measured lost on a null sink at 5, 20 and 100 ms blocks). A block of silence first takes that loss
            // instead of the audio. It does not move the position: the server's latency counts it as held until played.
            if (PulseSimple.Write(_handle, ref block[0], (nuint)block.Length, out var leadError) < 0)
            {
                failure = new AudioDeviceException($"The speaker stopped: {PulseSimple.Describe(leadError)}.");
                return;
            }

            while (!_stopping)
            {
                var read = AudioSdk.Audio.Interop.WaveIo.Read(_source!, block, 0, block.Length);
                if (read <= 0)
                {
                    PulseSimple.Drain(_handle, out _);
                    break;
                }

                if (PulseSimple.Write(_handle, ref block[0], (nuint)read, out var error) < 0)
                {
                    failure = new AudioDeviceException($"The speaker stopped: {PulseSimple.Describe(error)}.");
                    break;
                }

                Interlocked.Add(ref _written, read);
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
                PlaybackState = PlaybackState.Stopped;
                if (_disposed)
                {
                    FreeHandle();
                }
            }

            PlaybackStopped?.Invoke(this, new StoppedEventArgs(failure));
        }
    }

    private void FreeHandle()
    {
        if (_handle != IntPtr.Zero)
        {
            PulseSimple.Free(_handle);
            _handle = IntPtr.Zero;
        }
    }
}
