using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace AudioSdk.Tests.Infrastructure;

/// <summary>
/// A seeded generator of hostile inputs from valid ones: bit flips, truncation, huge and negative length fields,
/// spliced and random bytes, and (for text) huge or odd numbers. The same seed gives the same inputs.
/// </summary>
public sealed class Mutator(int seed)
{
    private static readonly uint[] Interesting = [0, 1, 2, 7, 8, 15, 16, 40, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x3FFF, 768_001, 2_112_000_000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF];
    private static readonly string[] Numbers = ["2147483647", "2147483648", "-1", "-2147483648", "1e20", "1e308", "1e400", "NaN", "Infinity", "-0", "99999999999999999999", "0x1F", "1.7976931348623157E+308", "", " ", "00", "9999999", "10000000", "4294967295", "1,5", "1.5.5", "٣"];
    private static readonly string[] Tokens = ["-->", ":", ",", ".", "\n", "\r\n", "\n\n", "WEBVTT", "NOTE", "\"", "{", "}", "[", "]", "null", "true", "\\u0000", "\\ud800", "\u0000", "\uFEFF", "\t"];

    private readonly Random _random = new(seed);

    public int Next(int max) => _random.Next(max);

    /// <summary>One to three binary mutations of a valid input, or (one time in twenty) random bytes.</summary>
    public byte[] Mutate(byte[] valid)
    {
        if (_random.Next(20) == 0)
        {
            var noise = new byte[_random.Next(0, 512)];
            _random.NextBytes(noise);
            return noise;
        }

        var bytes = (byte[])valid.Clone();
        for (var n = 1 + _random.Next(3); n > 0; n--)
        {
            bytes = MutateOnce(bytes);
        }

        return bytes;
    }

    /// <summary>One to three text mutations (numbers, tokens, line surgery) or binary ones on the UTF-8 bytes.</summary>
    public string Mutate(string valid)
    {
        var text = valid;
        for (var n = 1 + _random.Next(3); n > 0; n--)
        {
            text = _random.Next(4) switch
            {
                0 => Encoding.UTF8.GetString(MutateOnce(Encoding.UTF8.GetBytes(text))),
                1 => ReplaceNumber(text),
                2 => Insert(text, Tokens[_random.Next(Tokens.Length)]),
                _ => LineSurgery(text),
            };
        }

        return text;
    }

    private byte[] MutateOnce(byte[] bytes)
    {
        switch (_random.Next(7))
        {
            case 0: // bit flips
                if (bytes.Length > 0)
                {
                    for (var i = 1 + _random.Next(8); i > 0; i--)
                    {
                        bytes[_random.Next(bytes.Length)] ^= (byte)(1 << _random.Next(8));
                    }
                }

                return bytes;
            case 1: // truncation
                return bytes[..(bytes.Length == 0 ? 0 : _random.Next(bytes.Length))];
            case 2: // a 32-bit length field set to a huge, negative or boundary value
                if (bytes.Length >= 4)
                {
                    var at = _random.Next(bytes.Length - 3);
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), _random.Next(3) == 0 ? (uint)_random.Next() | 0x80000000 : Interesting[_random.Next(Interesting.Length)]);
                }

                return bytes;
            case 3: // a 16-bit field
                if (bytes.Length >= 2)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(_random.Next(bytes.Length - 1)), (ushort)Interesting[_random.Next(Interesting.Length)]);
                }

                return bytes;
            case 4: // a run of random bytes
                if (bytes.Length > 0)
                {
                    var at = _random.Next(bytes.Length);
                    _random.NextBytes(bytes.AsSpan(at, Math.Min(bytes.Length - at, 1 + _random.Next(16))));
                }

                return bytes;
            case 5: // a slice duplicated or removed
                if (bytes.Length > 1)
                {
                    var at = _random.Next(bytes.Length);
                    var length = _random.Next(Math.Min(64, bytes.Length - at) + 1);
                    return _random.Next(2) == 0 ? [.. bytes[..at], .. bytes[at..(at + length)], .. bytes[at..]] : [.. bytes[..at], .. bytes[(at + length)..]];
                }

                return bytes;
            default: // random bytes appended
                var tail = new byte[_random.Next(64)];
                _random.NextBytes(tail);
                return [.. bytes, .. tail];
        }
    }

    private string ReplaceNumber(string text)
    {
        var digits = Enumerable.Range(0, text.Length).Where(i => char.IsAsciiDigit(text[i]) && (i == 0 || !char.IsAsciiDigit(text[i - 1]))).ToList();
        if (digits.Count == 0)
        {
            return Insert(text, Numbers[_random.Next(Numbers.Length)]);
        }

        var start = digits[_random.Next(digits.Count)];
        var end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return text[..start] + Numbers[_random.Next(Numbers.Length)] + text[end..];
    }

    private string Insert(string text, string token)
    {
        var at = _random.Next(text.Length + 1);
        return text[..at] + token + text[at..];
    }

    private string LineSurgery(string text)
    {
        var lines = text.Split('\n').ToList();
        var i = _random.Next(lines.Count);
        switch (_random.Next(3))
        {
            case 0:
                lines.RemoveAt(i);
                break;
            case 1:
                lines.Insert(i, lines[_random.Next(lines.Count)]);
                break;
            default:
                lines[i] = new string(lines[i].Reverse().ToArray());
                break;
        }

        return string.Join('\n', lines);
    }
}

/// <summary>Runs a parser over generated inputs: only documented exceptions, and per input a time and allocation bound.</summary>
public static class HostileInput
{
    /// <summary>Per-input bounds: a hang or a blow-up detector, far above what any input needs.</summary>
    public static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(1);

    public const long MaxAllocatedBytes = 64L * 1024 * 1024;

    /// <summary>Runs every input; returns how many threw the documented exception. Fails on any other exception or bound.</summary>
    public static int Run<T>(IEnumerable<T> inputs, Action<T> parse, Func<Exception, bool> documented, Func<T, string> describe)
    {
        var threw = 0;
        var clock = new Stopwatch();
        foreach (var input in inputs)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            clock.Restart();
            try
            {
                parse(input);
            }
            catch (Exception ex) when (documented(ex))
            {
                threw++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"Undocumented {ex.GetType().Name} for input {describe(input)}: {ex}");
            }

            var elapsed = clock.Elapsed;
            var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
            if (elapsed >= MaxTime || bytes >= MaxAllocatedBytes)
            {
                Assert.Fail($"Took {elapsed} and allocated {bytes} bytes for input {describe(input)}; the bounds are {MaxTime} and {MaxAllocatedBytes} bytes.");
            }
        }

        return threw;
    }

    public static string Hex(byte[] bytes) => Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 512)));

    public static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text.Length <= 512 ? text : text[..512]);
}
