using System.Text.Json;
using AudioSdk.Audio;
using AudioSdk.Audio.Interop;
using AudioSdk.Realtime;
using AudioSdk.Testing;
using AudioSdk.Transcriptions;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Tests.Realtime;
using NAudio.Wave;
using NAudio.Wave.SampleProviders;

namespace AudioSdk.Tests.Audio;

/// <summary>
/// NAudio at the SDK's edges: NAudio providers and streams as REST inputs (WAV made while uploading, read back by both
/// the SDK's reader and NAudio's), as realtime sources pulled or pushed by an <see cref="IWaveIn"/>, converted from any
/// format NAudio describes; and <see cref="AudioPlayback"/> as the provider a player reads, with the played position.
/// </summary>
public sealed class NAudioInteropTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    private static float[] Tone(int rate, int frames, int channels, double frequency = 440)
    {
        var samples = new float[frames * channels];
        for (var f = 0; f < frames; f++)
        {
            for (var c = 0; c < channels; c++)
            {
                samples[(f * channels) + c] = (float)(0.25 * Math.Sin(2 * Math.PI * frequency * f / rate));
            }
        }

        return samples;
    }

    private static byte[] FloatBytes(float[] samples) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan()).ToArray();

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        var buffer = new byte[777];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            copy.Write(buffer, 0, n);
        }

        return copy.ToArray();
    }

    [Fact]
    public void WaveStream_BecomesAWav_ThatBothReadersDecodeToTheSameSamples()
    {
        var samples = Tone(48000, 4800, 2);
        using var source = new RawSourceWaveStream(new MemoryStream(FloatBytes(samples)), WaveFormat.CreateIeeeFloatWaveFormat(48000, 2));
        var wav = ReadAll(new WaveProviderWavStream(source, source.Length, "source"));

        var ours = WavFile.Read(wav);
        Assert.Equal(new WavFormat(WavEncoding.IeeeFloat, 48000, 2, 32), ours.Format);
        Assert.Equal(samples, ours.Samples);
        using var theirs = new WaveFileReader(new MemoryStream(wav));
        Assert.Equal(samples.Length * 4, theirs.Length);
        Assert.Equal(WaveFormatEncoding.IeeeFloat, theirs.WaveFormat.Encoding);
    }

    [Fact]
    public void MuLawProvider_IsDecodedToPcm16_AndTinyReadsGetEveryByte()
    {
        var codes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        using var source = new RawSourceWaveStream(new MemoryStream(codes), WaveFormat.CreateMuLawFormat(8000, 1));
        var stream = new WaveProviderWavStream(source, source.Length, "source");
        var wav = new List<byte>();
        var one = new byte[1];
        while (stream.Read(one, 0, 1) == 1)
        {
            wav.Add(one[0]);
        }

        var audio = WavFile.Read(wav.ToArray());
        Assert.Equal(WavFormat.Pcm16Mono(8000), audio.Format);
        Assert.Equal(codes.Select(c => G711.DecodeMuLaw(c) / 32768f), audio.Samples);
    }

    [Fact]
    public void UnsupportedEncoding_IsAClearArgumentException()
    {
        using var adpcm = new RawSourceWaveStream(new MemoryStream(new byte[64]), WaveFormat.CreateCustomFormat(WaveFormatEncoding.Adpcm, 8000, 1, 4000, 256, 4));
        var error = Assert.Throws<ArgumentException>(() => AudioInput.FromWaveStream(adpcm));
        Assert.Contains("Convert it with NAudio first", error.Message, StringComparison.Ordinal);
        Assert.Equal("stream", error.ParamName);
    }

    [Fact]
    public async Task SampleProvider_AsARestInput_UploadsAStreamedPcm16Wav()
    {
        await using var server = await AudioTestServer.StartAsync();
        using var client = new AudioClient(new AudioClientOptions { Endpoint = server.Endpoint, ApiKey = "sk-naudio-0123456789" });
        var tone = new SignalGenerator(16000, 1) { Frequency = 300, Gain = 0.3, Type = SignalGeneratorType.Sin }.Take(TimeSpan.FromSeconds(1.5));

        var result = await client.TranscribeAsync(AudioInput.FromSampleProvider(tone), new TranscriptionOptions { Model = "whisper-1" });

        Assert.NotNull(result.Text);
        var audio = server.Requests.Single(r => r.Path.EndsWith("/audio/transcriptions", StringComparison.Ordinal)).Audio!;
        Assert.Equal("audio.wav", audio.FileName);
        Assert.Equal(16000, audio.SampleRate);
        var decoded = WavFile.Read(audio.Bytes!);
        Assert.Equal(24000, decoded.Samples.Length);
        Assert.InRange(decoded.Samples.Max(), 0.29f, 0.31f);
    }

    private static async Task<byte[]> AppendedAsync(RawWebSocketConnection c, int bytes)
    {
        await c.AcceptAsync();
        await c.SendTextAsync("""{"type":"session.created","session":{"type":"transcription"}}""");
        await c.ReadUntilAsync("session.update");
        await c.SendTextAsync("""{"type":"session.updated","session":{"type":"transcription"}}""");
        var received = new List<byte>();
        while (received.Count < bytes)
        {
            var text = await c.ReadUntilAsync("input_audio_buffer.append");
            received.AddRange(Convert.FromBase64String(JsonDocument.Parse(text!).RootElement.GetProperty("audio").GetString()!));
        }

        return received.ToArray();
    }

    /// <summary>Keeps the connection open, reading, until the client closes it.</summary>
    private static async Task DrainAsync(RawWebSocketConnection c)
    {
        while (await c.ReadFrameAsync() is { } frame && frame.Opcode != 8)
        {
        }

        await c.SendCloseAsync(1000, "bye");
    }

    private static double ToneSnr(byte[] pcm16, int rate, double frequency, double amplitude)
    {
        var samples = Pcm16.FromBytes(pcm16);
        double signal = 0, noise = 0;
        for (var i = 400; i < samples.Length - 400; i++)
        {
            var ideal = amplitude * Math.Sin(2 * Math.PI * frequency * i / rate) * 32768;
            signal += ideal * ideal;
            noise += (samples[i] - ideal) * (samples[i] - ideal);
        }

        return 10 * Math.Log10(signal / noise);
    }

    [Fact]
    public async Task StereoFloatProvider_At48kHz_ReachesTheWireAsMono24kHzPcm16()
    {
        byte[]? received = null;
        await using var server = RawWebSocketServer.Start(async c =>
        {
            received = await AppendedAsync(c, 47000);
            await DrainAsync(c);
        });
        using var client = RealtimeFaultMatrixTests.Client(server);
        await using var rt = await client.StartRealtimeSessionAsync(new RealtimeSessionOptions { Model = "gpt-4o-transcribe", ResponseTimeout = Guard });
        using var source = new RawSourceWaveStream(new MemoryStream(FloatBytes(Tone(48000, 48000, 2))), WaveFormat.CreateIeeeFloatWaveFormat(48000, 2));

        await rt.SendAudioAsync(source).WaitAsync(Guard);

        await WaitUntilAsync(() => received is not null);
        Assert.True(ToneSnr(received!, 24000, 440, 0.25) > 60);
    }

    [Fact]
    public async Task WaveIn_IsCapturedUntilCancelled_ThenStoppedAndDetached()
    {
        byte[]? received = null;
        await using var server = RawWebSocketServer.Start(async c =>
        {
            received = await AppendedAsync(c, 16000);
            await DrainAsync(c);
        });
        using var client = RealtimeFaultMatrixTests.Client(server);
        await using var rt = await client.StartRealtimeSessionAsync(new RealtimeSessionOptions { Model = "gpt-4o-transcribe", SessionSampleRate = 16000, ResponseTimeout = Guard });
        var device = new TimedWaveIn(WaveFormat.CreateMuLawFormat(8000, 1), Tone(8000, 8000, 1));
        using var stop = new CancellationTokenSource();

        var capture = rt.CaptureAsync(device, stop.Token);
        await WaitUntilAsync(() => received is not null);
        stop.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => capture.WaitAsync(Guard));
        Assert.False(device.Recording);
        Assert.Equal(0, device.Subscribers);
        Assert.True(ToneSnr(received!, 16000, 440, 0.25) > 30); // μ-law's own noise bounds it
    }

    [Fact]
    public void Playback_ReportsPlayedAudioPerItem_PadsWithSilence_AndInterruptDropsTheRest()
    {
        var playback = new AudioPlayback(24000);
        playback.Enqueue(new byte[4800], "item_1"); // 100 ms
        playback.Enqueue(new byte[] { 1 }, "item_2"); // an odd byte waits
        playback.Enqueue(new byte[9599], "item_2");  // 200 ms with it
        var block = new byte[960];                   // the player reads 20 ms at a time

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(960, Read(playback, block));
        }

        Assert.Equal(960, Read(playback, block));
        Assert.Equal(1, block[0]);
        Read(playback, block);
        Read(playback, block);

        Assert.Equal(TimeSpan.FromMilliseconds(100), playback.PlayedOf("item_1"));
        Assert.Equal(TimeSpan.FromMilliseconds(60), playback.PlayedOf("item_2"));
        Assert.Equal("item_2", playback.CurrentItemId);
        var cut = playback.Interrupt();
        Assert.Equal(("item_2", TimeSpan.FromMilliseconds(60)), cut);
        Assert.Equal(TimeSpan.Zero, playback.Buffered);
        Array.Fill(block, (byte)7);
        Assert.Equal(960, Read(playback, block));
        Assert.All(block, b => Assert.Equal(0, b));
        playback.Complete();
        Assert.Equal(0, Read(playback, block));
    }

    [Fact]
    public void Playback_WithThePlayersPosition_CountsOnlyWhatWasHeard()
    {
        var playback = new AudioPlayback(24000);
        var player = new FakePosition { OutputWaveFormat = new WaveFormat(48000, 16, 2) };
        playback.UsePosition(player);
        var delta = RealtimeModelFactoryDelta("item_9", new byte[2400 * 2]); // 100 ms at 24 kHz
        playback.Enqueue(delta);
        Read(playback, new byte[4800]);
        player.Bytes = 48000 * 4 / 1000 * 30; // the player says 30 ms have come out of the speaker
        Assert.Equal(TimeSpan.FromMilliseconds(30), playback.PlayedOf("item_9"));
    }

    private static OutputAudioDelta RealtimeModelFactoryDelta(string item, byte[] audio) =>
        (OutputAudioDelta)typeof(OutputAudioDelta).GetConstructors(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)[0]
            .Invoke(["resp_1", item, 0, 0, audio]);

    private static int Read(IWaveProvider provider, byte[] buffer) => WaveIo.Read(provider, buffer, 0, buffer.Length);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Guard;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the server did not receive the audio in time");
            await Task.Delay(10);
        }
    }

    private sealed class FakePosition : IWavePosition
    {
        public long Bytes { get; set; }

        public WaveFormat OutputWaveFormat { get; set; } = new();

        public long GetPosition() => Bytes;
    }

    /// <summary>A capture device that records from a timer thread, 20 ms per buffer, looping its signal (the event shape of WaveInEvent).</summary>
    private sealed class TimedWaveIn(WaveFormat format, float[] signal) : IWaveIn
    {
        private Timer? _timer;
        private int _position;
        private EventHandler<WaveInEventArgs>? _data;

        public WaveFormat WaveFormat { get; set; } = format;

        public bool Recording => _timer is not null;

        public int Subscribers => _data?.GetInvocationList().Length ?? 0;

        public event EventHandler<WaveInEventArgs>? DataAvailable
        {
            add => _data += value;
            remove => _data -= value;
        }

        public event EventHandler<StoppedEventArgs>? RecordingStopped;

        public void StartRecording() => _timer = new Timer(_ => Tick(), null, 0, 20);

        public void StopRecording()
        {
            _timer?.Dispose();
            _timer = null;
            RecordingStopped?.Invoke(this, new StoppedEventArgs());
        }

        public void Dispose() => _timer?.Dispose();

        private void Tick()
        {
            var block = new byte[160];
            for (var i = 0; i < block.Length; i++)
            {
                block[i] = G711.EncodeMuLaw((short)(signal[_position++ % signal.Length] * 32767));
            }

            _data?.Invoke(this, new WaveInEventArgs(block, block.Length));
        }
    }
}
