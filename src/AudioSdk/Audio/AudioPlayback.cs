using AudioSdk.Realtime;
using NAudio.Wave;

namespace AudioSdk.Audio;

/// <summary>
/// What a speaker plays: an NAudio <see cref="IWaveProvider"/> (PCM16 mono) to hand to any <see cref="IWavePlayer"/>,
/// fed with text-to-speech streams, <c>VoiceAgent</c> chunks or the conversation dialect's <see cref="OutputAudioDelta"/>s
/// (G.711 decoded, other rates resampled). It plays silence while empty, so the player keeps running, and it knows what
/// has been played of each assistant item: after a barge-in,
/// <c>await session.TruncateAsync(playback.CurrentItemId!, playback.PlayedOf(playback.CurrentItemId!))</c>, or
/// <see cref="Interrupt"/>, which also drops what was not played. Thread-safe: the player reads on its own thread.
/// </summary>
public sealed class AudioPlayback : IWaveProvider
{
    private const int RunsKept = 256;
    private readonly object _gate = new();
    private readonly Queue<Segment> _queue = new();
    private readonly List<Run> _runs = [];
    private readonly int _bytesPerSecond;
    private IWavePosition? _position;
    private long _handedOut;
    private long _queued;
    private bool _completed;
    private byte? _oddByte;

