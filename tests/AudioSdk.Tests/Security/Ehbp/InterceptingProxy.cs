using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace AudioSdk.Tests.Security.Ehbp;

/// <summary>
/// A TLS-inspecting proxy, as corporate networks run them: it answers <c>CONNECT</c>, terminates the client's TLS with
/// a certificate its own CA issues for the requested host, opens TLS to the origin, and relays every byte while keeping
/// a copy of the plaintext in each direction.
/// </summary>
internal sealed class InterceptingProxy : IAsyncDisposable, IWebProxy
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private readonly MemoryStream _toOrigin = new();
    private readonly MemoryStream _toClient = new();
    private readonly X509Certificate2 _leaf;

    public InterceptingProxy()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Inspecting Proxy Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=127.0.0.1", leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        leafRequest.CertificateExtensions.Add(san.Build());
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = leafRequest.Create(Ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(8));
        _leaf = X509CertificateLoader.LoadPkcs12(issued.CopyWithPrivateKey(leafKey).Export(X509ContentType.Pkcs12), null);
        _listener.Start();
        _tasks.Add(AcceptAsync());
    }

    /// <summary>The proxy's CA, which the test's "managed machine" trusts.</summary>
    public X509Certificate2 Ca { get; }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public int Tunnels { get; private set; }

    public ICredentials? Credentials { get; set; }

    /// <summary>What the proxy read in plaintext from the client.</summary>
    public byte[] ClientToOrigin { get { lock (_toOrigin) { return _toOrigin.ToArray(); } } }

    /// <summary>What the proxy read in plaintext from the origin.</summary>
    public byte[] OriginToClient { get { lock (_toClient) { return _toClient.ToArray(); } } }

    public Uri GetProxy(Uri destination) => Address;

    public bool IsBypassed(Uri host) => false; // loopback too: the test's origin is on 127.0.0.1

    /// <summary>Validation as on a machine whose store holds the proxy's CA: name checked, chain built to that CA only.</summary>
    public bool TrustsProxyCa(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(Ca);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return custom.Build(certificate as X509Certificate2 ?? new X509Certificate2(certificate));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAny(Task.WhenAll(_tasks.ToArray()), Task.Delay(TimeSpan.FromSeconds(5)));
        _leaf.Dispose();
        Ca.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_tasks)
                {
                    _tasks.Add(TunnelAsync(client));
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private async Task TunnelAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var raw = client.GetStream();
                var head = await ReadHeadAsync(raw);
                var target = head.Split(' ')[1].Split(':');
                await raw.WriteAsync("HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray(), _stop.Token);
                await using var clientTls = new SslStream(raw, leaveInnerStreamOpen: false);
                await clientTls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _leaf }, _stop.Token);
                Tunnels++;
                using var upstream = new TcpClient();
                await upstream.ConnectAsync(target[0], int.Parse(target[1], System.Globalization.CultureInfo.InvariantCulture), _stop.Token);
                await using var originTls = new SslStream(upstream.GetStream(), false, (_, _, _, _) => true);
                await originTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = target[0] }, _stop.Token);
                var up = RelayAsync(clientTls, originTls, _toOrigin);
                var down = RelayAsync(originTls, clientTls, _toClient);
                await Task.WhenAny(up, down);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
            {
                // The client refused the proxy's certificate (pinning), or a side closed.
            }
        }
    }

    private async Task RelayAsync(Stream from, Stream to, MemoryStream capture)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                lock (capture)
                {
                    capture.Write(buffer, 0, read);
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                await to.FlushAsync(_stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            to.Dispose();
        }
    }

    private async Task<string> ReadHeadAsync(Stream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0 || head.Count > 8192)
            {
                throw new IOException("No CONNECT head.");
            }

            head.Add(one[0]);
        }

        return Encoding.ASCII.GetString(head.ToArray());
    }
}
