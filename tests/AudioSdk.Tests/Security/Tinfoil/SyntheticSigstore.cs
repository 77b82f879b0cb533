using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Sigstore;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// A Sigstore whose keys the test holds, trusted beside the production one: a Fulcio CA, a CT log and a Rekor log. It signs
/// any in-toto statement under any GitHub workflow identity into a v0.3 bundle that verifies whole (Fulcio chain, embedded
/// SCT, DSSE signature, signed entry timestamp, one-leaf inclusion proof and signed checkpoint), so a rule that reads what a
/// signature covers can be given a signed statement that breaks only that rule.
/// </summary>
internal sealed class SyntheticSigstore : IDisposable
{
    private const string OidIssuerV2 = "1.3.6.1.4.1.57264.1.8";
    private const string OidBuildSignerUri = "1.3.6.1.4.1.57264.1.9";
    private const string RekorOrigin = "rekor.synthetic";
    private static readonly Lazy<SyntheticSigstore> Shared = new(() => new SyntheticSigstore());
    private static readonly DateTimeOffset From = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _ctKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _rekorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _ca;
    private readonly byte[] _ctLogId;
    private readonly byte[] _rekorLogId;

    public SyntheticSigstore()
    {
        var request = new CertificateRequest("CN=synthetic-fulcio", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        _ca = request.CreateSelfSigned(From, From.AddYears(30));
        _ctLogId = SHA256.HashData(_ctKey.ExportSubjectPublicKeyInfo());
        _rekorLogId = SHA256.HashData(_rekorKey.ExportSubjectPublicKeyInfo());

        var root = JsonNode.Parse(TinfoilRoots.SigstoreTrustedRootJson)!.AsObject();
        root["certificateAuthorities"]!.AsArray().Add(new JsonObject
        {
            ["subject"] = new JsonObject { ["organization"] = "synthetic", ["commonName"] = "synthetic-fulcio" },
            ["uri"] = "https://fulcio.synthetic",
            ["certChain"] = new JsonObject { ["certificates"] = new JsonArray(new JsonObject { ["rawBytes"] = Convert.ToBase64String(_ca.RawData) }) },
            ["validFor"] = new JsonObject { ["start"] = "2020-01-01T00:00:00Z" },
        });
        root["ctlogs"]!.AsArray().Add(Log("https://ctlog.synthetic", _ctKey, _ctLogId));
        root["tlogs"]!.AsArray().Add(Log("https://" + RekorOrigin, _rekorKey, _rekorLogId));
        Root = SigstoreTrustedRoot.Parse(Encoding.UTF8.GetBytes(root.ToJsonString()));
    }

    public static SyntheticSigstore Instance => Shared.Value;

    /// <summary>The production trusted root with this Sigstore's CA and logs added.</summary>
    public SigstoreTrustedRoot Root { get; }

    /// <summary>
    /// A bundle of <paramref name="statement"/> signed by the workflow <paramref name="san"/>
    /// (<c>https://github.com/{owner}/{repo}/.github/workflows/{file}@{ref}</c>) and logged at <paramref name="logged"/>;
    /// <paramref name="buildSigner"/> is the certificate's build-signer URI, the SAN when null.
    /// </summary>
    public JsonObject Bundle(JsonObject statement, string san, DateTimeOffset logged, string? buildSigner = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leaf = Leaf(key, san, buildSigner ?? san, logged);
        var payload = Encoding.UTF8.GetBytes(statement.ToJsonString());
        var signature = key.SignData(SigstoreVerifier.Pae(SigstorePolicy.InTotoPayloadType, payload), HashAlgorithmName.SHA256,
            DSASignatureFormat.Rfc3279DerSequence);

        var body = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["apiVersion"] = "0.0.1",
            ["kind"] = "dsse",
            ["spec"] = new JsonObject
            {
                ["payloadHash"] = new JsonObject { ["algorithm"] = "sha256", ["value"] = Hex.Lower(SHA256.HashData(payload)) },
                ["signatures"] = new JsonArray(new JsonObject
                {
                    ["signature"] = Convert.ToBase64String(signature),
                    ["verifier"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(leaf.ExportCertificatePem())),
                }),
            },
        }.ToJsonString());
        var bodyBase64 = Convert.ToBase64String(body);
        var time = logged.ToUnixTimeSeconds();
        var set = Sign(_rekorKey, $"{{\"body\":\"{bodyBase64}\",\"integratedTime\":{time},\"logID\":\"{Hex.Lower(_rekorLogId)}\",\"logIndex\":0}}");
        var leafHash = Convert.ToBase64String(TransparencyLog.LeafHash(body));
        var note = $"{RekorOrigin} - 1\n1\n{leafHash}\n";
        var checkpoint = $"{note}\n\u2014 {RekorOrigin} {Convert.ToBase64String([.. _rekorLogId.AsSpan(0, 4), .. Sign(_rekorKey, note)])}\n";

