using System.Net;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace AudioSdk.Tests.Contracts;

/// <summary>
/// Tresor's documented transcription contract (a routing gateway), replayed with WireMock.Net: route keys, the MP3 part
/// type of its curl sample, <c>tresor.*</c> metadata in JSON bodies and <c>X-Tresor-*</c> headers for text, failover
/// reporting, <c>verbose_json</c> with <c>language</c>, and its typed file errors. Tresor names its error codes but not
/// the field that holds them: the stubs use OpenAI's error object.
/// </summary>
public sealed class TresorContractTests : IDisposable
{
    private const string Key = "tresor-key-0123456789";
    private readonly ContractServer _tresor = new();

    public void Dispose() => _tresor.Dispose();

    private IRequestBuilder Transcriptions() =>
        Request.Create().WithPath("/v1/audio/transcriptions").UsingPost().WithHeader("Authorization", "Bearer " + Key);

    private static AudioInput Meeting() => AudioInput.FromBytes(new byte[] { 0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, 0xFF, 0xFB, 0x90, 0x64 }, "meeting.mp3", "audio/mpeg");

    private static IResponseBuilder Json(string body) => Response.Create().WithHeader("Content-Type", "application/json").WithBody(body);

    [Theory]
    [InlineData("auto/auto/whisper-large-v3")]
    [InlineData("auto/auto/whisper-large-v3-turbo")]
    [InlineData("auto/auto/voxtral-small-24b")]
    [InlineData("eu/privatemode/whisper-large-v3")]
    [InlineData("global/tinfoil/whisper-large-v3-turbo")]
    [InlineData("global/tinfoil/voxtral-small-24b")]
    public async Task RouteKeys_AreSentVerbatim_WithTheMp3PartTypeOfTheCurlSample(string route)
    {
        _tresor.Server.Given(Transcriptions()).RespondWith(Json("{\"text\":\"Hello.\"}"));
        using var client = _tresor.Client(Key);

        var result = await client.TranscribeAsync(Meeting(), new TranscriptionOptions { Model = route, ResponseFormat = TranscriptionFormat.Json });

        var form = await ContractServer.FormAsync(_tresor.SingleRequest());
        Assert.Equal((route, "json"), (form["model"], form["response_format"]));
        Assert.Equal(("file", "meeting.mp3", "audio/mpeg"), (form.File!.Name, form.File.FileName, form.File.ContentType));
        Assert.Equal("Hello.", result.Text);
    }

    [Theory]
    [InlineData("""{"text":"Hello.","language":"en","duration":12.5,"tresor":{"requested_route":"auto/auto/whisper-large-v3","routed_model":"eu/privatemode/whisper-large-v3","failover":false,"receipt_id":"rcpt_123"},"modality":"audio","billing_unit":"minute"}""")]
    [InlineData("""{"text":"Hello.","language":"en","duration":12.5,"tresor.requested_route":"auto/auto/whisper-large-v3","tresor.routed_model":"eu/privatemode/whisper-large-v3","tresor.failover":false,"tresor.receipt_id":"rcpt_123","modality":"audio","billing_unit":"minute"}""")]
    public async Task JsonBody_CarriesTheTresorMetadata_NestedOrDotted(string body)
    {
        // Tresor does not say whether tresor.* is nested or dotted (D14): both read the same.
        _tresor.Server.Given(Transcriptions()).RespondWith(Json(body));
        using var client = _tresor.Client(Key);

        var result = await client.TranscribeAsync(Meeting(), new TranscriptionOptions { Model = "auto/auto/whisper-large-v3", ResponseFormat = TranscriptionFormat.Json });

        _tresor.SingleRequest();
        Assert.Equal(("Hello.", "en", TimeSpan.FromSeconds(12.5)), (result.Text, result.Language, result.Duration));
        var m = result.Metadata;
        Assert.Equal(("auto/auto/whisper-large-v3", "eu/privatemode/whisper-large-v3", false, "rcpt_123"), (m.RequestedRoute, m.RoutedModel, m.Failover, m.ReceiptId));
        Assert.Equal("minute", result.AdditionalProperties["billing_unit"].GetString());
        Assert.Equal("audio", result.AdditionalProperties["modality"].GetString());
    }

    [Fact]
    public async Task TextBody_MovesTheMetadataToHeaders_AndTheResultStillReportsIt()
    {
        _tresor.Server.Given(Transcriptions()).RespondWith(Response.Create().WithHeader("Content-Type", "text/plain; charset=utf-8")
            .WithHeader("X-Tresor-Routed-Model", "global/tinfoil/whisper-large-v3-turbo").WithHeader("X-Tresor-Receipt-Id", "rcpt_456").WithBody("Hello from the router.\n"));
        using var client = _tresor.Client(Key);

        var result = await client.TranscribeToTextAsync(Meeting(), new TranscriptionOptions { Model = "auto/auto/whisper-large-v3-turbo", ResponseFormat = TranscriptionFormat.Text });

        Assert.Equal("text", (await ContractServer.FormAsync(_tresor.SingleRequest()))["response_format"]);
        Assert.Equal("Hello from the router.\n", result.Text);
        Assert.Equal(("global/tinfoil/whisper-large-v3-turbo", "rcpt_456"), (result.Metadata.RoutedModel, result.Metadata.ReceiptId));
        Assert.Null(result.Metadata.Failover);
    }

