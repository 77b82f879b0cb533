using System.Text.RegularExpressions;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AudioSdk.Tests.Readme;

/// <summary>
/// The README's testing snippets live here between <c>// snippet: name</c> and <c>// end snippet</c>, so they compile and
/// run with the suite; one test checks that the README shows exactly this code under <c>&lt;!-- snippet: name --&gt;</c>.
/// </summary>
public sealed partial class ReadmeTestingSnippetsTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"audiosdk-readme-{Guid.NewGuid():N}.wav");

    public ReadmeTestingSnippetsTests() => File.WriteAllBytes(_path, TestAudio.SineWav(1.5));

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task Behaviour_WithTheInProcessServer()
    {
        var path = _path;
        // snippet: testing-behaviour
        await using var server = await AudioTestServer.StartAsync();
        using var client = new AudioClient(new AudioClientOptions { Endpoint = server.Endpoint });

        var transcript = await client.TranscribeAsync(AudioInput.FromFile(path), new() { Model = "whisper-1" });
        Assert.StartsWith("Segment 1 spans", transcript.Text);            // deterministic, derived from the audio
        Assert.Equal("whisper-1", server.Requests[^1].GetField("model"));  // every request is recorded

        server.Enqueue(ScriptedResponse.RateLimited(seconds: 2));         // script the next answer: errors, delays, drops
        // end snippet
    }

    [Fact]
    public async Task Contracts_WithWireMock()
    {
        var path = _path;
        // snippet: testing-contracts
        using var provider = WireMockServer.Start();
        provider.Given(Request.Create().WithPath("/v1/audio/transcriptions").UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                .WithBody("""{"text":"Hello.","tresor":{"routed_model":"eu/privatemode/whisper-large-v3"}}"""));
        using var client = new AudioClient(new AudioClientOptions { Endpoint = new Uri(provider.Url + "/v1"), ApiKey = "test-key" });

        var t = await client.TranscribeAsync(AudioInput.FromFile(path), new() { Model = "auto/auto/whisper-large-v3" });
        Assert.Equal("eu/privatemode/whisper-large-v3", t.Metadata.RoutedModel);     // a canned provider response, read back
        var sent = provider.LogEntries.Single().RequestMessage;                         // the exact request on the wire
        Assert.Equal("Bearer test-key", sent.Headers!["Authorization"][0]);
        Assert.StartsWith("multipart/form-data", sent.Headers["Content-Type"][0]);
        // end snippet
    }

    [Fact]
    public async Task Faults_WithWireMock()
    {
        // snippet: testing-faults
        using var provider = WireMockServer.Start();
        provider.Given(Request.Create().WithPath("/v1/audio/speech").UsingPost())
            .RespondWith(Response.Create().WithDelay(TimeSpan.FromSeconds(3)));       // or .WithFault(FaultType.EMPTY_RESPONSE)
        using var client = new AudioClient(new AudioClientOptions
        {
            Endpoint = new Uri(provider.Url + "/v1"),
            NetworkTimeout = TimeSpan.FromSeconds(1),
            Retry = AudioClientRetryOptions.None,
        });

        var error = await Assert.ThrowsAsync<AudioTransportException>(() => client.GenerateSpeechAsync("Hi", new() { Model = "tts-1", Voice = "alloy" }));
        Assert.True(error.IsTimeout);
        Assert.Contains("network timeout", error.Message);
        // end snippet
    }

    [Fact]
    public void TheReadme_ShowsExactlyTheSnippetsThatRunHere()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "AudioSdk.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var readme = File.ReadAllText(Path.Combine(root!.FullName, "README.md")).ReplaceLineEndings("\n");
        var source = File.ReadAllText(Path.Combine(root.FullName, "tests", "AudioSdk.Tests", "Readme", "ReadmeTestingSnippetsTests.cs")).ReplaceLineEndings("\n");

        var inReadme = ReadmeSnippet().Matches(readme).ToDictionary(m => m.Groups["name"].Value, m => Normalize(m.Groups["code"].Value));
        var inSource = SourceSnippet().Matches(source).ToDictionary(m => m.Groups["name"].Value, m => Normalize(m.Groups["code"].Value));

        Assert.Equal(["testing-behaviour", "testing-contracts", "testing-faults"], inSource.Keys.Order());
        Assert.Equal(inSource.Keys.Order(), inReadme.Keys.Where(k => k.StartsWith("testing-", StringComparison.Ordinal)).Order());
        foreach (var (name, code) in inSource)
        {
            Assert.True(code == inReadme[name], $"README snippet '{name}' differs from the code that runs:\n--- README\n{inReadme[name]}\n--- test\n{code}");
        }
    }

    /// <summary>Removes the common indentation and trailing spaces, so the README can show the code flush left.</summary>
    private static string Normalize(string code)
    {
        var lines = code.TrimEnd().Split('\n').Select(l => l.TrimEnd()).SkipWhile(l => l.Length == 0).ToList();
        var indent = lines.Where(l => l.Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", lines.Select(l => l.Length == 0 ? l : l[indent..]));
    }

    [GeneratedRegex(@"<!-- snippet: (?<name>[a-z-]+) -->\n```csharp\n(?<code>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex ReadmeSnippet();

    [GeneratedRegex(@"// snippet: (?<name>[a-z-]+)\n(?<code>.*?)\n\s*// end snippet", RegexOptions.Singleline)]
    private static partial Regex SourceSnippet();
}
