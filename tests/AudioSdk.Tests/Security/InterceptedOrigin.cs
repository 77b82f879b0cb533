using System.Security.Cryptography.X509Certificates;
using AudioSdk.Testing;
using AudioSdk.Tests.Security.Ehbp;

namespace AudioSdk.Tests.Security;

/// <summary>
/// The setup the interception suites share: an origin (the test server, EHBP on, a certificate generated here) on
/// 127.0.0.1 and a TLS-inspecting proxy in front of it whose CA a test may trust; both released after the test.
/// </summary>
/// <param name="apiKey">The key the origin requires.</param>
public abstract class InterceptedOrigin(string apiKey) : IAsyncLifetime
{
    /// <summary>The origin's certificate (its pin is the attested one).</summary>
    protected X509Certificate2 Certificate { get; } = TestCertificates.CreateSelfSigned();

    /// <summary>The origin.</summary>
    protected AudioTestServer Origin { get; private set; } = null!;

    /// <summary>The intercepting proxy.</summary>
    internal InterceptingProxy Proxy { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Origin = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = apiKey, Certificate = Certificate, Ehbp = true });
        Proxy = new InterceptingProxy();
    }

    public async Task DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Origin.DisposeAsync();
        Certificate.Dispose();
    }

    /// <summary>Sends <paramref name="handler"/>'s connections through the proxy.</summary>
    protected void ThroughProxy(SocketsHttpHandler handler)
    {
        handler.Proxy = Proxy;
        handler.UseProxy = true;
    }
}
