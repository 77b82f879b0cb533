using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using AudioSdk.Security;
using AudioSdk.Testing;
using AudioSdk.Transcriptions;

namespace AudioSdk.Benchmarks;

/// <summary>
/// The peak working set of one large non-seekable upload, each transport in a process of its own so the peaks are not
/// shared: the parent runs the in-process test server (it opens the sealed body, parses the multipart and hashes the
/// whole file, so the upload is real end to end) and starts one client process per mode, which uploads once and reports
/// its VmHWM (Linux) or peak working set, with the VmHWM after a warm-up request, the time and the CPU time.
/// <c>dotnet run -c Release --project benchmarks/AudioSdk.Benchmarks -- upload-memory [bytes, default 1 GiB]</c>
/// </summary>
internal static class UploadMemory
{
    public const string Command = "upload-memory";
    private const string ClientCommand = "upload-memory-client";
    private static readonly string[] Modes = ["tls", "pinned", "ehbp"];

    /// <summary>Runs the measured modes when <paramref name="args"/> asks for them; false otherwise.</summary>
    public static async Task<bool> TryRunAsync(string[] args)
    {
        switch (args)
        {
            case [Command, ..]:
                await ParentAsync(args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 1L << 30);
                return true;
            case [ClientCommand, var mode, var endpoint, var pin, var key, var bytes]:
                await ClientAsync(mode, new Uri(endpoint), pin, Convert.FromHexString(key), long.Parse(bytes, CultureInfo.InvariantCulture));
                return true;
            default:
                return false;
        }
    }

    private static async Task ParentAsync(long bytes)
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { Certificate = certificate, Ehbp = true, MaxCapturedFileBytes = 0 });
        var pin = TlsPin.Compute(certificate).ToString();
        var key = Convert.ToHexString(server.HpkePublicKey.Span);
        Console.WriteLine($"Upload of {bytes:N0} bytes (a generated non-seekable WAV), one client process per mode; the server runs in this process.");
        Console.WriteLine("| Mode   | Peak working set (MB) | After warm-up (MB) | Growth (MB) | Time (s) | Client CPU (s) | Server CPU (s) |");
        Console.WriteLine("|--------|----------------------:|-------------------:|------------:|---------:|---------------:|---------------:|");
        foreach (var mode in Modes)
        {
            var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            {
                info.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
            }

            foreach (var argument in new[] { ClientCommand, mode, server.Endpoint.ToString(), pin, key, bytes.ToString(CultureInfo.InvariantCulture) })
            {
                info.ArgumentList.Add(argument);
            }

            // The server's CPU: this process's, while the child runs (it does nothing else meanwhile).
            var serverCpu = Process.GetCurrentProcess().TotalProcessorTime;
            using var child = Process.Start(info)!;
            var output = await child.StandardOutput.ReadToEndAsync();
            await child.WaitForExitAsync();
            var served = Process.GetCurrentProcess().TotalProcessorTime - serverCpu;
            Console.WriteLine(child.ExitCode == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{output.TrimEnd()} {served.TotalSeconds,14:F2} |")
                : $"| {mode,-6} | failed with exit code {child.ExitCode}: {output.Trim()} |");
        }
    }

    private static async Task ClientAsync(string mode, Uri endpoint, string pin, byte[] hpkeKey, long bytes)
    {
        var options = new AudioClientOptions { Endpoint = endpoint, NetworkTimeout = Timeout.InfiniteTimeSpan, ApiKey = "sk-memory" };
        if (mode == "tls")
        {
            // Plain TLS: normal validation, relaxed only for the test server's self-signed certificate.
            options.HttpHandler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
        }
        else
        {
            options.Attestor = new StaticPinAttestor([TlsPin.FromHex(pin)], hpkeKey);
            options.AttestedTransport = mode == "ehbp" ? AttestedTransport.Ehbp : AttestedTransport.TlsPinning;
            options.DangerousAllowSelfSignedLoopbackCertificatesForTesting = true;
        }

        using var client = new AudioClient(options);
        await client.ListModelsAsync();
        var warm = PeakMegabytes();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = await client.TranscribeAsync(AudioInput.FromStream(new GeneratedWav(bytes), "big.wav", "audio/wav"), new TranscriptionOptions { Model = "whisper-1" });
        var elapsed = clock.Elapsed;
        if (result.Text is null)
        {
            throw new InvalidOperationException("No transcript came back.");
        }

        var peak = PeakMegabytes();
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {mode,-6} | {peak,21:F1} | {warm,18:F1} | {peak - warm,11:F1} | {elapsed.TotalSeconds,8:F2} | {used.TotalSeconds,14:F2} |"));
    }

    /// <summary>VmHWM from /proc/self/status where there is one, else the process's peak working set, in MB.</summary>
    private static double PeakMegabytes()
    {
        const string Status = "/proc/self/status";
        if (File.Exists(Status))
        {
            foreach (var line in File.ReadLines(Status))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
                }
            }
        }

        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64 / (1024.0 * 1024.0);
    }
}