    [Fact]
    public async Task Failover_UnderAutoResolution_IsReported_WithTheRouteActuallyUsed()
    {
        _tresor.Server.Given(Transcriptions()).RespondWith(Json(
            """{"text":"Switched.","tresor":{"requested_route":"auto/auto/whisper-large-v3-turbo","routed_model":"eu/privatemode/whisper-large-v3","failover":true}}"""));
        using var client = _tresor.Client(Key);

        var result = await client.TranscribeAsync(Meeting(), new TranscriptionOptions { Model = "auto/auto/whisper-large-v3-turbo" });

        // Transcription takes no client-side failover list: the request carries the route and nothing else about routing.
        var form = await ContractServer.FormAsync(_tresor.SingleRequest());
        Assert.Equal(["model", "response_format"], form.Names);
        Assert.True(result.Metadata.Failover);
        Assert.NotEqual(result.Metadata.RequestedRoute, result.Metadata.RoutedModel);
        Assert.Equal("eu/privatemode/whisper-large-v3", result.Metadata.RoutedModel);
    }

    [Fact]
    public async Task VerboseJson_WithLanguage_SendsBoth_AndReadsSegmentsAndMetadata()
    {
        _tresor.Server.Given(Transcriptions()).RespondWith(Json(
            """{"task":"transcribe","language":"de","duration":3.0,"text":"Guten Tag.","segments":[{"id":0,"start":0.0,"end":3.0,"text":"Guten Tag."}],"tresor":{"routed_model":"global/tinfoil/voxtral-small-24b","receipt_id":"rcpt_789"}}"""));
        using var client = _tresor.Client(Key);

        var result = await client.TranscribeAsync(Meeting(), new TranscriptionOptions { Model = "auto/auto/voxtral-small-24b", ResponseFormat = TranscriptionFormat.VerboseJson, Language = "de" });

        var form = await ContractServer.FormAsync(_tresor.SingleRequest());
        Assert.Equal(("verbose_json", "de"), (form["response_format"], form["language"]));
        Assert.Equal((TimeSpan.FromSeconds(3), "Guten Tag."), (Assert.Single(result.Segments).End, result.Segments[0].Text));
        Assert.Equal(("global/tinfoil/voxtral-small-24b", "rcpt_789"), (result.Metadata.RoutedModel, result.Metadata.ReceiptId));
    }

    [Fact]
    public async Task VerboseJson_WithoutLanguage_IsSent_AndARoutesRefusalKeepsItsParamAndMessage()
    {
        // The SDK does not force language: Tresor says only "currently" and only on some routes. Error body: OpenAI's shape.
        _tresor.Server.Given(Transcriptions()).RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json").WithHeader("x-request-id", "req_lang")
            .WithBody("""{"error":{"message":"language is required when response_format=verbose_json","type":"invalid_request_error","param":"language","code":null}}"""));
        using var client = _tresor.Client(Key, retries: 2);

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => client.TranscribeAsync(Meeting(), new TranscriptionOptions { Model = "auto/auto/whisper-large-v3", ResponseFormat = TranscriptionFormat.VerboseJson }));

        Assert.Null((await ContractServer.FormAsync(_tresor.SingleRequest()))["language"]);
        Assert.Equal((HttpStatusCode.BadRequest, "language", "req_lang"), (ex.Status, ex.Param, ex.RequestId));
        Assert.Contains("language is required", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, "unsupported_file_type", "the route rejected the upload's type", false)]
    [InlineData(400, "invalid_file", "the route rejected the file", false)]
    [InlineData(400, "file_too_large", "the upload exceeds the route's size limit", false)]
    [InlineData(502, "upstream_error", "upstream failure", true)]
    public async Task TypedErrors_KeepTheirStatusAndCode_FileErrorsAreNotRetried_UpstreamErrorsAre(int status, string code, string message, bool transient)
    {
        _tresor.Server.Given(Transcriptions()).RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithHeader("x-request-id", "req_" + code)
            .WithBody("{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\",\"param\":\"file\",\"code\":\"" + code + "\"}}"));
        using var client = _tresor.Client(Key, retries: 1);

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.1), "meeting.m4a"), new TranscriptionOptions { Model = "global/tinfoil/whisper-large-v3-turbo" }));

        Assert.Equal(((HttpStatusCode)status, code, "req_" + code, transient), (ex.Status, ex.Code, ex.RequestId, ex.IsTransient));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Equal(transient ? 2 : 1, _tresor.Log.Count);
        Assert.Equal(code switch
        {
            "unsupported_file_type" => AudioErrorCodes.UnsupportedFileType,
            "invalid_file" => AudioErrorCodes.InvalidFile,
            "file_too_large" => AudioErrorCodes.FileTooLarge,
            _ => AudioErrorCodes.UpstreamError,
        }, ex.Code);
    }
}
