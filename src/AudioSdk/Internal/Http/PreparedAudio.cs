namespace AudioSdk.Internal.Http;

/// <summary>An <see cref="AudioInput"/> checked and resolved for sending: name, type and a source of bytes.</summary>
internal sealed record PreparedAudio(string FileName, string ContentType, AudioSource Source);
