using System.Security.Cryptography;
using AudioSdk.Security;
using AudioSdk.Testing;

namespace AudioSdk.Tests.Security;

/// <summary>Pins, the static attestor, the attested endpoint and the pinning exceptions, as a caller builds and reads them.</summary>
public sealed class PinValueTests
{
    private static readonly byte[] Digest = SHA256.HashData("a key"u8);
    private static readonly string Hex = Convert.ToHexString(Digest).ToLowerInvariant();

    [Fact]
    public void FromHex_IgnoresColonsSpacesAndCase()
    {
        var colons = string.Join(":", Enumerable.Range(0, 32).Select(i => Hex.Substring(i * 2, 2).ToUpperInvariant()));
        var spaced = string.Join(" ", Enumerable.Range(0, 8).Select(i => Hex.Substring(i * 8, 8)));

        Assert.Equal(Digest, TlsPin.FromHex(colons).Bytes.ToArray());
        Assert.Equal(Digest, TlsPin.FromHex(spaced).Bytes.ToArray());
        Assert.Equal(Hex, TlsPin.FromHex(colons).ToString());
    }

    [Theory]
    [InlineData(63)]
    [InlineData(65)]
    public void FromHex_OfTheWrongLength_SaysHowLongItWas(int length)
    {
        var text = new string('a', length);

        var ex = Assert.Throws<ArgumentException>(() => TlsPin.FromHex(text));

        Assert.Equal("hex", ex.ParamName);
        Assert.StartsWith($"A TLS pin is 64 hex characters (SHA-256 of the SubjectPublicKeyInfo); '{text}' has {length}.", ex.Message);
    }

    [Fact]
    public void FromHex_OfNonHex_IsAnArgumentException_CarryingTheFormatError()
    {
        var text = new string('g', 64);

        var ex = Assert.Throws<ArgumentException>(() => TlsPin.FromHex(text));

        Assert.Equal("hex", ex.ParamName);
        Assert.StartsWith($"'{text}' is not hexadecimal.", ex.Message);
        Assert.IsType<FormatException>(ex.InnerException);
        Assert.Throws<ArgumentNullException>(() => TlsPin.FromHex(null!));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void FromBytes_OfTheWrongLength_SaysHowManyWereGiven(int length)
    {
        var ex = Assert.Throws<ArgumentException>(() => TlsPin.FromBytes(new byte[length]));

        Assert.Equal("sha256", ex.ParamName);
        Assert.StartsWith($"A TLS pin is a SHA-256 of 32 bytes; {length} bytes were given.", ex.Message);
    }

    [Fact]
    public void FromBytes_CopiesTheBytes()
    {
        var bytes = (byte[])Digest.Clone();
        var pin = TlsPin.FromBytes(bytes);
        bytes[0] ^= 0xFF;

        Assert.Equal(Digest, pin.Bytes.ToArray());
    }

    [Fact]
    public void Compute_RefusesNull_AndHashesTheSubjectPublicKeyInfo()
    {
        using var certificate = TestCertificates.CreateSelfSigned();

        Assert.Throws<ArgumentNullException>(() => TlsPin.Compute(null!));
        Assert.Equal(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()), TlsPin.Compute(certificate).Bytes.ToArray());
    }

    [Fact]
    public void Matches_OnlyTheSameDigest_AndAnEmptyPinMatchesNothing()
    {
        var pin = TlsPin.FromBytes(Digest);
        var other = (byte[])Digest.Clone();
        other[31] ^= 1;

        Assert.True(pin.Matches(Digest));
        Assert.False(pin.Matches(other));
        Assert.False(pin.Matches(Digest.AsSpan(0, 31)));
        Assert.False(default(TlsPin).Matches(Digest));
        Assert.False(default(TlsPin).Matches([]));
    }

    [Fact]
    public void Equality_IsByValue_AndTheEmptyPinEqualsOnlyItself()
    {
        TlsPin a = Hex;
        var b = TlsPin.FromBytes(Digest);
        var c = TlsPin.FromBytes(SHA256.HashData("another"u8));

        Assert.True(a == b);
        Assert.False(a != b);
        Assert.True(a != c);
        Assert.False(a == c);
        Assert.True(a.Equals((object)b));
        Assert.False(a.Equals((object)Hex));
        Assert.False(a.Equals((object?)null));
        Assert.True(default(TlsPin) == default);
        Assert.False(default(TlsPin) == a);
        Assert.False(a == default);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(BitConverter.ToInt32(Digest, 0), a.GetHashCode());
        Assert.Equal(0, default(TlsPin).GetHashCode());
        Assert.Equal(string.Empty, default(TlsPin).ToString());
        Assert.Equal(0, default(TlsPin).Bytes.Length);
    }