        return new JsonObject
        {
            ["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.3+json",
            ["verificationMaterial"] = new JsonObject
            {
                ["certificate"] = new JsonObject { ["rawBytes"] = Convert.ToBase64String(leaf.RawData) },
                ["tlogEntries"] = new JsonArray(new JsonObject
                {
                    ["logIndex"] = "0",
                    ["logId"] = new JsonObject { ["keyId"] = Convert.ToBase64String(_rekorLogId) },
                    ["kindVersion"] = new JsonObject { ["kind"] = "dsse", ["version"] = "0.0.1" },
                    ["integratedTime"] = time.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["inclusionPromise"] = new JsonObject { ["signedEntryTimestamp"] = Convert.ToBase64String(set) },
                    ["inclusionProof"] = new JsonObject
                    {
                        ["logIndex"] = "0",
                        ["rootHash"] = leafHash,
                        ["treeSize"] = "1",
                        ["hashes"] = new JsonArray(),
                        ["checkpoint"] = new JsonObject { ["envelope"] = checkpoint },
                    },
                    ["canonicalizedBody"] = bodyBase64,
                }),
            },
            ["dsseEnvelope"] = new JsonObject
            {
                ["payload"] = Convert.ToBase64String(payload),
                ["payloadType"] = SigstorePolicy.InTotoPayloadType,
                ["signatures"] = new JsonArray(new JsonObject { ["sig"] = Convert.ToBase64String(signature) }),
            },
        };
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
        _ctKey.Dispose();
        _rekorKey.Dispose();
    }

    /// <summary>A Fulcio-like leaf: the SAN, OIDC issuer and build-signer extensions, and an SCT of this CT log over its
    /// precertificate (the same certificate without the SCT list).</summary>
    private X509Certificate2 Leaf(ECDsa key, string san, string buildSigner, DateTimeOffset logged)
    {
        var serial = RandomNumberGenerator.GetBytes(8);
        serial[0] &= 0x7F;
        byte[] tbs;
        using (var precertificate = Issue(key, san, buildSigner, logged, serial, sctList: null))
        {
            tbs = DerCertificate.Parse(precertificate.RawData).Tbs.ToArray();
        }

        var timestamp = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(timestamp, logged.ToUnixTimeMilliseconds());
        var issuerKeyHash = SHA256.HashData(DerCertificate.Parse(_ca.RawData).SubjectPublicKeyInfo.Span);
        byte[] signed = [0, 0, .. timestamp, 0, 1, .. issuerKeyHash, (byte)(tbs.Length >> 16), (byte)(tbs.Length >> 8), (byte)tbs.Length, .. tbs, 0, 0];
        var signature = _ctKey.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        byte[] sct = [0, .. _ctLogId, .. timestamp, 0, 0, 4, 3, .. Length16(signature.Length), .. signature];
        byte[] list = [.. Length16(sct.Length + 2), .. Length16(sct.Length), .. sct];
        var extension = new AsnWriter(AsnEncodingRules.DER);
        extension.WriteOctetString(list);
        return Issue(key, san, buildSigner, logged, serial, extension.Encode());
    }

    private X509Certificate2 Issue(ECDsa key, string san, string buildSigner, DateTimeOffset logged, byte[] serial, byte[]? sctList)
    {
        var request = new CertificateRequest(new X500DistinguishedName(string.Empty), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(new Uri(san));
        request.CertificateExtensions.Add(names.Build(critical: true));
        request.CertificateExtensions.Add(new X509Extension(OidIssuerV2, Utf8(SigstorePolicy.GitHubActionsIssuer), false));
        request.CertificateExtensions.Add(new X509Extension(OidBuildSignerUri, Utf8(buildSigner), false));
        if (sctList is not null)
        {
            request.CertificateExtensions.Add(new X509Extension(CertificateTransparency.OidSctList, sctList, false));
        }

        return request.Create(_ca.SubjectName, X509SignatureGenerator.CreateForECDsa(_caKey), logged.AddMinutes(-1), logged.AddMinutes(10), serial);
    }

    private static JsonObject Log(string url, ECDsa key, byte[] logId) => new()
    {
        ["baseUrl"] = url,
        ["hashAlgorithm"] = "SHA2_256",
        ["publicKey"] = new JsonObject
        {
            ["rawBytes"] = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()),
            ["keyDetails"] = "PKIX_ECDSA_P256_SHA_256",
            ["validFor"] = new JsonObject { ["start"] = "2020-01-01T00:00:00Z" },
        },
        ["logId"] = new JsonObject { ["keyId"] = Convert.ToBase64String(logId) },
    };

    private static byte[] Sign(ECDsa key, string text) =>
        key.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    private static byte[] Utf8(string value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.UTF8String, value);
        return writer.Encode();
    }

    private static byte[] Length16(int length) => [(byte)(length >> 8), (byte)length];
}
