using AudioSdk.Benchmarks;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/AudioSdk.Benchmarks -- --filter '*' [--job short]
// The audio tool beside a hand-written loop: -- --filter '*CliBatch*' --warmupCount 3 --iterationCount 15 --inProcess
// Peak working set of a 1 GiB non-seekable upload, EHBP beside TLS, one process per mode: -- upload-memory [bytes]
if (!await UploadMemory.TryRunAsync(args))
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
