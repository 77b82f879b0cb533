using System.Diagnostics;
using System.Text;

namespace AudioSdk.Cli.Tests;

/// <summary>The tool as a separate process (as installed), with its output collected, and signals sent the way a shell or a scheduler sends them.</summary>
public sealed class CliProcess : IDisposable
{
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _error = new();

    private CliProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => Append(_out, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Out
    {
        get
        {
            lock (_out)
            {
                return _out.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <c>audio</c> in <paramref name="directory"/>; with <paramref name="fileSizeLimitKb"/>, under <c>ulimit -f</c> (through bash).
    /// With <paramref name="interruptible"/>, SIGINT reaches it as it would from a terminal even where this test run was started
    /// with SIGINT ignored (a background job of a shell without job control): a child inherits an ignored SIGINT, and the
    /// .NET runtime then installs no handler for it, so the tool is started through <c>env --default-signal=INT</c>.
    /// </summary>
    public static CliProcess Start(string directory, IEnumerable<string> args, IDictionary<string, string>? environment = null,
        int? fileSizeLimitKb = null, bool interruptible = false)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var dll = Path.Combine(AppContext.BaseDirectory, "audio.dll");
        var restoreSigint = interruptible && SigintIgnored();
        var info = new ProcessStartInfo(fileSizeLimitKb is not null ? "bash" : restoreSigint ? "env" : dotnet)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (fileSizeLimitKb is { } limit)
        {
            // The runtime maps code through a file unless W^X is off; under a size limit it needs it off to start.
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add($"ulimit -f {limit}; exec \"$0\" \"$@\"");
            info.ArgumentList.Add(dotnet);
            info.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        }

        else if (restoreSigint)
        {
            info.ArgumentList.Add("--default-signal=INT");
            info.ArgumentList.Add(dotnet);
        }

        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("AUDIO_API_BASE_URL");
        info.Environment.Remove("AUDIO_API_KEY");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return new CliProcess(Process.Start(info)!);
    }

    /// <summary>Sends a signal (INT, TERM, KILL) with kill(2), as a shell or a scheduler does.</summary>
    public void Signal(string name)
    {
        var number = name switch
        {
            "INT" => 2,
            "KILL" => 9,
            "TERM" => 15,
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "INT, KILL or TERM"),
        };
        Assert.True(NativeMethods.Kill(Process.Id, number) == 0, $"kill({Process.Id}, {number}) failed");
    }

    /// <summary>Waits for the exit; a process still running after <paramref name="limit"/> is killed and the test fails with what it printed.</summary>
    public async Task<int> ExitAsync(TimeSpan limit)
    {
        try
        {
            await Process.WaitForExitAsync().WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            Process.Kill(entireProcessTree: true);
            Assert.Fail($"audio did not exit within {limit.TotalSeconds} s\n--- out\n{Out}\n--- error\n{Error}");
        }

        Process.WaitForExit();
        return Process.ExitCode;
    }

    public override string ToString() => $"--- out\n{Out}\n--- error\n{Error}";

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        Process.Dispose();
    }

    private static void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.AppendLine(line);
        }
    }

    private static class NativeMethods
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }

    /// <summary>Whether this process runs with SIGINT ignored (the mask 0x2 of <c>SigIgn</c> in <c>/proc/self/status</c>).</summary>
    private static bool SigintIgnored()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return false;
        }

        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 2) != 0;
    }
}
