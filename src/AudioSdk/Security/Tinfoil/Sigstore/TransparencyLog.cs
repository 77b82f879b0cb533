using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AudioSdk.Security.Tinfoil.Sigstore;

/// <summary>Rekor checks: the signed entry timestamp, the RFC 6962/9162 inclusion proof and the signed checkpoint.</summary>
internal static class TransparencyLog
{
    /// <summary>The SET is ECDSA over canonical JSON {"body","integratedTime","logID","logIndex"} (sorted keys, no spaces).</summary>
    public static bool VerifySignedEntryTimestamp(TransparencyLogKey key, string body, long integratedTime, byte[] logId, long logIndex,
        byte[] signature)
    {
        var canonical = new StringBuilder();
        canonical.Append("{\"body\":\"").Append(body).Append("\",\"integratedTime\":")
            .Append(integratedTime.ToString(CultureInfo.InvariantCulture))
            .Append(",\"logID\":\"").Append(Hex.Lower(logId)).Append("\",\"logIndex\":")
            .Append(logIndex.ToString(CultureInfo.InvariantCulture)).Append('}');
        if (body.Any(c => c is '"' or '\\' || c < 0x20))
        {
            return false;
        }

        return DerCertificate.VerifyEcdsa(key.SubjectPublicKeyInfo, Encoding.UTF8.GetBytes(canonical.ToString()), signature,
            HashAlgorithmName.SHA256);
    }

    /// <summary>Computes the root from a leaf and its audit path; null when the proof does not fit the tree.</summary>
    public static byte[]? RootFromInclusionProof(long index, long size, byte[] leafHash, IReadOnlyList<byte[]> path)
    {
        // A tree of size 0 or less has no index in [0, size).
        if (index < 0 || index >= size)
        {
            return null;
        }

        var fn = index;
        var sn = size - 1;
        var r = leafHash;
        foreach (var p in path)
        {
            if (p.Length != 32 || sn == 0)
            {
                return null;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = Node(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = Node(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 ? r : null;
    }

    public static byte[] LeafHash(ReadOnlySpan<byte> body)
    {
        var buffer = new byte[body.Length + 1];
        body.CopyTo(buffer.AsSpan(1));
        return SHA256.HashData(buffer);
    }

    /// <summary>Parses and verifies a signed checkpoint note; returns (size, root) or null when its signature does not verify.</summary>
    public static (long Size, byte[] Root)? VerifyCheckpoint(string envelope, TransparencyLogKey key)
    {
        var split = envelope.IndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return null;
        }

        var text = envelope[..(split + 1)];
        var lines = text.Split('\n');
        if (lines.Length < 4 || !long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || Base64Strict.TryDecode(lines[2]) is not { Length: 32 } root)
        {
            return null;
        }

        var name = lines[0].Split(' ')[0];
        foreach (var line in envelope[(split + 2)..].Split('\n'))
        {
            var parts = line.Split(' ');
            if (parts.Length != 3 || parts[0] != "\u2014" || parts[1] != name)
            {
                continue;
            }

            // The key hint (4 bytes of the log id), then the signature.
            var blob = Base64Strict.TryDecode(parts[2]);
            if (blob is null || blob.Length <= 4 || !blob.AsSpan(0, 4).SequenceEqual(key.LogId.AsSpan(0, 4)))
            {
                continue;
            }

            if (DerCertificate.VerifyEcdsa(key.SubjectPublicKeyInfo, Encoding.UTF8.GetBytes(text), blob.AsSpan(4),
                HashAlgorithmName.SHA256))
            {
                return (size, root);
            }
        }

        return null;
    }

    private static byte[] Node(byte[] left, byte[] right)
    {
        Span<byte> buffer = stackalloc byte[65];
        buffer[0] = 1;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[33..]);
        return SHA256.HashData(buffer);
    }
}
