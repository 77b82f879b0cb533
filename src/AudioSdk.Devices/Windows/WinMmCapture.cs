using System.Runtime.Versioning;
using NAudio;
using NAudio.Wave;
#if NET9_0_OR_GREATER
using Recorder = NAudio.Wave.WaveIn;
#else
using Recorder = NAudio.Wave.WaveInEvent;
#endif

namespace AudioSdk.Devices.Windows;

/// <summary>
/// A Windows microphone through NAudio.WinMM (<c>WaveIn</c> with event callbacks in 3.x, <c>WaveInEvent</c> in 2.x),
/// behind the same <see cref="IWaveIn"/> as <see cref="PulseAudioCapture"/>: the device count is checked when opened and a
/// WinMM failure to start is an <see cref="AudioDeviceException"/>.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class WinMmCapture : IWaveIn
{
    private readonly Recorder _recorder;

    private WinMmCapture(Recorder recorder)
    {
        _recorder = recorder;
        _recorder.DataAvailable += (_, e) => DataAvailable?.Invoke(this, e);
        _recorder.RecordingStopped += (_, e) => RecordingStopped?.Invoke(this, e);
    }

    public event EventHandler<WaveInEventArgs>? DataAvailable;

    public event EventHandler<StoppedEventArgs>? RecordingStopped;

    public WaveFormat WaveFormat
    {
        get => _recorder.WaveFormat;
        set => throw new NotSupportedException("Choose the format when opening the microphone.");
    }

    public static WinMmCapture Open(int sampleRate, TimeSpan block, int channels, int device)
    {
        var count = Recorder.DeviceCount;
        if (count == 0 || device >= count)
        {
            throw new AudioDeviceException(count == 0 ? "No microphone device: WinMM reports no input device." : $"No microphone device {device}: WinMM reports {count}.");
        }

        return new WinMmCapture(new Recorder
        {
            DeviceNumber = device,
            WaveFormat = new WaveFormat(sampleRate, 16, channels),
            BufferMilliseconds = (int)Math.Ceiling(block.TotalMilliseconds),
            NumberOfBuffers = 3,
        });
    }

    public void StartRecording()
    {
        try
        {
            _recorder.StartRecording();
        }
        catch (MmException ex)
        {
            throw new AudioDeviceException($"The microphone did not start ({ex.Result}).", ex);
        }
    }

    public void StopRecording() => _recorder.StopRecording();

    public void Dispose() => _recorder.Dispose();
}