    [Fact]
    public void StaticPinAttestor_RefusesNoPins_AndEmptyPins()
    {
        Assert.Equal("pins", Assert.Throws<ArgumentNullException>(() => new StaticPinAttestor(null!)).ParamName);
        Assert.Equal("pins", Assert.Throws<ArgumentException>(() => new StaticPinAttestor([])).ParamName);
        Assert.Equal("pins", Assert.Throws<ArgumentException>(() => new StaticPinAttestor([TlsPin.FromBytes(Digest), default])).ParamName);
    }

    [Fact]
    public async Task StaticPinAttestor_AttestsTheEndpointsAuthority_WithItsPins_EveryTime()
    {
        var pins = new[] { TlsPin.FromBytes(Digest), TlsPin.FromHex(new string('1', 64)) };
        var attestor = new StaticPinAttestor(pins);

        var first = await attestor.AttestAsync(new Uri("https://api.example.com:8443/v1"), forceRefresh: false, CancellationToken.None);
        var forced = await attestor.AttestAsync(new Uri("https://api.example.com/v1"), forceRefresh: true, CancellationToken.None);

        Assert.Equal(pins, attestor.Pins);
        Assert.Equal("api.example.com:8443", first.Authority);
        Assert.Equal("api.example.com", forced.Authority);
        Assert.Equal(pins, first.TlsPins);
        Assert.Equal(pins, forced.TlsPins);
        Assert.Null(first.ValidUntil);
        Assert.Null(first.HpkePublicKey);
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await attestor.AttestAsync(null!, false, CancellationToken.None));
    }

    [Fact]
    public void AttestedEndpoint_KeepsWhatItWasGiven()
    {
        var until = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var endpoint = new AttestedEndpoint("inference.example", [TlsPin.FromBytes(Digest)], new byte[] { 1, 2, 3 }, until);

        Assert.Equal("inference.example", endpoint.Authority);
        Assert.Equal([TlsPin.FromBytes(Digest)], endpoint.TlsPins);
        Assert.Equal([1, 2, 3], endpoint.HpkePublicKey!.Value.ToArray());
        Assert.Equal(until, endpoint.ValidUntil);
    }

    [Fact]
    public void AttestedEndpoint_NeedsAnAuthority_AndAtLeastOneFullPin()
    {
        var pin = TlsPin.FromBytes(Digest);

        Assert.ThrowsAny<ArgumentException>(() => new AttestedEndpoint(null!, [pin]));
        Assert.ThrowsAny<ArgumentException>(() => new AttestedEndpoint(" ", [pin]));
        Assert.Equal("tlsPins", Assert.Throws<ArgumentNullException>(() => new AttestedEndpoint("a", null!)).ParamName);
        Assert.Equal("tlsPins", Assert.Throws<ArgumentException>(() => new AttestedEndpoint("a", [])).ParamName);
        Assert.Equal("tlsPins", Assert.Throws<ArgumentException>(() => new AttestedEndpoint("a", [pin, default])).ParamName);
    }

    [Fact]
    public void AttestationException_CarriesItsStageCodeAndCause()
    {
        var cause = new InvalidDataException("x");

        var ex = new AttestationException("The report is bad.", AttestationStage.Report, cause) { Code = "REPORT_SIGNATURE_INVALID" };

        Assert.Equal("The report is bad.", ex.Message);
        Assert.Equal(AttestationStage.Report, ex.Stage);
        Assert.Equal("REPORT_SIGNATURE_INVALID", ex.Code);
        Assert.Same(cause, ex.InnerException);
        Assert.Null(new AttestationException("m", AttestationStage.Fetch).Code);
    }

    [Fact]
    public void TlsPinMismatchException_DescribesTheKeys_AndIsFoundAnywhereInAChain()
    {
        var mismatch = new TlsPinMismatchException("host:1", ["aa", "bb"], "cc");
        var wrapped = new HttpRequestException("outer", new IOException("middle", mismatch));

        Assert.Equal("The TLS key of host:1 (SPKI SHA-256 cc) is not pinned; expected aa or bb. Nothing was sent.", mismatch.Message);
        Assert.Equal("host:1", mismatch.Authority);
        Assert.Equal("cc", mismatch.ActualPin);
        Assert.Equal(["aa", "bb"], mismatch.ExpectedPins);
        Assert.Same(mismatch, TlsPinMismatchException.Find(wrapped));
        Assert.Same(mismatch, TlsPinMismatchException.Find(mismatch));
        Assert.Null(TlsPinMismatchException.Find(new IOException("no", new TimeoutException())));
        Assert.Null(TlsPinMismatchException.Find(null));
        var noList = new TlsPinMismatchException("h", null!, "cc", wrapped);
        Assert.Empty(noList.ExpectedPins);
        Assert.Same(wrapped, noList.InnerException);
        Assert.Equal("The TLS key of h (SPKI SHA-256 cc) is not pinned; expected . Nothing was sent.", noList.Message);
    }
}
