using AudioSdk.Audio;
using AudioSdk.Internal.Http;

namespace AudioSdk.LongForm;

/// <summary>A chunk ready to send: where it lies in the recording and its upload.</summary>
internal sealed record PlannedChunk(int Index, TimeSpan Start, TimeSpan End, AudioInput Input);

/// <summary>A recording cut into chunks; disposing it closes the source and deletes temporary files.</summary>
internal sealed class LongFormPlan(IReadOnlyList<PlannedChunk> chunks, TimeSpan? total, RandomAccessAudio audio) : IAsyncDisposable
{
    public IReadOnlyList<PlannedChunk> Chunks { get; } = chunks;

    /// <summary>The recording's duration, when the format tells it without decoding.</summary>
    public TimeSpan? Total { get; } = total;

    public ValueTask DisposeAsync() => audio.DisposeAsync();
}

/// <summary>
/// Cuts a long recording into chunks under a size and a duration limit: WAV natively at the quietest 10 ms
/// near each limit, MP3 at frame boundaries, anything else through ffmpeg (converted to 16 kHz mono WAV
/// first) when it is installed, else a clear error. Reads only the header, the search windows and, for
/// MP3, the frame headers: the recording is never loaded whole.
/// </summary>
internal static class ChunkPlanner
{
    private const int HeaderProbe = 64 * 1024;

