// Starts the audio test server, writes its endpoint to the file named by the first argument, and serves
// until the process is stopped or ten minutes pass.
using AudioSdk.Testing;

await using var server = await AudioTestServer.StartAsync();
var endpoint = server.Endpoint.ToString();
if (args.Length > 0)
{
    await File.WriteAllTextAsync(args[0] + ".tmp", endpoint);
    File.Move(args[0] + ".tmp", args[0], overwrite: true);
}

Console.WriteLine(endpoint);
await Task.Delay(TimeSpan.FromMinutes(10));
