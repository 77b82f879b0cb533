using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AudioSdk.Internal.Http;

namespace AudioSdk.Tests.Http;

/// <summary>How an error answer becomes an exception, shape by shape: the exact message, and which field each part comes from.</summary>
public sealed class ErrorReadingTests
{
    private static readonly ResponseMetadata WithId = new(HttpStatusCode.BadRequest, [new("x-request-id", ["req_42"])]);

    [Fact]
    public void AnOpenAIError_GivesStatusReasonCodeMessageAndRequestId_InThatOrder()
    {
        var ex = ErrorResponseReader.Create(HttpStatusCode.TooManyRequests, "Too Many Requests", "application/json",
            """{"error":{"message":"Slow down.","type":"requests","code":"rate_limit_exceeded","param":"model"}}""", WithId, TimeSpan.FromSeconds(2));

        Assert.Equal("The audio service returned HTTP 429 Too Many Requests (rate_limit_exceeded): Slow down. Request id: req_42.", ex.Message);
        Assert.Equal(("requests", "rate_limit_exceeded", "model", "req_42"), (ex.ErrorType, ex.Code, ex.Param, ex.RequestId));
        Assert.Equal(TimeSpan.FromSeconds(2), ex.RetryAfter);
        Assert.Contains("Slow down.", ex.RawBody, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutAReasonPhrase_TheStatusNameStands_AndWithoutACode_NoParentheses()
    {
        var ex = ErrorResponseReader.Create(HttpStatusCode.BadGateway, null, "application/json", """{"error":{"message":"upstream died"}}""", ResponseMetadata.None, null);

        Assert.Equal("The audio service returned HTTP 502 BadGateway: upstream died", ex.Message);
        Assert.Null(ex.Code);
        Assert.Null(ex.RetryAfter);
    }

    [Theory]
    [InlineData("""{"error":{"message":"m","code":null},"code":"top"}""", "m", null, "top", null)]
    [InlineData("""{"error":{"message":"m","code":400,"param":"file"}}""", "m", null, "400", "file")]
    [InlineData("""{"error":"flat words","type":"t","code":"c","param":"p"}""", "flat words", "t", "c", "p")]
    [InlineData("""{"detail":"Not Found","code":"nf","type":"t","param":"ignored"}""", "Not Found", "t", "nf", null)]
    [InlineData("""{"detail":[{"loc":["body","file"],"msg":"field required"}]}""", """[{"loc":["body","file"],"msg":"field required"}]""", null, null, null)]
    [InlineData("""{"message":"top level","type":"t","code":"c","param":"p"}""", "top level", "t", "c", "p")]
    [InlineData("""{"object":"error"}""", null, null, null, null)]
    [InlineData("""[{"error":{"message":"in an array"}}]""", null, null, null, null)]
    [InlineData("""  {"error":{"message":"leading space","type":{"nested":true}}}""", "leading space", """{"nested":true}""", null, null)]
    [InlineData("""{"error":{"message":"trunc""", null, null, null, null)]
    [InlineData("plain words", null, null, null, null)]
    [InlineData("   ", null, null, null, null)]
    public void EveryBodyShape_IsReadForMessageTypeCodeAndParam(string body, string? message, string? type, string? code, string? param)
    {
        Assert.Equal((message, type, code, param), ErrorResponseReader.Parse(body));
    }

    [Fact]
    public void AnHtmlPage_IsNamedByItsTitle_AndOneWithoutATitle_AsAPage()
    {
        const string Page = "<html><head><title> 502 Bad Gateway </title></head><body>nginx</body></html>";
        Assert.Equal("The audio service returned HTTP 502 Bad Gateway: the response was an HTML page titled '502 Bad Gateway', likely from a proxy or gateway",
            ErrorResponseReader.Create(HttpStatusCode.BadGateway, "Bad Gateway", "text/html", Page, ResponseMetadata.None, null).Message);

        // Sniffed from the body when the type says nothing, and a title that is empty or unclosed is left out.
        Assert.EndsWith(": the response was an HTML page, likely from a proxy or gateway",
            ErrorResponseReader.Create(HttpStatusCode.InternalServerError, "x", null, "<p>oops</p><title></title>", ResponseMetadata.None, null).Message, StringComparison.Ordinal);
        Assert.EndsWith(": the response was an HTML page, likely from a proxy or gateway",
            ErrorResponseReader.Create(HttpStatusCode.InternalServerError, "x", "text/html", "oops <title>never closed", ResponseMetadata.None, null).Message, StringComparison.Ordinal);
        Assert.EndsWith(": the response was an HTML page, likely from a proxy or gateway",
            ErrorResponseReader.Create(HttpStatusCode.InternalServerError, "x", "text/html", "no markup at all", ResponseMetadata.None, null).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherBodies_AreQuoted_UpTo200Characters_AndAnEmptyOneIsSaidToBeEmpty()
    {
        var exactly = new string('a', 200);
        Assert.EndsWith(": " + exactly, ErrorResponseReader.Create(HttpStatusCode.InternalServerError, "x", "text/plain", "  " + exactly + "\n", ResponseMetadata.None, null).Message, StringComparison.Ordinal);
        var longer = new string('b', 201);
        Assert.EndsWith(": " + new string('b', 200) + "...", ErrorResponseReader.Create(HttpStatusCode.InternalServerError, "x", "text/plain", longer, ResponseMetadata.None, null).Message, StringComparison.Ordinal);

        var empty = ErrorResponseReader.Create(HttpStatusCode.ServiceUnavailable, "Service Unavailable", null, " ", ResponseMetadata.None, null);
        Assert.Equal("The audio service returned HTTP 503 Service Unavailable: the response had no body", empty.Message);
        var none = ErrorResponseReader.Create(HttpStatusCode.ServiceUnavailable, "Service Unavailable", null, string.Empty, ResponseMetadata.None, null);
        Assert.Null(none.RawBody);
    }

    [Fact]
    public void AStreamErrorEvent_NamesTheStream_AndItsCode_OrKeepsTheRawEventWhenThereIsNoMessage()
    {
        using var withCode = JsonDocument.Parse("""{"type":"error","error":{"message":"audio too long","code":"too_long","type":"invalid_request_error","param":"file"}}""");
        var ex = ErrorResponseReader.FromStreamEvent(withCode.RootElement, WithId, "transcription stream", null);
        Assert.Equal("The audio service reported an error in the transcription stream (too_long): audio too long", ex.Message);
        Assert.Equal(("invalid_request_error", "too_long", "file", "req_42"), (ex.ErrorType, ex.Code, ex.Param, ex.RequestId));
        Assert.Equal(0, (int)ex.Status);

        using var bare = JsonDocument.Parse("""{"type":"error"}""");
        var raw = ErrorResponseReader.FromStreamEvent(bare.RootElement, ResponseMetadata.None, "speech stream", null);
        Assert.Equal("""The audio service reported an error in the speech stream: {"type":"error"}""", raw.Message);
        Assert.Null(raw.Code);
    }

    [Theory]
    [InlineData("1500", null, null, 1500)]
    [InlineData("0", "7", null, 0)]
    [InlineData("-5", "7", null, 7000)]
    [InlineData("soon", "3", null, 3000)]
    [InlineData(null, "4", null, 4000)]
    [InlineData(null, null, 90, 90_000)]
    [InlineData(null, null, -30, 0)]
    [InlineData(null, null, null, -1)]
    public void RetryAfter_PrefersMilliseconds_ThenSeconds_ThenADate_AndNeverGoesBelowZero(string? ms, string? seconds, int? dateInSeconds, int expectedMs)
    {
        var now = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        if (ms is not null)
        {
            response.Headers.TryAddWithoutValidation("retry-after-ms", ms);
        }

        if (seconds is not null)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", seconds);
        }
        else if (dateInSeconds is { } offset)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(now.AddSeconds(offset));
        }

        var wait = ErrorResponseReader.ReadRetryAfter(response, new StoppedClock(now));

        Assert.Equal(expectedMs < 0 ? null : TimeSpan.FromMilliseconds(expectedMs), wait);
    }

    [Fact]
    public async Task ABodyThatBreaksWhileBeingRead_StillGivesTheStatusAndRequestId()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.BadGateway)
        {
            ReasonPhrase = "Bad Gateway",
            Content = new StreamContent(new BreakingStream()),
        };
        response.Headers.TryAddWithoutValidation("x-request-id", "req_broken");

        var ex = await ErrorResponseReader.ReadAsync(response, "sk-secret", TimeProvider.System, CancellationToken.None);

        Assert.Equal("The audio service returned HTTP 502 Bad Gateway: the response had no body Request id: req_broken.", ex.Message);
        Assert.Null(ex.RawBody);
    }

    [Fact]
    public async Task ALongBody_IsKeptUpToTheCap()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.InternalServerError)
        {
            Content = new StringContent(new string('x', ErrorResponseReader.MaxBodyChars + 5_000), Encoding.UTF8, "text/plain"),
        };

        var ex = await ErrorResponseReader.ReadAsync(response, null, TimeProvider.System, CancellationToken.None);

        Assert.Equal(ErrorResponseReader.MaxBodyChars, ex.RawBody!.Length);
    }

    private sealed class StoppedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class BreakingStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("connection reset");

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
