using AudioSdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Creates the <see cref="AudioClient"/>s registered with <c>AddAudioClient</c>; each name gives one shared client.</summary>
public interface IAudioClientFactory
{
    /// <summary>Returns the client registered under a name (or the default one).</summary>
    /// <param name="name">The name given to <c>AddAudioClient</c>; <see langword="null"/> for the default client.</param>
    AudioClient CreateClient(string? name = null);
}
