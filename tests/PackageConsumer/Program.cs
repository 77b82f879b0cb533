// Uses every package as a user would: the test server from AudioSdk.Testing, a client from dependency
// injection, the Microsoft.Extensions.AI adapters, and a realtime session.
using AudioSdk;
using AudioSdk.Audio;
using AudioSdk.Extensions.AI;
using RealtimeSessionOptions = AudioSdk.Realtime.RealtimeSessionOptions;
using AudioSdk.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

await using var server = await AudioTestServer.StartAsync();
var services = new ServiceCollection();
services.AddAudioClient(o => o.Endpoint = server.Endpoint);
await using var provider = services.BuildServiceProvider();
var client = provider.GetRequiredService<AudioClient>();

var wav = WavFile.Write(Enumerable.Range(0, 16000).Select(i => (float)(0.3 * Math.Sin(2 * Math.PI * 440 * i / 16000))).ToArray(), WavFormat.Pcm16Mono(16000));
var text = await client.AsSpeechToTextClient("whisper-1").GetTextAsync(new MemoryStream(wav));
var audio = await client.AsTextToSpeechClient("tts-1").GetAudioAsync("From the packages.", new TextToSpeechOptions { AudioFormat = "wav" });
await using var rt = await client.StartRealtimeSessionAsync(new RealtimeSessionOptions { Model = "gpt-4o-transcribe" });
var utterance = await rt.TranscribeUtteranceAsync(Pcm16.ToBytes(WavFile.Read(wav).ToPcm16Mono()));

Console.WriteLine($"speech-to-text: {text.Text}");
Console.WriteLine($"text-to-speech: {((DataContent)audio.Contents[0]).Data.Length} bytes of {((DataContent)audio.Contents[0]).MediaType}");
Console.WriteLine($"realtime: {utterance.Transcript}");
var ok = text.Text.StartsWith("Segment 1", StringComparison.Ordinal) && utterance.Transcript.Contains("440 Hz", StringComparison.Ordinal);
Console.WriteLine(ok ? "package consumer: ok" : "package consumer: FAILED");
return ok ? 0 : 1;
