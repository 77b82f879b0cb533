using System.Security.Cryptography;
using System.Text.Json;

namespace AudioSdk.Security.Tinfoil.Sigstore;

/// <summary>A key of a transparency log (Rekor) or certificate-transparency log, valid over a time range.</summary>
internal sealed record TransparencyLogKey(byte[] LogId, byte[] SubjectPublicKeyInfo, DateTimeOffset? Start, DateTimeOffset? End)
{
    public bool ValidAt(DateTimeOffset time) => (Start is null || time >= Start) && (End is null || time <= End);
}

/// <summary>A Fulcio certificate authority: its chain (issuing certificate first) and validity range.</summary>
internal sealed record CertificateAuthority(IReadOnlyList<DerCertificate> Chain, DateTimeOffset? Start, DateTimeOffset? End)
{
    public bool ValidAt(DateTimeOffset time) => (Start is null || time >= Start) && (End is null || time <= End);
}

/// <summary>A Sigstore trusted root (trusted_root.json): Fulcio CAs, Rekor keys, CT log keys.</summary>
internal sealed class SigstoreTrustedRoot
{
    private SigstoreTrustedRoot(List<CertificateAuthority> authorities, List<TransparencyLogKey> rekor, List<TransparencyLogKey> ct)
    {
        CertificateAuthorities = authorities;
        RekorKeys = rekor;
        CtLogKeys = ct;
    }

    public IReadOnlyList<CertificateAuthority> CertificateAuthorities { get; }
    public IReadOnlyList<TransparencyLogKey> RekorKeys { get; }
    public IReadOnlyList<TransparencyLogKey> CtLogKeys { get; }

    /// <summary>The embedded Sigstore public-good root.</summary>
    public static SigstoreTrustedRoot Production { get; } = Parse(System.Text.Encoding.UTF8.GetBytes(TinfoilRoots.SigstoreTrustedRootJson));

    /// <summary>Parses trusted_root.json.</summary>
    /// <exception cref="AttestationException">It is not a trusted root (TRUST_ROOT_INVALID).</exception>
    public static SigstoreTrustedRoot Parse(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("it is not a JSON object");
            }

            var authorities = new List<CertificateAuthority>();
            foreach (var ca in root.GetArray("certificateAuthorities"))
            {
                var chain = new List<DerCertificate>();
                foreach (var cert in ca.Get("certChain")?.GetArray("certificates") ?? [])
                {
                    if (cert.GetString("rawBytes") is { } raw && Base64Strict.TryDecode(raw) is { } der)
                    {
                        chain.Add(DerCertificate.Parse(der));
                    }
                }

                var valid = ca.Get("validFor");
                authorities.Add(new CertificateAuthority(chain, valid?.GetTime("start"), valid?.GetTime("end")));
            }

            return new SigstoreTrustedRoot(authorities, ReadLogs(root, "tlogs"), ReadLogs(root, "ctlogs"));
        }
        catch (JsonException ex)
        {
            throw Invalid("it is not JSON", ex);
        }
        catch (CryptographicException ex)
        {
            throw Invalid("a certificate does not parse", ex);
        }
    }

    private static List<TransparencyLogKey> ReadLogs(JsonElement root, string name)
    {
        var logs = new List<TransparencyLogKey>();
        foreach (var log in root.GetArray(name))
        {
            var key = log.Get("publicKey");
            var id = log.Get("logId")?.GetString("keyId");
            if (key?.GetString("rawBytes") is { } raw && Base64Strict.TryDecode(raw) is { } spki && Base64Strict.TryDecode(id) is { } logId)
            {
                var valid = key.Value.Get("validFor");
                logs.Add(new TransparencyLogKey(logId, spki, valid?.GetTime("start"), valid?.GetTime("end")));
            }
        }

        return logs;
    }

    private static AttestationException Invalid(string why, Exception? inner = null) =>
        Reject.With(AttestationStage.Provenance, "TRUST_ROOT_INVALID", $"the Sigstore trusted root is invalid: {why}", inner);
}
