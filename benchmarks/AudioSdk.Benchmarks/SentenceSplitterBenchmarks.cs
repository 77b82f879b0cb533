using AudioSdk.Extensions.AI;
using BenchmarkDotNet.Attributes;

namespace AudioSdk.Benchmarks;

/// <summary>
/// The voice agent's sentence splitter fed a 60,000-character answer one character at a time: words without any
/// punctuation (the case that used to rescan the whole text on every character), and ordinary punctuated prose. The
/// splitter as it was is the baseline, in the same run.
/// </summary>
[MemoryDiagnoser]
public class SentenceSplitterBenchmarks
{
    private const int Length = 60_000;
    private string[] _characters = [];

    /// <summary>The kind of text streamed.</summary>
    [Params("unpunctuated", "prose")]
    public string Text { get; set; } = "unpunctuated";

    [GlobalSetup]
    public void Setup()
    {
        string[] words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"];
        var text = new System.Text.StringBuilder();
        for (var i = 0; text.Length < Length; i++)
        {
            text.Append(words[(i * 7) % words.Length]);
            text.Append(Text == "prose" && i % 12 == 11 ? ". " : i % 5 == 4 && Text == "prose" ? ", " : " ");
        }

        _characters = text.ToString(0, Length).Select(c => c.ToString()).ToArray();
    }

    /// <summary>The splitter before: rescans the held text on every token.</summary>
    [Benchmark(Baseline = true)]
    public int Before()
    {
        var splitter = new LegacySentenceSplitter();
        var count = 0;
        foreach (var c in _characters)
        {
            count += splitter.Add(c).Count;
        }

        return count + (splitter.Flush() is null ? 0 : 1);
    }

    /// <summary>The splitter now: resumes its scan, cuts at the limit.</summary>
    [Benchmark]
    public int After()
    {
        var splitter = new SentenceSplitter();
        var count = 0;
        foreach (var c in _characters)
        {
            count += splitter.Add(c).Count;
        }

        return count + (splitter.Flush() is null ? 0 : 1);
    }
}
