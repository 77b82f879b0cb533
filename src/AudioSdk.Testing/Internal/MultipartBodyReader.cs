using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace AudioSdk.Testing.Internal;

/// <summary>The one multipart reader: form fields, and the audio file hashed and measured as it streams in (the server sniffs formats
/// itself, apart from the SDK, so it stays an independent oracle).</summary>
internal static class MultipartBodyReader
{
    public static async Task ReadAsync(HttpRequest http, ReceivedRequest request, long maxCapturedFileBytes, CancellationToken ct)
    {
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(http.ContentType).Boundary).Value!;
        var reader = new MultipartReader(boundary, http.Body) { BodyLengthLimit = null };
        var fields = new List<KeyValuePair<string, string>>();
        MultipartSection? section;
        while ((section = await reader.ReadNextSectionAsync(ct).ConfigureAwait(false)) is not null)
        {
            var disposition = section.GetContentDispositionHeader();
            var name = HeaderUtilities.RemoveQuotes(disposition?.Name ?? default).Value ?? string.Empty;
            if (disposition is not null && disposition.IsFileDisposition())
            {
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                request.Audio = await ReadAudioAsync(section.Body, fileName, section.ContentType, maxCapturedFileBytes,
                    ct).ConfigureAwait(false);
                request.Audio.ContentDisposition = section.ContentDisposition;
            }
            else
            {
                using var sr = new StreamReader(section.Body, Encoding.UTF8);
                fields.Add(new(name, await sr.ReadToEndAsync(ct).ConfigureAwait(false)));
            }
        }

        request.FormFields = fields;
    }

    private static async Task<ReceivedAudio> ReadAudioAsync(Stream body, string? fileName, string? contentType, long maxCapturedFileBytes,
        CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var header = new byte[64 * 1024];
        var headerLength = 0;
        MemoryStream? captured = new();
        var buffer = new byte[64 * 1024];
        long total = 0;
        PcmActivity? activity = null;
        var probing = true;
        long fed = 0, dataEnd = long.MaxValue;
        int read;
        while ((read = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            if (headerLength < header.Length)
            {
                var n = Math.Min(read, header.Length - headerLength);
                Buffer.BlockCopy(buffer, 0, header, headerLength, n);
                headerLength += n;
            }

            var chunkStart = total;
            total += read;
            if (probing && AudioProbe.ReadWav(header.AsSpan(0, headerLength)) is { } found)
            {
                probing = false;
                activity = PcmActivity.Create(found.SampleRate, found.Channels, found.Bits, found.FormatTag);
                dataEnd = found.DataSize is 0 or uint.MaxValue ? long.MaxValue : found.DataOffset + found.DataSize;
                fed = found.DataOffset;
                if (activity is not null && fed < chunkStart)
                {
                    var upTo = (int)Math.Min(chunkStart, Math.Min(dataEnd, headerLength));
                    activity.Feed(header.AsSpan((int)fed, Math.Max(0, upTo - (int)fed)));
                    fed = chunkStart;
                }
            }
            else if (probing && headerLength == header.Length)
            {
                probing = false;
            }

            if (activity is not null)
            {
                var from = Math.Max(fed, chunkStart);
                var to = Math.Min(total, dataEnd);
                if (to > from)
                {
                    activity.Feed(buffer.AsSpan((int)(from - chunkStart), (int)(to - from)));
                    fed = to;
                }
            }

            if (captured is not null)
            {
                if (total <= maxCapturedFileBytes)
                {
                    captured.Write(buffer, 0, read);
                }
                else
                {
                    captured = null;
                }
            }
        }

        var head = header.AsSpan(0, headerLength);
        var format = AudioProbe.Sniff(head);
        var wav = AudioProbe.ReadWav(head);
        TimeSpan duration;
        if (wav is { } w)
        {
            var available = Math.Max(0, total - w.DataOffset);
            var dataBytes = w.DataSize is 0 or uint.MaxValue ? available : Math.Min(w.DataSize, available);
            duration = TimeSpan.FromSeconds((double)dataBytes / w.ByteRate);
        }
        else
        {
            duration = TimeSpan.FromSeconds(total / 16000.0);
        }

        return new ReceivedAudio
        {
            FileName = fileName,
            ContentType = contentType,
            Length = total,
            Sha256 = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant(),
            Bytes = captured?.ToArray(),
            Format = format,
            SampleRate = wav?.SampleRate,
            Channels = wav?.Channels,
            Duration = duration,
            Bursts = activity?.Finish() ?? [],
            SoundAnalysed = activity is not null,
        };
    }
}
