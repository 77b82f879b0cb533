using System.Text;
using AudioSdk.Audio;

namespace AudioSdk.Cli.Tests;

/// <summary>Runs the tool in-process with captured streams, its own environment and a time limit, in a temporary folder.</summary>
public sealed class CliHarness : IDisposable
{
    public CliHarness()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "audio-cli-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public Dictionary<string, string?> Environment { get; } = [];

    public static async Task<CliResult> RunAsync(string directory, IDictionary<string, string?> environment, string[] args, byte[]? stdin = null, bool terminal = false, CancellationToken cancellationToken = default)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var stdout = new MemoryStream();
        var console = new CliConsole
        {
            Out = output,
            Error = error,
            OpenStandardInput = () => new MemoryStream(stdin ?? []),
            OpenStandardOutput = () => new NonClosingStream(stdout),
            IsTerminal = terminal,
            GetEnvironmentVariable = name => environment.TryGetValue(name, out var v) ? v : null,
            WorkingDirectory = directory,
        };

        // Nothing may hang: every run has a hard limit, on top of the tool's own timeouts.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(90));
        var code = await CliApp.RunAsync(args, console, limit.Token);
        Assert.False(limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested, "the command did not finish within 90 s");
        return new CliResult(code, output.ToString(), error.ToString(), stdout.ToArray());
    }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(Directory, Environment, args);

    public string Path(params string[] parts) => System.IO.Path.Combine([Directory, .. parts]);

    /// <summary>Writes a mono 16 kHz WAV with a 440 Hz tone in the first half of each second.</summary>
    public string WriteWav(string relative, double seconds, int rate = 16000)
    {
        var samples = new short[(int)(seconds * rate)];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = i % rate < rate / 2 ? (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / rate)) : (short)0;
        }

        var path = Path(relative);
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, WavFile.Write(samples, rate));
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}

public sealed record CliResult(int ExitCode, string Out, string Error, byte[] Stdout)
{
    public string All => Out + Error;

    public override string ToString() => $"exit {ExitCode}\n--- out\n{Out}\n--- error\n{Error}";
}
