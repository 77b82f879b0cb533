using System.Runtime.Versioning;
using NAudio;
using NAudio.Wave;
#if NET9_0_OR_GREATER
using Player = NAudio.Wave.WaveOut;
#else
using Player = NAudio.Wave.WaveOutEvent;
#endif

namespace AudioSdk.Devices.Windows;

/// <summary>
/// A Windows speaker through NAudio.WinMM (<c>WaveOut</c> with event callbacks in 3.x, <c>WaveOutEvent</c> in 2.x),
/// behind the same <see cref="IWavePlayer"/> and <see cref="IWavePosition"/> as <see cref="PulseAudioPlayback"/>: the
/// device count is checked when opened, a WinMM failure to open the device is an <see cref="AudioDeviceException"/>, and
/// the played position is WinMM's own (what the device has played, not what it was given).
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class WinMmPlayback : IWavePlayer, IWavePosition
{
    private readonly Player _player;

    private WinMmPlayback(Player player)
    {
        _player = player;
        _player.PlaybackStopped += (_, e) => PlaybackStopped?.Invoke(this, e);
    }

    public event EventHandler<StoppedEventArgs>? PlaybackStopped;

    public PlaybackState PlaybackState => _player.PlaybackState;

    public float Volume
    {
        get => _player.Volume;
        set => _player.Volume = value;
    }

    public WaveFormat OutputWaveFormat => _player.OutputWaveFormat;

    public static WinMmPlayback Open(int sampleRate, TimeSpan block, int channels, int device)
    {
        _ = sampleRate;
        _ = channels;
#if NET9_0_OR_GREATER
        var count = WaveOut.DeviceCount;
#else
        var count = WaveInterop.waveOutGetNumDevs();
#endif
        if (count == 0 || device >= count)
        {
            throw new AudioDeviceException(count == 0 ? "No speaker device: WinMM reports no output device." : $"No speaker device {device}: WinMM reports {count}.");
        }

        var milliseconds = (int)Math.Ceiling(block.TotalMilliseconds);
        return new WinMmPlayback(new Player
        {
            DeviceNumber = device,
            NumberOfBuffers = 3,
#if NET9_0_OR_GREATER
            BufferMilliseconds = milliseconds,
#else
            DesiredLatency = milliseconds * 3,
#endif
        });
    }

    public void Init(IWaveProvider waveProvider)
    {
        try
        {
            _player.Init(waveProvider);
        }
        catch (MmException ex)
        {
            throw new AudioDeviceException($"The speaker did not open ({ex.Result}).", ex);
        }
    }

    public void Play() => _player.Play();

    public void Pause() => _player.Pause();

    public void Stop() => _player.Stop();

    public long GetPosition() => _player.GetPosition();

    public void Dispose() => _player.Dispose();
}
