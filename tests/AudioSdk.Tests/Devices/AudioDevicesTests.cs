using AudioSdk.Audio;
using AudioSdk.Devices;
using NAudio.Wave;

namespace AudioSdk.Tests.Devices;

/// <summary>
/// The platform-neutral entry points (<see cref="AudioDevices"/>): on Linux they give the PulseAudio devices, checked here
/// against a real daemon; the Windows (WinMM) side is compiled but cannot run on this machine.
/// </summary>
public sealed class AudioDevicesTests(Xunit.Abstractions.ITestOutputHelper log)
{
    [Fact]
    public void NoServer_IsTheSameClearAudioDeviceException()
    {
        var server = "unix:" + Path.Combine(Path.GetTempPath(), "no-such-pulse-" + Guid.NewGuid().ToString("N"));
        Assert.StartsWith("No microphone device", Assert.Throws<AudioDeviceException>(() => AudioDevices.OpenMicrophone(16000, server: server)).Message, StringComparison.Ordinal);
        Assert.StartsWith("No speaker device", Assert.Throws<AudioDeviceException>(() => AudioDevices.OpenSpeaker(24000, server: server)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OutOfRangeValues_AreRefusedBeforeAnyDevice()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioDevices.OpenMicrophone(4000));
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioDevices.OpenSpeaker(24000, TimeSpan.FromSeconds(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioDevices.OpenMicrophone(16000, channels: 3));
    }

    [PulseAudioFact]
    public async Task OnLinux_TheFactoryGivesPulseDevices_ThatCaptureAndPlay_AndLeaveNothingRunning()
    {
        await using var daemon = await PulseDaemon.StartAsync(log);
        using (var mic = AudioDevices.OpenMicrophone(16000, TimeSpan.FromMilliseconds(20), device: "mic", server: daemon.Server))
        {
            Assert.IsType<PulseAudioCapture>(mic);
            Assert.Equal(new WaveFormat(16000, 16, 1), mic.WaveFormat);
            var captured = new MemoryStream();
            var sizes = new HashSet<int>();
            mic.DataAvailable += (_, e) =>
            {
                lock (captured)
                {
                    captured.Write(e.Buffer, 0, e.BytesRecorded);
                    sizes.Add(e.BytesRecorded);
                }
            };
            mic.StartRecording();
            var tone = AudioSdk.Tests.Infrastructure.TestAudio.TonePcm16(0.5, 440, 16000);
            await daemon.FeedAsync(tone);
            mic.StopRecording();
            lock (captured)
            {
                Assert.True(captured.Length >= tone.Length / 2, $"captured {captured.Length} bytes of {tone.Length}");
                Assert.Contains(640, sizes);
                var bytes = captured.ToArray();
                Assert.True(bytes.AsSpan().IndexOf(tone.AsSpan(3200, 640)) >= 0, "the fed tone is not in what was captured");
            }
        }

        Assert.Equal(0, await daemon.CountAsync("source-outputs"));
        using (var speaker = AudioDevices.OpenSpeaker(24000, TimeSpan.FromMilliseconds(20), device: "speaker", server: daemon.Server))
        {
            var position = Assert.IsAssignableFrom<IWavePosition>(speaker);
            var playback = new AudioPlayback(24000);
            playback.Enqueue(AudioSdk.Tests.Infrastructure.TestAudio.TonePcm16(0.3, 440, 24000));
            playback.Complete();
            using var stopped = new ManualResetEventSlim();
            speaker.PlaybackStopped += (_, _) => stopped.Set();
            speaker.Init(playback);
            speaker.Play();
            Assert.True(stopped.Wait(TimeSpan.FromSeconds(10)), "the speaker did not finish a 0.3 s clip");
            Assert.True(position.GetPosition() >= 0.3 * 24000 * 2 * 0.9, $"played position {position.GetPosition()} bytes");
        }

        Assert.Equal(0, await daemon.CountAsync("sink-inputs"));
    }
}
