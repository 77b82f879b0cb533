using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>The attestor's argument and option checks, its nonce source, and what it releases on dispose.</summary>
public sealed partial class TinfoilAttestorEndToEndTests
{
    private static readonly TimeSpan LongestFetchTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    [Fact]
    public void Constructor_RefusesANullRepository_AsNull()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => new TinfoilAttestor(null!));
        Assert.Equal("repository", ex.ParamName);
    }

    [Theory]
    [InlineData("/name")]
    [InlineData("owner/")]
    [InlineData("a/b/c")]
    public void Constructor_RefusesARepositoryWithAnEmptyOrExtraPart(string repository)
    {
        var ex = Assert.Throws<ArgumentException>(() => new TinfoilAttestor(repository));

        Assert.Equal("repository", ex.ParamName);
        Assert.Contains($"The repository is 'owner/name'; '{repository}' is not.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_RefusesAZeroFetchTimeout_AndAcceptsTheLongestExactly()
    {
        var zero = Assert.Throws<ArgumentException>(() => new TinfoilAttestor("a/b", new TinfoilAttestorOptions { FetchTimeout = TimeSpan.Zero }));
        Assert.Contains("FetchTimeout must be positive", zero.Message, StringComparison.Ordinal);

        var over = Assert.Throws<ArgumentException>(() => new TinfoilAttestor("a/b", new TinfoilAttestorOptions { FetchTimeout = LongestFetchTimeout + TimeSpan.FromTicks(1) }));
        Assert.Contains("FetchTimeout must be positive", over.Message, StringComparison.Ordinal);

        using var longest = new TinfoilAttestor("a/b", new TinfoilAttestorOptions { FetchTimeout = LongestFetchTimeout });
        using var shortest = new TinfoilAttestor("a/b", new TinfoilAttestorOptions { FetchTimeout = TimeSpan.FromTicks(1) });
    }

    [Fact]
    public void Constructor_ListsTheBundleOptionsProblemsToo()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TinfoilAttestor("a/b", new TinfoilAttestorOptions
        {
            Flow = (TinfoilAttestationFlow)99,
            AttestationBundleEndpoint = new Uri("http://example.com/"),
            MaxAge = TimeSpan.Zero,
        }));

        Assert.Contains("Flow 99 is not a TinfoilAttestationFlow", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AttestationBundleEndpoint must be an absolute https address", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxAge", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttestAsync_RefusesANullEndpoint_BeforeAnyFetch()
    {
        await using var setup = await Setup.StartAsync(null, null);
        using var attestor = setup.Attestor(null);

        var ex = await Assert.ThrowsAsync<ArgumentNullException>(async () => await attestor.AttestAsync(null!, true, CancellationToken.None));

        Assert.Equal("endpoint", ex.ParamName);
        Assert.Equal(0, setup.DocumentsServed);
    }

    [Fact]
    public async Task TheDocumentIsRequested_WithTheNonceSourcesNonce()
    {
        var nonce = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        await using var setup = await Setup.StartAsync(null, null);
        using var attestor = setup.Attestor(null, nonces: () => (byte[])nonce.Clone());

        await attestor.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None);

        Assert.Equal(Convert.ToHexString(nonce).ToLowerInvariant(), setup.LastNonce);
    }

    [Fact]
    public async Task Dispose_LeavesAHandlerPassedInTheOptionsUsable()
    {
        await using var setup = await Setup.StartAsync(null, null);
        using var handler = new SocketsHttpHandler { SslOptions = new System.Net.Security.SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
        using (var first = setup.Attestor(null, handler: handler))
        {
            await first.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None);
        }

        using var second = setup.Attestor(null, handler: handler);
        var attested = await second.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None);

        Assert.Equal(TlsPin.Compute(setup.Certificate), Assert.Single(attested.TlsPins));
        Assert.Equal(2, setup.DocumentsServed);
    }

    [Fact]
    public async Task AttestAsync_AfterDispose_IsObjectDisposed_AndFetchesNothing()
    {
        await using var setup = await Setup.StartAsync(null, null);
        var attestor = setup.Attestor(null);
        attestor.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await attestor.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None));

        Assert.Equal(0, setup.DocumentsServed);
    }

    [Fact]
    public void VerifyDocument_RefusesANullRepository_AndANonceThatIsNot32Bytes()
    {
        var nullRepository = Assert.Throws<ArgumentNullException>(() => TinfoilAttestor.VerifyDocument(RealFrozenDocument.Bytes, RealFrozenDocument.Nonce, null!, RealFrozenDocument.Time));
        Assert.Equal("repository", nullRepository.ParamName);

        var shortNonce = Assert.Throws<ArgumentException>(() => TinfoilAttestor.VerifyDocument(RealFrozenDocument.Bytes, RealFrozenDocument.Nonce.AsSpan(1), RealFrozenDocument.Repository, RealFrozenDocument.Time));
        Assert.Equal("nonce", shortNonce.ParamName);
        Assert.Contains("The nonce is 32 bytes, not 31.", shortNonce.Message, StringComparison.Ordinal);
    }
}