    public static async Task<LongFormPlan> PlanAsync(AudioInput input, LongFormOptions options, CancellationToken cancellationToken)
    {
        var audio = await input.OpenRandomAccessAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var head = await audio.ReadRangeAsync(0, HeaderProbe, cancellationToken).ConfigureAwait(false);
            if (head.Length == 0)
            {
                throw new ArgumentException("The audio is empty.", nameof(input));
            }

            var name = Path.GetFileNameWithoutExtension(input.FileName) is { Length: > 0 } n ? n : "audio";
            var format = AudioFormatSniffer.Detect(head);
            if (format?.Extension == "wav")
            {
                WavInfo? info = null;
                try
                {
                    info = WavFile.ReadHeader(head);
                }
                catch (WavFormatException) when (audio.Length > options.MaxChunkBytes && Ffmpeg.TryFind(options.FfmpegPath) is not null)
                {
                }

                if (info is not null)
                {
                    return await PlanWavAsync(audio, info, name, options, cancellationToken).ConfigureAwait(false);
                }
            }
            else if (format?.Extension == "mp3")
            {
                return await PlanMp3Async(audio, name, options, cancellationToken).ConfigureAwait(false);
            }
            else if (audio.Length <= options.MaxChunkBytes)
            {
                var whole = AudioInput.FromSource(new RangeSource(audio, [], 0, audio.Length), input.FileName
                    ?? "audio." + (format?.Extension ?? "bin"), input.ContentType ?? format?.ContentType ?? "application/octet-stream");
                return new LongFormPlan([new PlannedChunk(0, TimeSpan.Zero, TimeSpan.Zero, whole)], null, audio);
            }

            var ffmpeg = Ffmpeg.Find(options.FfmpegPath, $"splitting a {format?.Extension ?? "unrecognised"} recording larger than {options.MaxChunkBytes} bytes (WAV and MP3 are split without it)");
            var wav = await ConvertAsync(ffmpeg, audio, input.FileName, cancellationToken).ConfigureAwait(false);
            await audio.DisposeAsync().ConfigureAwait(false);
            audio = wav;
            head = await audio.ReadRangeAsync(0, HeaderProbe, cancellationToken).ConfigureAwait(false);
            return await PlanWavAsync(audio, WavFile.ReadHeader(head), name, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await audio.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<LongFormPlan> PlanWavAsync(RandomAccessAudio audio, WavInfo info, string name, LongFormOptions options,
        CancellationToken cancellationToken)
    {
        var format = info.Format;
        var block = format.BlockAlign;
        var dataLength = Math.Min(info.DataLength ?? long.MaxValue, audio.Length - info.DataOffset);
        var totalFrames = Math.Max(0, dataLength) / block;
        var limit = Math.Max(1,
            Math.Min((options.MaxChunkBytes - 44) / block, (long)(options.MaxChunkDuration.TotalSeconds * format.SampleRate)));
        var window = (long)(options.BoundarySearchWindow.TotalSeconds * format.SampleRate);
        var chunks = new List<PlannedChunk>();

        // Chunks aimed at equal lengths (no short tail chunk, where models hallucinate): as few as the limit allows while
        // leaving each cut a search window of room, so it can move to the quietest 10 ms near its target without a
        // later chunk having to exceed a limit.
        var room = window > 0 && window < limit ? limit - window : limit;
        var count = Math.Max(1, (totalFrames + room - 1) / room);
        long start = 0;
        while (start < totalFrames || chunks.Count == 0)
        {
            long end;
            var index = chunks.Count + 1;
            if (index >= count)
            {
                end = totalFrames;
            }
            else
            {
                var target = (long)((double)totalFrames * index / count);
                var latest = Math.Min(start + limit, totalFrames);
                var earliest = Math.Max(start + 1, totalFrames - ((count - index) * limit));
                var from = Math.Min(Math.Max(earliest, target - window), latest);
                var to = Math.Min(Math.Max(from, target + window), latest);
                end = to > from ? await QuietestFrameAsync(audio, info, from, to, cancellationToken).ConfigureAwait(false) : to;
            }

            var header = new byte[44];
            WavFile.WriteHeader(header, format, (end - start) * block);
            var source = new RangeSource(audio, header, info.DataOffset + (start * block), (end - start) * block);
            chunks.Add(new PlannedChunk(chunks.Count, Time(start, format.SampleRate), Time(end, format.SampleRate),
                AudioInput.FromSource(source, $"{name}.part{chunks.Count + 1:000}.wav", "audio/wav")));
            start = end;
            if (totalFrames == 0)
            {
                break;
            }
        }

        return new LongFormPlan(chunks, Time(totalFrames, format.SampleRate), audio);
    }

    /// <summary>The frame in [from, to) at the centre of the quietest 10 ms.</summary>
    private static async Task<long> QuietestFrameAsync(RandomAccessAudio audio, WavInfo info, long from, long to,
        CancellationToken cancellationToken)
    {
        var format = info.Format;
        var bytes = await audio.ReadRangeAsync(info.DataOffset + (from * format.BlockAlign),
            checked((int)((to - from) * format.BlockAlign)), cancellationToken).ConfigureAwait(false);
        var samples = new float[bytes.Length / (format.BitsPerSample / 8)];
        WavFile.Decode(bytes, format, samples);
        var mono = Pcm16.Downmix(samples, format.Channels);
        var hop = Math.Max(1, format.SampleRate / 100);
        var best = to;
        var bestEnergy = double.MaxValue;
        for (var at = 0; at + hop <= mono.Length; at += hop)
        {
            var energy = 0.0;
            for (var i = at; i < at + hop; i++)
            {
                energy += mono[i] * (double)mono[i];
            }

            if (energy <= bestEnergy)
            {
                bestEnergy = energy;
                best = from + at + (hop / 2);
            }
        }

        return best;
    }

    private static async Task<LongFormPlan> PlanMp3Async(RandomAccessAudio audio, string name, LongFormOptions options,
        CancellationToken cancellationToken)
    {
        Mp3Info info;
        var scan = await new RangeSource(audio, [], 0, audio.Length).OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (scan.ConfigureAwait(false))
        {
            info = await Mp3FrameScanner.ScanAsync(scan, collectFrameOffsets: true, cancellationToken).ConfigureAwait(false);
        }

        var offsets = info.FrameOffsets;
        var tail = await audio.ReadRangeAsync(Math.Max(0, audio.Length - 128), 3, cancellationToken).ConfigureAwait(false);
        var end = audio.Length >= 128 && tail.AsSpan().SequenceEqual("TAG"u8) ? audio.Length - 128 : audio.Length;
        var frameTicks = info.FrameCount == 0 ? 0 : (double)info.Duration.Ticks / info.FrameCount;
        var maxFrames = Math.Max(1, (long)(options.MaxChunkDuration.Ticks / Math.Max(1, frameTicks)));
        var chunks = new List<PlannedChunk>();
        var totalBytes = offsets.Count == 0 ? 0 : end - offsets[0];
        var count = Math.Max(1,
            Math.Max((offsets.Count + maxFrames - 1) / maxFrames, (totalBytes + options.MaxChunkBytes - 1) / options.MaxChunkBytes));
        var first = 0;
        while (first < offsets.Count)
        {
            // Frames [first, last) form the chunk: aimed at an equal share of the frames left, taking frame 'last'
            // too while both limits allow it.
            long FrameEnd(int frame) => frame + 1 < offsets.Count ? offsets[frame + 1] : end;
            var left = Math.Max(1, count - chunks.Count);
            var share = Math.Max(1, (offsets.Count - first + left - 1) / left);
            var last = first + 1;
            while (last < offsets.Count && last - first < Math.Min(maxFrames, share)
                && FrameEnd(last) - offsets[first] <= options.MaxChunkBytes)
            {
                last++;
            }

            var byteEnd = last < offsets.Count ? offsets[last] : end;
            var source = new RangeSource(audio, [], offsets[first], byteEnd - offsets[first]);
            chunks.Add(new PlannedChunk(
                chunks.Count,
                TimeSpan.FromTicks((long)Math.Round(first * frameTicks)),
                TimeSpan.FromTicks((long)Math.Round(last * frameTicks)),
                AudioInput.FromSource(source, $"{name}.part{chunks.Count + 1:000}.mp3", "audio/mpeg")));
            first = last;
        }

        return new LongFormPlan(chunks, info.Duration, audio);
    }

    private static async Task<RandomAccessAudio> ConvertAsync(Ffmpeg ffmpeg, RandomAccessAudio audio, string? fileName,
        CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Path.GetTempPath(), "audiosdk-" + Guid.NewGuid().ToString("N"));
        var inputPath = audio.FilePath;
        string? spooled = null;
        if (inputPath is null)
        {
            spooled = inputPath = temp + Path.GetExtension(fileName ?? ".bin");
            var file = new FileStream(spooled, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                var source = await new RangeSource(audio, [], 0, audio.Length).OpenAsync(cancellationToken).ConfigureAwait(false);
                await using (source.ConfigureAwait(false))
                {
                    await source.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        try
        {
            var wav = temp + ".wav";
            await ffmpeg.ConvertToWavAsync(inputPath, wav, 16000, 1, cancellationToken).ConfigureAwait(false);
            return new FileRandomAccess(wav, deleteOnDispose: true);
        }
        finally
        {
            if (spooled is not null)
            {
                File.Delete(spooled);
            }
        }
    }

    private static TimeSpan Time(long frames, int sampleRate) =>
        TimeSpan.FromTicks((long)Math.Round((double)frames * TimeSpan.TicksPerSecond / sampleRate));
}
