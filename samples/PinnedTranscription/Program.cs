// PinnedTranscription: TLS key pinning, offline. Starts a local HTTPS audio server with a freshly generated
// certificate, then transcribes once with the right pin (works) and once with a wrong pin (refused during
// the TLS handshake: the server receives no byte, and the API key never leaves).
//   dotnet run --project samples/PinnedTranscription
using System.Security.Cryptography;
using AudioSdk;
using AudioSdk.Audio;
using AudioSdk.Security;
using AudioSdk.Testing;
using AudioSdk.Transcriptions;

using var certificate = TestCertificates.CreateSelfSigned();
await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { Certificate = certificate, ApiKey = "sk-local" });
var rightPin = TlsPin.Compute(certificate);
var wrongPin = TlsPin.FromBytes(SHA256.HashData("some other key"u8));
Console.WriteLine($"Server {server.Endpoint} serves the key with pin {rightPin}");

var wav = WavFile.Write(Enumerable.Range(0, 16000).Select(i => (float)(0.3 * Math.Sin(2 * Math.PI * 440 * i / 16000))).ToArray(), WavFormat.Pcm16Mono(16000));
foreach (var (label, pin) in new[] { ("right pin", rightPin), ("wrong pin", wrongPin) })
{
    using var client = new AudioClient(new AudioClientOptions
    {
        Endpoint = server.Endpoint,
        ApiKey = "sk-local",
        TlsPins = { pin },
        DangerousAllowSelfSignedLoopbackCertificatesForTesting = true, // the generated certificate is self-signed; the pin is still checked
    });
    var before = server.ApplicationBytesReceived;
    try
    {
        var t = await client.TranscribeAsync(AudioInput.FromBytes(wav, "tone.wav"), new TranscriptionOptions { Model = "whisper-1" });
        Console.WriteLine($"{label}: transcribed \"{t.Text}\" ({server.ApplicationBytesReceived - before} bytes reached the server)");
    }
    catch (TlsPinMismatchException e)
    {
        Console.WriteLine($"{label}: refused. Server saw key {e.ActualPin}, expected {string.Join(", ", e.ExpectedPins)}; {server.ApplicationBytesReceived - before} bytes reached the server");
    }
}
