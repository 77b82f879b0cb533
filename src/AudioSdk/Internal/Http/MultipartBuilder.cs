using System.Net.Http.Headers;

namespace AudioSdk.Internal.Http;

/// <summary>Builds <c>multipart/form-data</c> bodies: text fields first, then the streamed file part.</summary>
internal static class MultipartBuilder
{
    public static MultipartFormDataContent Create(PreparedAudio audio, IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        var content = new MultipartFormDataContent();
        foreach (var field in fields)
        {
            var part = new StringContent(field.Value);
            part.Headers.ContentType = null;
            content.Add(part, Quote(field.Key));
        }

        var file = new AudioUploadContent(audio.Source, audio.ContentType);
        file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data")
        {
            Name = "\"file\"",
            FileName = Quote(audio.FileName),
        };
        content.Add(file);
        return content;
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
