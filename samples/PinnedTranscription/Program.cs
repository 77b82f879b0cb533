// PinnedTranscription: TLS key pinning, offline. Starts a local HTTPS audio server with a freshly generated
// certificate, then transcribes once with the right pin (works) and once with a wrong pin (refused during
// the TLS handshake: the server receives no byte, and the API key never leaves).
//   dotnet run --project samples/PinnedTranscription
// With --tinfoil it verifies, offline, the captured attestation document of a real Tinfoil enclave (AMD SEV-SNP
// report to AMD's root, Sigstore provenance of the release, platform policy, freshness) at the time it was captured,
// prints the TLS pin it binds, then shows a changed report byte and another nonce being refused. Then it runs the
// attestation bundle flow (as Tinfoil's own client attests) and EHBP end to end against a local server that serves a
// bundle on a synthetic AMD chain: the audio goes sealed to the HPKE key the report binds.
//   dotnet run --project samples/PinnedTranscription -- --tinfoil
using System.Security.Cryptography;
using System.Text.Json;
using AudioSdk;
using AudioSdk.Audio;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Testing;
using AudioSdk.Transcriptions;

var wav = WavFile.Write(Enumerable.Range(0, 16000).Select(i => (float)(0.3 * Math.Sin(2 * Math.PI * 440 * i / 16000))).ToArray(), WavFormat.Pcm16Mono(16000));
if (args.Contains("--tinfoil"))
{
    VerifyCapturedTinfoilDocument();
    await TranscribeThroughTheBundleFlowAsync(wav);
    return;
}

using var certificate = TestCertificates.CreateSelfSigned();
await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { Certificate = certificate, ApiKey = "sk-local" });
var rightPin = TlsPin.Compute(certificate);
var wrongPin = TlsPin.FromBytes(SHA256.HashData("some other key"u8));
Console.WriteLine($"Server {server.Endpoint} serves the key with pin {rightPin}");

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

static void VerifyCapturedTinfoilDocument()
{
    using var vector = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "real-sev-inference-tinfoil.json")));
    var input = vector.RootElement.GetProperty("input");
    var document = Convert.FromBase64String(input.GetProperty("document_b64").GetString()!);
    var nonce = Convert.FromHexString(input.GetProperty("nonce_hex").GetString()!);
    var capturedAt = DateTimeOffset.FromUnixTimeSeconds(input.GetProperty("verification_time_unix").GetInt64());
    const string Repository = "tinfoilsh/confidential-model-router";

    var attestation = TinfoilAttestor.VerifyDocument(document, nonce, Repository, capturedAt);
    Console.WriteLine($"Verified {attestation.Repository}@{attestation.Tag} on {attestation.Machine}, measurement {attestation.Measurement[..16]}...");
    Console.WriteLine($"TLS pin {attestation.TlsPin}, valid until {attestation.ValidUntil:O}");

    var tampered = (byte[])document.Clone();
    var at = System.Text.Encoding.ASCII.GetString(tampered).IndexOf("\"report_base64\":\"", StringComparison.Ordinal) + 200;
    tampered[at] = tampered[at] == (byte)'A' ? (byte)'B' : (byte)'A';
    var otherNonce = (byte[])nonce.Clone();
    otherNonce[0] ^= 1;
    foreach (var (label, bytes, n) in new[] { ("one report byte changed", tampered, nonce), ("another nonce", document, otherNonce) })
    {
        try
        {
            TinfoilAttestor.VerifyDocument(bytes, n, Repository, capturedAt);
            throw new InvalidOperationException($"{label}: accepted, which must not happen");
        }
        catch (AttestationException e)
        {
            Console.WriteLine($"{label}: refused at {e.Stage} ({e.Code})");
        }
    }
}

static async Task TranscribeThroughTheBundleFlowAsync(byte[] wav)
{
    using var certificate = TestCertificates.CreateSelfSigned();
    await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { Certificate = certificate, ApiKey = "sk-local", Ehbp = true, TinfoilBundle = true });
    using var attestor = server.CreateTinfoilAttestor(); // the bundle flow, trusting only this server's synthetic AMD root
    Console.WriteLine($"Bundle flow: the attestation service names the router {await attestor.ResolveEndpointAsync()}; this sample uses {server.Endpoint}");
    using var client = new AudioClient(new AudioClientOptions
    {
        Endpoint = server.Endpoint,
        ApiKey = "sk-local",
        Attestor = attestor, // AttestedTransport.Automatic: EHBP, since the bundle's report binds an HPKE key
        DangerousAllowSelfSignedLoopbackCertificatesForTesting = true,
    });
    var t = await client.TranscribeAsync(AudioInput.FromBytes(wav, "tone.wav"), new TranscriptionOptions { Model = "whisper-1" });
    var sealedUpload = server.Requests.Single(r => r.Method == "POST").Headers.ContainsKey("Ehbp-Encapsulated-Key");
    Console.WriteLine($"Bundle flow + EHBP: transcribed \"{t.Text}\" (upload sealed to the attested HPKE key: {sealedUpload})");
    if (!sealedUpload)
    {
        throw new InvalidOperationException("The upload was not sealed.");
    }
}
