using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace AudioSdk.Cli.Batch;

/// <summary>
/// What produced an output: the input's size, modification time and a hash of its content (the whole file up to
/// 64 MiB; above that its first, middle and last MiB), and the options that
/// shape the output. Kept in a hidden <c>.audio</c> folder beside the output (<c>.audio/talk.srt.json</c>), one file
/// per output, so shards writing into one folder never share a file. An output counts as done only when its record
/// matches the input and options as they are now, so a future-dated input is not redone, a changed input is, and
/// changed options redo exactly the outputs they affect.
/// </summary>
internal sealed record OutputRecord(long Size, long ModifiedTicks, string Head, string Options)
{
    /// <summary>The output as written: its size and a hash of its bytes (<c>size:hex</c>). An output changed since (emptied, edited,
    /// truncated) is redone.</summary>
    public string? Output { get; init; }

    /// <summary>The <see cref="Output"/> value for these bytes.</summary>
    public static string DescribeOutput(ReadOnlySpan<byte> bytes) =>
        bytes.Length.ToString(CultureInfo.InvariantCulture) + ":" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8));

    /// <summary>The hidden folder holding the records (skipped by the folder walk).</summary>
    public const string Folder = ".audio";

    /// <summary>Files up to this size are hashed whole; larger ones by three samples of <see cref="SampleBytes"/> (start, middle,
    /// end).</summary>
    private const long WholeHashLimit = 64L * 1024 * 1024;

    private const int SampleBytes = 1024 * 1024;

    public static string PathFor(string output) => Path.Combine(Path.GetDirectoryName(output)!, Folder, Path.GetFileName(output) + ".json");

    /// <summary>The record the input would get now.</summary>
    public static async Task<OutputRecord> OfInputAsync(string input, string options, CancellationToken cancellationToken)
    {
        var info = new FileInfo(input);
        return new OutputRecord(info.Length, info.LastWriteTimeUtc.Ticks,
            await HeadHashAsync(input, cancellationToken).ConfigureAwait(false), options);
    }

    /// <summary>Whether the item's output exists and was produced from this input (unchanged) with these options.</summary>
    public static async Task<bool> IsDoneAsync(BatchItem item, string options, CancellationToken cancellationToken)
    {
        var output = new FileInfo(item.Output);
        if (!output.Exists)
        {
            return false;
        }

        var input = new FileInfo(item.ReadPath);
        var recordPath = PathFor(item.Output);
        var record = Read(recordPath);
        if (record is null)
        {
            // An output from before records were kept: the old rule (output newer than a not future-dated input),
            // and the record is written now so the next run need not guess.
            var now = DateTime.UtcNow;
            if (output.LastWriteTimeUtc < input.LastWriteTimeUtc || input.LastWriteTimeUtc > now.AddMinutes(1))
            {
                return false;
            }

            TryWrite(recordPath,
                (await OfInputAsync(item.ReadPath, options,
                cancellationToken).ConfigureAwait(false)) with { Output = await OutputNowAsync(output,
                cancellationToken).ConfigureAwait(false) });
            return true;
        }

        if (record.Options != options || record.Size != input.Length)
        {
            return false;
        }

        if (record.Output is { } written && written != await OutputNowAsync(output, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        // Same size: compare the content hash, whatever the time says (an edit that restores the time is still seen).
        return record.Head == await HeadHashAsync(item.ReadPath, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the record atomically (before the output is renamed into place, so an output never lacks one).</summary>
    public void Write(string path)
    {
        using var file = AtomicFile.Create(path);
        file.Stream.Write(System.Text.Encoding.UTF8.GetBytes(JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("size", Size);
            w.WriteString("modified", new DateTime(ModifiedTicks, DateTimeKind.Utc).ToString("o", CultureInfo.InvariantCulture));
            w.WriteString("head", Head);
            w.WriteString("options", Options);
            if (Output is { } written)
            {
                w.WriteString("output", written);
            }

            w.WriteEndObject();
        }) + "\n"));
        file.Commit();
    }

    public static OutputRecord? Read(string path)
    {
        try
        {
            if (!File.Exists(path) || new FileInfo(path).Length > 64 * 1024)
            {
                return null;
            }

            using var json = JsonDocument.Parse(File.ReadAllText(path));
            var root = json.RootElement;
            return new OutputRecord(
                root.GetProperty("size").GetInt64(),
                DateTime.Parse(root.GetProperty("modified").GetString()!, CultureInfo.InvariantCulture,
                    DateTimeStyles.RoundtripKind).ToUniversalTime().Ticks,
                root.GetProperty("head").GetString()!,
                root.GetProperty("options").GetString()!)
            {
                Output = root.TryGetProperty("output", out var written) ? written.GetString() : null,
            };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static void TryWrite(string path, OutputRecord record)
    {
        try
        {
            record.Write(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Without a record the next run applies the old rule again.
        }
    }

    /// <summary>The output file as it is now, in the form of <see cref="Output"/> (an output over 64 MiB, which the tool never writes, does
    /// not match).</summary>
    private static async Task<string?> OutputNowAsync(FileInfo output, CancellationToken cancellationToken)
    {
        try
        {
            return output.Length > WholeHashLimit ? null : DescribeOutput(await File.ReadAllBytesAsync(output.FullName,
                cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A hash of the whole file up to 64 MiB (an edit anywhere is seen); above, of its first, middle and last MiB (a rerun reads 3
    /// MiB per large file, not all of it).</summary>
    private static async Task<string> HeadHashAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var length = stream.Length;
                var buffer = new byte[SampleBytes];
                long[] starts = length <= WholeHashLimit ? [0] : [0, (length / 2) - (SampleBytes / 2), length - SampleBytes];
                foreach (var start in starts)
                {
                    stream.Position = start;
                    var left = length <= WholeHashLimit ? length : SampleBytes;
                    while (left > 0)
                    {
                        var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)),
                            cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                        {
                            break;
                        }

                        hash.AppendData(buffer, 0, read);
                        left -= read;
                    }
                }

                return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 8));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
