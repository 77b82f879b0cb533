using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AudioSdk.Cli.Batch;

/// <summary>
/// One of <see cref="Count"/> disjoint parts of a batch (<c>--shard INDEX/COUNT</c>, index from 0): a file belongs to
/// the shard its relative path hashes to (SHA-256, the same on every machine and run), so machines sharing a folder
/// each take their part with no coordinator, and a rerun of a shard takes the same files.
/// <c>auto</c> takes the index from the scheduler: a Kubernetes Indexed Job's <c>JOB_COMPLETION_INDEX</c>, else a Slurm
/// array's <c>SLURM_ARRAY_TASK_ID</c> minus <c>SLURM_ARRAY_TASK_MIN</c>; and the count from <c>AUDIO_SHARD_COUNT</c>,
/// else <c>SLURM_ARRAY_TASK_COUNT</c>.
/// </summary>
internal readonly record struct Shard(int Index, int Count)
{
    public const int MaxCount = 10_000;

    /// <summary>Whether the file with this relative path belongs to this shard.</summary>
    public bool Owns(string key) => Count <= 1
        || (int)(BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(key))) % (ulong)Count) == Index;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>Reads <c>INDEX/COUNT</c>, <c>auto/COUNT</c>, <c>INDEX/auto</c> or <c>auto</c>.</summary>
    /// <exception cref="CliUsageException">The text or the scheduler's variables do not give an index below a count.</exception>
    public static Shard Parse(string text, Func<string, string?> environment)
    {
        var parts = text.Trim().Split('/');
        var indexText = parts[0];
        var countText = parts.Length > 1 ? parts[1] : parts[0] == "auto" ? "auto" : null;
        if (parts.Length > 2 || countText is null)
        {
            throw new CliUsageException($"--shard '{text}' is not INDEX/COUNT (such as 0/3, counting from 0), auto/COUNT or auto.");
        }

        var index = indexText == "auto" ? AutoIndex(environment) : Number(indexText, "the index");
        var count = countText == "auto" ? AutoCount(environment) : Number(countText, "the count");
        if (count is < 1 or > MaxCount)
        {
            throw new CliUsageException($"--shard: the count must be 1 to {MaxCount}, not {count}.");
        }

        if (index < 0 || index >= count)
        {
            throw new CliUsageException($"--shard: the index must be 0 to {count - 1} (counting from 0), not {index}.");
        }

        return new Shard(index, count);
    }

    private static int AutoIndex(Func<string, string?> environment)
    {
        if (environment("JOB_COMPLETION_INDEX") is { Length: > 0 } job)
        {
            return Number(job, "JOB_COMPLETION_INDEX");
        }

        if (environment("SLURM_ARRAY_TASK_ID") is { Length: > 0 } task)
        {
            var min = environment("SLURM_ARRAY_TASK_MIN") is { Length: > 0 } m ? Number(m, "SLURM_ARRAY_TASK_MIN") : 0;
            return Number(task, "SLURM_ARRAY_TASK_ID") - min;
        }

        throw new CliUsageException("--shard auto: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (Slurm array) is set.");
    }

    private static int AutoCount(Func<string, string?> environment) =>
        environment("AUDIO_SHARD_COUNT") is { Length: > 0 } count ? Number(count, "AUDIO_SHARD_COUNT")
        : environment("SLURM_ARRAY_TASK_COUNT") is { Length: > 0 } slurm ? Number(slurm, "SLURM_ARRAY_TASK_COUNT")
        : throw new CliUsageException("--shard: the count is not known: give it (--shard auto/4) or set AUDIO_SHARD_COUNT (Kubernetes: the Job's completions).");

    private static int Number(string text, string what) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new CliUsageException($"--shard: {what} '{text}' is not a whole number.");
}
