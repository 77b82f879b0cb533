namespace AudioSdk.Audio;

/// <summary>A container format recognised from a file's first bytes or its extension.</summary>
/// <param name="Extension">The usual file extension, without a dot (<c>wav</c>, <c>mp3</c>, <c>flac</c>, <c>ogg</c>, <c>webm</c>,
/// <c>m4a</c>, <c>mp4</c>, <c>aac</c>).</param>
/// <param name="ContentType">The content type to upload it with.</param>
public readonly record struct SniffedFormat(string Extension, string ContentType);

/// <summary>
/// Recognises audio containers from their first bytes (WAV, MP3 with or without ID3, FLAC, OGG/Opus,
/// WebM/Matroska, MP4/M4A, AAC ADTS) and maps file extensions to content types.
/// </summary>
public static class AudioFormatSniffer
{
    /// <summary>How many leading bytes <see cref="Detect"/> needs to see to recognise every format it knows.</summary>
    public const int HeaderLength = 64;

    /// <summary>Recognises the container from its first bytes.</summary>
    /// <param name="header">At least the first <see cref="HeaderLength"/> bytes, when the file has them.</param>
    /// <returns>The format, or <see langword="null"/> when the bytes match none of the known formats.</returns>
    public static SniffedFormat? Detect(ReadOnlySpan<byte> header)
    {
        if (header.Length >= 12 && header[..4].SequenceEqual("RIFF"u8) && header.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            return new("wav", "audio/wav");
        }

        if (header.Length >= 4 && header[..4].SequenceEqual("fLaC"u8))
        {
            return new("flac", "audio/flac");
        }

        if (header.Length >= 4 && header[..4].SequenceEqual("OggS"u8))
        {
            return new("ogg", "audio/ogg");
        }

        if (header.Length >= 4 && header[0] == 0x1A && header[1] == 0x45 && header[2] == 0xDF && header[3] == 0xA3)
        {
            return new("webm", "audio/webm");
        }

        if (header.Length >= 12 && header.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            var brand = header.Slice(8, 4);
            return brand.SequenceEqual("M4A "u8) || brand.SequenceEqual("M4B "u8) ? new("m4a", "audio/mp4") : new("mp4", "audio/mp4");
        }

        if (header.Length >= 3 && header[..3].SequenceEqual("ID3"u8))
        {
            return new("mp3", "audio/mpeg");
        }

        if (header.Length >= 2 && header[0] == 0xFF && (header[1] & 0xE0) == 0xE0)
        {
            // Frame sync. Layer bits 00 with MPEG-4/2 ids are ADTS AAC; 01 is MPEG Layer III.
            var layer = (header[1] >> 1) & 0x3;
            if ((header[1] & 0xF6) == 0xF0)
            {
                return new("aac", "audio/aac");
            }

            if (layer == 1 && (header[1] & 0x18) != 0x08)
            {
                return new("mp3", "audio/mpeg");
            }
        }

        return null;
    }

    /// <summary>The content type for a file extension (with or without the dot), or <see langword="null"/> when unknown.</summary>
    /// <param name="extension">The extension, such as <c>.mp3</c>.</param>
    public static string? ContentTypeForExtension(string? extension)
    {
        return extension?.TrimStart('.').ToLowerInvariant() switch
        {
            "wav" or "wave" => "audio/wav",
            "mp3" or "mpeg" or "mpga" => "audio/mpeg",
            "flac" => "audio/flac",
            "ogg" or "oga" or "opus" => "audio/ogg",
            "webm" => "audio/webm",
            "mp4" or "m4a" => "audio/mp4",
            "aac" => "audio/aac",
            "pcm" => "audio/pcm",
            _ => null,
        };
    }
}
