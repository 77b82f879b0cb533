using AudioSdk.Devices.Windows;
using NAudio.Wave;

namespace AudioSdk.Devices;

/// <summary>
/// The default microphone and speaker of the machine, whatever it runs: PulseAudio on Linux
/// (<see cref="PulseAudioCapture"/>, <see cref="PulseAudioPlayback"/>), WinMM on Windows (NAudio's <c>WaveIn</c> and
/// <c>WaveOut</c>). Both sides give the same NAudio interfaces, PCM16 at the chosen rate and block size, the same
/// <see cref="AudioDeviceException"/> when no device opens, and nothing running after dispose. macOS is not supported.
/// </summary>
public static class AudioDevices
{
    /// <summary>Opens a microphone.</summary>
    /// <param name="sampleRate">The rate, 8000 to 192000 Hz. Default 24000.</param>
    /// <param name="blockDuration">The audio in one <see cref="IWaveIn.DataAvailable"/>: 5 to 1000 ms. Default 20 ms.</param>
    /// <param name="channels">1 or 2. Default 1.</param>
    /// <param name="device">Linux: a PulseAudio source name; Windows: a WinMM device number (<c>"0"</c>, ...); null for the
    /// default.</param>
    /// <param name="server">Linux only: a PulseAudio server address (default PULSE_SERVER); ignored on Windows.</param>
    /// <returns>The microphone, not yet recording.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value outside its range.</exception>
    /// <exception cref="AudioDeviceException">No device (or sound server), or a platform other than Linux and Windows.</exception>
    public static IWaveIn OpenMicrophone(int sampleRate = 24000, TimeSpan? blockDuration = null, int channels = 1, string? device = null,
        string? server = null)
    {
        var block = blockDuration ?? TimeSpan.FromMilliseconds(20);
        _ = PulseAudioPlayback.BlockBytes(sampleRate, block, channels);
        if (OperatingSystem.IsWindows())
        {
            return WinMmCapture.Open(sampleRate, block, channels, DeviceNumber(device));
        }

        return OperatingSystem.IsLinux()
            ? new PulseAudioCapture(sampleRate, block, channels, device, server)
            : throw Unsupported("microphone");
    }

    /// <summary>Opens a speaker; the player also reports its position (<see cref="IWavePosition"/>, for
    /// <c>AudioPlayback.UsePosition</c>).</summary>
    /// <param name="sampleRate">The rate, 8000 to 192000 Hz. Default 24000.</param>
    /// <param name="blockDuration">The audio written at a time: 5 to 1000 ms. Default 20 ms.</param>
    /// <param name="channels">1 or 2. Default 1.</param>
    /// <param name="device">Linux: a PulseAudio sink name; Windows: a WinMM device number; null for the default.</param>
    /// <param name="server">Linux only: a PulseAudio server address; ignored on Windows.</param>
    /// <returns>The speaker, not yet initialised with a provider.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value outside its range.</exception>
    /// <exception cref="AudioDeviceException">No device (or sound server), or a platform other than Linux and Windows.</exception>
    public static IWavePlayer OpenSpeaker(int sampleRate = 24000, TimeSpan? blockDuration = null, int channels = 1, string? device = null,
        string? server = null)
    {
        var block = blockDuration ?? TimeSpan.FromMilliseconds(20);
        _ = PulseAudioPlayback.BlockBytes(sampleRate, block, channels);
        if (OperatingSystem.IsWindows())
        {
            return WinMmPlayback.Open(sampleRate, block, channels, DeviceNumber(device));
        }

        return OperatingSystem.IsLinux()
            ? new PulseAudioPlayback(sampleRate, block, channels, device, server)
            : throw Unsupported("speaker");
    }

    private static int DeviceNumber(string? device) =>
        device is null ? -1
        : int.TryParse(device, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
            out var number) ? number
        : throw new AudioDeviceException($"No device '{device}': on Windows a device is its WinMM number (0, 1, ...).");

    private static AudioDeviceException Unsupported(string what) =>
        new($"No {what} device: AudioSdk.Devices supports Linux (PulseAudio) and Windows (WinMM); on other systems use an NAudio IWaveIn/IWavePlayer of your own with the same SDK calls.");
}
