using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/AudioSdk.Benchmarks -- --filter '*' [--job short]
// The audio tool beside a hand-written loop: -- --filter '*CliBatch*' --warmupCount 3 --iterationCount 15 --inProcess
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
