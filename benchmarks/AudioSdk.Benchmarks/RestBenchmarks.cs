using System.ClientModel;
using System.Net.Http.Headers;
using System.Text.Json;
using AudioSdk.Speech;
using AudioSdk.Transcriptions;
using BenchmarkDotNet.Attributes;
using OpenAI;

namespace AudioSdk.Benchmarks;

/// <summary>
/// Transcribing a 100 KB WAV against a server that does nothing (see <see cref="MinimalAudioServer"/>), eight requests
/// in flight: raw <see cref="HttpClient"/> with a hand-built multipart body and a <see cref="JsonDocument"/> read, AudioSdk,
/// and openai-dotnet. Each reports the time and allocations per request.
/// </summary>
[MemoryDiagnoser]
public class TranscriptionBenchmarks
{
    private const int Concurrency = 8;
    private MinimalAudioServer _server = null!;
    private HttpClient _raw = null!;
    private AudioClient _sdk = null!;
    private OpenAI.Audio.AudioClient _openai = null!;
    private byte[] _wav = null!;
    private readonly TranscriptionOptions _options = new() { Model = "whisper-1" };

    [GlobalSetup]
    public async Task Setup()
    {
        _server = await MinimalAudioServer.StartAsync();
        _wav = new byte[100 * 1024];
        _raw = new HttpClient { BaseAddress = _server.Endpoint };
        _sdk = new AudioClient(new AudioClientOptions { Endpoint = _server.Endpoint, ApiKey = "sk-bench" });
        _openai = new OpenAI.Audio.AudioClient("whisper-1", new ApiKeyCredential("sk-bench"), new OpenAIClientOptions { Endpoint = _server.Endpoint });
        await Raw();
        await Sdk();
        await OpenAIDotnet();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _raw.Dispose();
        _sdk.Dispose();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Concurrency)]
    public Task Raw() => Many(RawOnceAsync);

    [Benchmark(OperationsPerInvoke = Concurrency)]
    public Task Sdk() => Many(async () => (await _sdk.TranscribeAsync(AudioInput.FromBytes(_wav, "audio.wav"), _options)).Text);

    [Benchmark(OperationsPerInvoke = Concurrency)]
    public Task OpenAIDotnet() => Many(async () =>
    {
        using var audio = new MemoryStream(_wav, writable: false);
        return (await _openai.TranscribeAudioAsync(audio, "audio.wav")).Value.Text;
    });

    private async Task<string> RawOnceAsync()
    {
        using var content = new MultipartFormDataContent
        {
            { new StringContent("whisper-1"), "model" },
            { new StringContent("json"), "response_format" },
        };
        var file = new ByteArrayContent(_wav);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        content.Add(file, "file", "audio.wav");
        using var request = new HttpRequestMessage(HttpMethod.Post, "audio/transcriptions") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-bench");
        using var response = await _raw.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        using var json = await JsonDocument.ParseAsync(body);
        return json.RootElement.GetProperty("text").GetString()!;
    }

    private static Task Many(Func<Task<string>> once)
    {
        var tasks = new Task[Concurrency];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = once();
        }

        return Task.WhenAll(tasks);
    }
}

/// <summary>
/// Streaming 1 MiB of speech from a server that does nothing else: raw <see cref="HttpClient"/> copying the body,
/// AudioSdk's <see cref="SpeechStream.CopyToAsync"/>, chunk enumeration (new arrays) and pooled chunk enumeration
/// (<see cref="SpeechStream.ReadPooledChunksAsync"/>), and openai-dotnet (which buffers the
/// whole body). The first-byte benchmarks stop at the first audio byte.
/// </summary>
[MemoryDiagnoser]
public class SpeechBenchmarks
{
    private MinimalAudioServer _server = null!;
    private HttpClient _raw = null!;
    private AudioClient _sdk = null!;
    private OpenAI.Audio.AudioClient _openai = null!;
    private readonly SpeechOptions _options = new() { Model = "tts-1", Voice = SpeechVoice.Alloy, ResponseFormat = SpeechFormat.Pcm };
    private readonly byte[] _buffer = new byte[64 * 1024];

    [GlobalSetup]
    public async Task Setup()
    {
        _server = await MinimalAudioServer.StartAsync();
        _raw = new HttpClient { BaseAddress = _server.Endpoint };
        _sdk = new AudioClient(new AudioClientOptions { Endpoint = _server.Endpoint, ApiKey = "sk-bench" });
        _openai = new OpenAI.Audio.AudioClient("tts-1", new ApiKeyCredential("sk-bench"), new OpenAIClientOptions { Endpoint = _server.Endpoint });
        await Raw_Whole();
        await Sdk_CopyTo();
        await OpenAIDotnet_Whole();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _raw.Dispose();
        _sdk.Dispose();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public async Task<long> Raw_Whole()
    {
        using var response = await RawSendAsync();
        await using var body = await response.Content.ReadAsStreamAsync();
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(_buffer)) > 0)
        {
            total += read;
        }

        return total;
    }

    [Benchmark]
    public Task<long> Sdk_CopyTo() => _sdk.StreamSpeechAsync("Hello there, this is a benchmark.", _options).CopyToAsync(Stream.Null);

    [Benchmark]
    public async Task<long> Sdk_Enumerate()
    {
        long total = 0;
        await foreach (var chunk in _sdk.StreamSpeechAsync("Hello there, this is a benchmark.", _options))
        {
            total += chunk.Length;
        }

        return total;
    }

    /// <summary>Enumeration through one pooled buffer (each chunk valid until the next move).</summary>
    [Benchmark]
    public async Task<long> Sdk_EnumeratePooled()
    {
        long total = 0;
        await foreach (var chunk in _sdk.StreamSpeechAsync("Hello there, this is a benchmark.", _options).ReadPooledChunksAsync())
        {
            total += chunk.Length;
        }

        return total;
    }

    [Benchmark]
    public async Task<long> OpenAIDotnet_Whole() => (await _openai.GenerateSpeechAsync("Hello there, this is a benchmark.", OpenAI.Audio.GeneratedSpeechVoice.Alloy)).Value.ToMemory().Length;

    [Benchmark]
    public async Task<int> Raw_FirstByte()
    {
        using var response = await RawSendAsync();
        await using var body = await response.Content.ReadAsStreamAsync();
        return await body.ReadAsync(_buffer.AsMemory(0, 1));
    }

    [Benchmark]
    public async Task<int> Sdk_FirstByte()
    {
        await using var body = await _sdk.StreamSpeechAsync("Hello there, this is a benchmark.", _options).OpenReadAsync();
        return await body.ReadAsync(_buffer.AsMemory(0, 1));
    }

    private async Task<HttpResponseMessage> RawSendAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "audio/speech")
        {
            Content = new StringContent("""{"model":"tts-1","input":"Hello there, this is a benchmark.","voice":"alloy","response_format":"pcm"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-bench");
        var response = await _raw.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return response;
    }
}
