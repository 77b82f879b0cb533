#if !NET9_0_OR_GREATER
namespace System.Security.Cryptography.X509Certificates;

/// <summary>The net8.0 test build's stand-in for .NET 9's <c>X509CertificateLoader</c>, over the constructors it replaced.</summary>
internal static class X509CertificateLoader
{
    public static X509Certificate2 LoadCertificate(byte[] data) => new(data);

    public static X509Certificate2 LoadPkcs12(byte[] data, string? password) => new(data, password);
}
#endif