    /// <summary>Creates a playback buffer at a rate (24000 Hz: the conversation dialect's and TTS PCM's).</summary>
    /// <param name="sampleRate">The rate the player gets.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not 1 to 768000 Hz.</exception>
    public AudioPlayback(int sampleRate = 24000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sampleRate, WavFile.MaxSampleRate);
        WaveFormat = new WaveFormat(sampleRate, 16, 1);
        _bytesPerSecond = sampleRate * 2;
    }

    /// <summary>
    /// What this playback hands to the player, for client-side turn detection
    /// (<c>RealtimeTurnDetection.OnClient with { EchoReference = playback.EchoReference }</c>), so the agent's voice heard
    /// back by the microphone is not taken for the user's. Set your own before playing to stamp it on another clock.
    /// </summary>
    public PlaybackReference EchoReference { get; init; } = new();

    /// <summary>16-bit mono PCM at the chosen rate.</summary>
    public WaveFormat WaveFormat { get; }

    /// <summary>The audio waiting to be played.</summary>
    public TimeSpan Buffered
    {
        get
        {
            lock (_gate)
            {
                return ToTime(_queued);
            }
        }
    }

    /// <summary>How far playback has got, silence included: the player's own position when one is attached (<see cref="UsePosition"/>),
    /// else what it has read.</summary>
    public TimeSpan Position
    {
        get
        {
            lock (_gate)
            {
                return ToTime(PlayedBytes());
            }
        }
    }

    /// <summary>The assistant item whose audio was handed to the player last.</summary>
    public string? CurrentItemId
    {
        get
        {
            lock (_gate)
            {
                return _runs.Count == 0 ? null : _runs[^1].ItemId;
            }
        }
    }

    /// <summary>
    /// Reads the played position from the player (NAudio's <c>WaveOutEvent</c>, <c>WasapiOut</c> and the SDK's devices
    /// implement <see cref="IWavePosition"/>), so audio still in the player's buffers does not count as played.
    /// </summary>
    /// <param name="position">The player.</param>
    public void UsePosition(IWavePosition position)
    {
        ArgumentNullException.ThrowIfNull(position);
        lock (_gate)
        {
            _position = position;
        }
    }

    /// <summary>Queues PCM16 mono bytes at <see cref="WaveFormat"/>'s rate (a TTS <c>pcm</c> stream's chunks, a VoiceAgent chunk); an odd
    /// byte waits for the next call.</summary>
    /// <param name="pcm16">Little-endian PCM16.</param>
    /// <param name="itemId">The assistant item it belongs to, for <see cref="PlayedOf"/>.</param>
    public void Enqueue(ReadOnlySpan<byte> pcm16, string? itemId = null)
    {
        lock (_gate)
        {
            byte[] bytes;
            if (_oddByte is { } odd)
            {
                bytes = new byte[pcm16.Length + 1];
                bytes[0] = odd;
                pcm16.CopyTo(bytes.AsSpan(1));
            }
            else
            {
                bytes = pcm16.ToArray();
            }

            var whole = bytes.Length & ~1;
            _oddByte = whole < bytes.Length ? bytes[^1] : null;
            if (whole > 0)
            {
                _queue.Enqueue(new Segment(bytes, whole, itemId));
                _queued += whole;
            }
        }
    }

    /// <summary>Queues an assistant's audio delta, decoded from G.711 and resampled when its rate differs, tagged with its item.</summary>
    /// <param name="delta">The delta.</param>
    public void Enqueue(OutputAudioDelta delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        var pcm = delta.ToPcm16();
        if (delta.SampleRate != WaveFormat.SampleRate)
        {
            var resampled = AudioResampler.Resample(Pcm16.FromBytes(pcm), delta.SampleRate, WaveFormat.SampleRate);
            pcm = Pcm16.ToBytes(resampled);
        }

        Enqueue(pcm, delta.ItemId);
    }

    /// <summary>Queues a whole stream of PCM16 chunks as they arrive (<c>AudioClient.StreamSpeechAsync</c> with the <c>pcm</c>
    /// format).</summary>
    /// <param name="pcm16Chunks">The chunks.</param>
    /// <param name="cancellationToken">Stops reading the stream.</param>
    /// <returns>When the stream has been read (not played).</returns>
    public async Task EnqueueAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> pcm16Chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pcm16Chunks);
        await foreach (var chunk in pcm16Chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            Enqueue(chunk.Span);
        }
    }

    /// <summary>What has been played of an assistant item: the <c>played</c> argument of
    /// <see cref="RealtimeSession.TruncateAsync"/>.</summary>
    /// <param name="itemId">The item.</param>
    /// <returns>Zero for an item never played (or forgotten: the last 256 runs of audio are kept).</returns>
    public TimeSpan PlayedOf(string itemId)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        lock (_gate)
        {
            var played = PlayedBytes();
            long bytes = 0;
            foreach (var run in _runs)
            {
                if (run.ItemId == itemId && run.Start < played)
                {
                    bytes += Math.Min(run.Length, played - run.Start);
                }
            }

            return ToTime(bytes);
        }
    }

    /// <summary>A barge-in: drops the audio not yet handed to the player and says what was played of the current item.</summary>
    /// <returns>The item that was playing and how much of it was played, or null when none was.</returns>
    public (string ItemId, TimeSpan Played)? Interrupt()
    {
        lock (_gate)
        {
            _queue.Clear();
            _queued = 0;
            _oddByte = null;
            return CurrentItemId is { } item ? (item, PlayedOf(item)) : null;
        }
    }

    /// <summary>No more audio will come: once the queue is empty, reads return 0 and the player stops.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
        }
    }

    /// <summary>Fills the player's buffer: queued audio, then silence (or 0 after <see cref="Complete"/>).</summary>
    /// <param name="buffer">The player's buffer.</param>
    /// <returns>The bytes written.</returns>
    public int Read(Span<byte> buffer) => ReadCore(buffer);

    /// <summary>Fills the player's buffer: queued audio, then silence (or 0 after <see cref="Complete"/>).</summary>
    /// <param name="buffer">The player's buffer.</param>
    /// <param name="offset">Where to start.</param>
    /// <param name="count">The bytes wanted.</param>
    /// <returns>The bytes written.</returns>
    public int Read(byte[] buffer, int offset, int count) => ReadCore(buffer.AsSpan(offset, count));

    private int ReadCore(Span<byte> buffer)
    {
        lock (_gate)
        {
            var written = 0;
            var wanted = buffer.Length & ~1;
            while (written < wanted && _queue.TryPeek(out var segment))
            {
                var n = Math.Min(wanted - written, segment.Length - segment.Offset);
                segment.Bytes.AsSpan(segment.Offset, n).CopyTo(buffer[written..]);
                AddRun(segment.ItemId, _handedOut + written, n);
                written += n;
                segment.Offset += n;
                _queued -= n;
                if (segment.Offset == segment.Length)
                {
                    _queue.Dequeue();
                }
            }

            if (written < wanted && !_completed)
            {
                buffer[written..wanted].Clear();
                written = wanted;
            }

            _handedOut += written;
            EchoReference.Write(buffer[..written], WaveFormat.SampleRate);
            return written;
        }
    }

    private void AddRun(string? itemId, long start, int length)
    {
        if (_runs.Count > 0 && _runs[^1] is var last && last.ItemId == itemId && last.Start + last.Length == start)
        {
            _runs[^1] = last with { Length = last.Length + length };
            return;
        }

        _runs.Add(new Run(itemId, start, length));
        if (_runs.Count > RunsKept)
        {
            _runs.RemoveAt(0);
        }
    }

    private long PlayedBytes()
    {
        if (_position is not { } player)
        {
            return _handedOut;
        }

        var format = player.OutputWaveFormat;
        var position = player.GetPosition();
        var ours = format is null
            || format.AverageBytesPerSecond == _bytesPerSecond ? position : (long)(position * (double)_bytesPerSecond / format.AverageBytesPerSecond);
        return Math.Clamp(ours, 0, _handedOut);
    }

    private TimeSpan ToTime(long bytes) => TimeSpan.FromTicks(bytes * TimeSpan.TicksPerSecond / _bytesPerSecond);

    private sealed class Segment(byte[] bytes, int length, string? itemId)
    {
        public byte[] Bytes { get; } = bytes;

        public int Length { get; } = length;

        public string? ItemId { get; } = itemId;

        public int Offset { get; set; }
    }

    private readonly record struct Run(string? ItemId, long Start, long Length);
}
