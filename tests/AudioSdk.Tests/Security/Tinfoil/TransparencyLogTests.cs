using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Sigstore;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// Rekor's checks against a log built here: RFC 6962 inclusion proofs for every leaf of trees of many sizes (and each
/// wrong proof refused), signed checkpoint notes, and signed entry timestamps over the canonical JSON.
/// </summary>
public sealed class TransparencyLogTests
{
    private static readonly ECDsa LogKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly byte[] LogId = SHA256.HashData(LogKey.ExportSubjectPublicKeyInfo());
    private static readonly TransparencyLogKey Key = new(LogId, LogKey.ExportSubjectPublicKeyInfo(), null, null);

    [Fact]
    public void InclusionProofs_ForEveryLeafOfTreesUpTo33_LeadToTheRoot()
    {
        for (var size = 1; size <= 33; size++)
        {
            var leaves = Enumerable.Range(0, size).Select(i => TransparencyLog.LeafHash(Encoding.UTF8.GetBytes($"leaf {i}"))).ToList();
            var root = Root(leaves);
            for (var index = 0; index < size; index++)
            {
                var path = Path(leaves, index);
                Assert.Equal(root, TransparencyLog.RootFromInclusionProof(index, size, leaves[index], path));

                // Any other index, leaf or path element gives another root or none (the tree size is bound by the signed checkpoint).
                if (size > 1)
                {
                    Assert.NotEqual(root, TransparencyLog.RootFromInclusionProof(index, size, leaves[(index + 1) % size], path));
                    Assert.NotEqual(root, TransparencyLog.RootFromInclusionProof((index + 1) % size, size, leaves[index], path));
                }

                if (path.Count > 0)
                {
                    var changed = path.Select(p => (byte[])p.Clone()).ToList();
                    changed[^1][0] ^= 1;
                    Assert.NotEqual(root, TransparencyLog.RootFromInclusionProof(index, size, leaves[index], changed));
                    Assert.Null(TransparencyLog.RootFromInclusionProof(index, size, leaves[index], path.Take(path.Count - 1).ToList()));
                    Assert.Null(TransparencyLog.RootFromInclusionProof(index, size, leaves[index], [.. path.Take(path.Count - 1), path[^1][..31]]));
                }

                Assert.Null(TransparencyLog.RootFromInclusionProof(index, size, leaves[index], [.. path, new byte[32]]));
            }
        }
    }

    [Fact]
    public void InclusionProofs_OutsideTheTree_AreNull()
    {
        var leaf = TransparencyLog.LeafHash("x"u8);
        Assert.Null(TransparencyLog.RootFromInclusionProof(-1, 4, leaf, [new byte[32], new byte[32]]));
        Assert.Null(TransparencyLog.RootFromInclusionProof(4, 4, leaf, [new byte[32], new byte[32]]));
        Assert.Null(TransparencyLog.RootFromInclusionProof(0, 0, leaf, []));
        Assert.Null(TransparencyLog.RootFromInclusionProof(0, -1, leaf, []));
        Assert.Equal(leaf, TransparencyLog.RootFromInclusionProof(0, 1, leaf, []));
        Assert.Null(TransparencyLog.RootFromInclusionProof(long.MaxValue - 1, long.MaxValue, leaf, [new byte[32]]));
    }

    [Fact]
    public void LeafHash_IsSha256OfZeroAndTheBody()
    {
        Assert.Equal(SHA256.HashData([0, 1, 2, 3]), TransparencyLog.LeafHash([1, 2, 3]));
        Assert.Equal(SHA256.HashData([0]), TransparencyLog.LeafHash([]));
    }

    [Fact]
    public void Checkpoint_VerifiesUnderTheLogKey_AndNothingElse()
    {
        var root = SHA256.HashData("root"u8);
        var good = Checkpoint("rekor.example - 42", 1234, root, LogKey, LogId);
        var result = TransparencyLog.VerifyCheckpoint(good, Key);
        Assert.NotNull(result);
        Assert.Equal(1234, result.Value.Size);
        Assert.Equal(root, result.Value.Root);

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Null(TransparencyLog.VerifyCheckpoint(Checkpoint("rekor.example - 42", 1234, root, other, LogId), Key));
        Assert.Null(TransparencyLog.VerifyCheckpoint(Checkpoint("rekor.example - 42", 1234, root, LogKey, SHA256.HashData("other"u8)), Key));
        Assert.Null(TransparencyLog.VerifyCheckpoint(good.Replace("\u2014 rekor.example", "\u2014 other.example", StringComparison.Ordinal), Key));
        Assert.Null(TransparencyLog.VerifyCheckpoint(good.Replace("\u2014 ", "- ", StringComparison.Ordinal), Key));
        Assert.Null(TransparencyLog.VerifyCheckpoint(good.Replace("\n1234\n", "\n1235\n", StringComparison.Ordinal), Key));
        Assert.Null(TransparencyLog.VerifyCheckpoint(good.Replace("\n\n", "\n", StringComparison.Ordinal), Key));
        Assert.Null(TransparencyLog.VerifyCheckpoint(Checkpoint("rekor.example - 42", 1234, root[..31], LogKey, LogId), Key));
        Assert.Null(TransparencyLog.VerifyCheckpoint(CheckpointText("rekor.example - 42\n-5\n" + Convert.ToBase64String(root) + "\n", LogKey, LogId, "rekor.example"), Key));
        Assert.Null(TransparencyLog.VerifyCheckpoint(CheckpointText("rekor.example - 42\n1234\n", LogKey, LogId, "rekor.example"), Key));

        // A first signature line by another key, then the log's: the log's counts.
        var lines = good.Split("\n\n");
        var foreign = Checkpoint("rekor.example - 42", 1234, root, other, SHA256.HashData("other"u8)).Split("\n\n")[1];
        var twoSignatures = lines[0] + "\n\n" + foreign + lines[1];
        Assert.Equal(1234, TransparencyLog.VerifyCheckpoint(twoSignatures, Key)?.Size);
        var badFirst = lines[0] + "\n\n\u2014 rekor.example AAAA\n" + lines[1];
        Assert.Equal(1234, TransparencyLog.VerifyCheckpoint(badFirst, Key)?.Size);
        var forgedFirst = lines[0] + "\n\n" + Checkpoint("rekor.example - 42", 1234, root, other, LogId).Split("\n\n")[1] + lines[1];
        Assert.Equal(1234, TransparencyLog.VerifyCheckpoint(forgedFirst, Key)?.Size);
        var otherNameFirst = lines[0] + "\n\n\u2014 other.example " + lines[1].Split(' ')[2];
        Assert.Equal(1234, TransparencyLog.VerifyCheckpoint(otherNameFirst + lines[1], Key)?.Size);
    }

    [Fact]
    public void Checkpoint_WithExtensionLines_VerifiesOverTheWholeText()
    {
        // c2sp.org/tlog-checkpoint: origin, size and root, then optional extension lines (Rekor v1 wrote
        // "Timestamp: <ns>"). They are part of the signed text: accepted when signed, refused when changed.
        var root = SHA256.HashData("root"u8);
        var text = "rekor.example - 42\n1234\n" + Convert.ToBase64String(root) + "\nTimestamp: 1689177396617352539\nanother extension\n";
        var note = CheckpointText(text, LogKey, LogId, "rekor.example");
        var result = TransparencyLog.VerifyCheckpoint(note, Key);
        Assert.NotNull(result);
        Assert.Equal(1234, result.Value.Size);
        Assert.Equal(root, result.Value.Root);

        Assert.Null(TransparencyLog.VerifyCheckpoint(note.Replace("1689177396617352539", "1689177396617352540", StringComparison.Ordinal), Key));
        Assert.Null(TransparencyLog.VerifyCheckpoint(note.Replace("\nanother extension\n", "\n", StringComparison.Ordinal), Key));

        // A second blank line before the signatures (the signed text ends at the first blank line, as sigstore-js
        // reads it): the same text, the same signature.
        var plain = Checkpoint("rekor.example - 42", 1234, root, LogKey, LogId);
        var blankBeforeSignatures = plain.Replace("\n\n", "\n\n\n", StringComparison.Ordinal);
        Assert.Equal(1234, TransparencyLog.VerifyCheckpoint(blankBeforeSignatures, Key)?.Size);

        // A blank line inside the text cuts it short: no root line, nothing accepted.
        Assert.Null(TransparencyLog.VerifyCheckpoint(CheckpointText("rekor.example - 42\n1234\n\n" + Convert.ToBase64String(root) + "\n", LogKey, LogId, "rekor.example"), Key));

        // A signature blob of the 4-byte key hint alone verifies nothing.
        Assert.Null(TransparencyLog.VerifyCheckpoint(plain.Split("\n\n")[0] + "\n\n\u2014 rekor.example " + Convert.ToBase64String(LogId[..4]) + "\n", Key));
    }

    [Fact]
    public void SignedEntryTimestamp_CoversBodyTimeLogIdAndIndex()
    {
        var body = Convert.ToBase64String("{\"kind\":\"dsse\"}"u8);
        var set = Set(body, 1700000000, LogId, 77);
        Assert.True(TransparencyLog.VerifySignedEntryTimestamp(Key, body, 1700000000, LogId, 77, set));
        Assert.False(TransparencyLog.VerifySignedEntryTimestamp(Key, body, 1700000001, LogId, 77, set));
        Assert.False(TransparencyLog.VerifySignedEntryTimestamp(Key, body, 1700000000, LogId, 78, set));
        Assert.False(TransparencyLog.VerifySignedEntryTimestamp(Key, body, 1700000000, SHA256.HashData("x"u8), 77, set));
        Assert.False(TransparencyLog.VerifySignedEntryTimestamp(Key, body + "AAAA", 1700000000, LogId, 77, set));
        foreach (var hostile in new[] { "a\"b", "a\\b", "a\nb", "a\u0001b" })
        {
            Assert.False(TransparencyLog.VerifySignedEntryTimestamp(Key, hostile, 1, LogId, 1, Set(hostile, 1, LogId, 1)));
        }

        Assert.True(TransparencyLog.VerifySignedEntryTimestamp(Key, "a b", 1, LogId, 1, Set("a b", 1, LogId, 1)));
    }

    private static byte[] Set(string body, long time, byte[] logId, long index) => LogKey.SignData(
        Encoding.UTF8.GetBytes($"{{\"body\":\"{body}\",\"integratedTime\":{time.ToString(CultureInfo.InvariantCulture)},\"logID\":\"{Convert.ToHexString(logId).ToLowerInvariant()}\",\"logIndex\":{index.ToString(CultureInfo.InvariantCulture)}}}"),
        HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    private static string Checkpoint(string origin, long size, byte[] root, ECDsa key, byte[] keyId) =>
        CheckpointText($"{origin}\n{size.ToString(CultureInfo.InvariantCulture)}\n{Convert.ToBase64String(root)}\n", key, keyId, origin.Split(' ')[0]);

    private static string CheckpointText(string text, ECDsa key, byte[] keyId, string name)
    {
        var signature = key.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return text + "\n\u2014 " + name + " " + Convert.ToBase64String([.. keyId[..4], .. signature]) + "\n";
    }

    private static byte[] Node(byte[] left, byte[] right) => SHA256.HashData([1, .. left, .. right]);

    private static byte[] Root(IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count == 1)
        {
            return leaves[0];
        }

        var k = 1;
        while (k * 2 < leaves.Count)
        {
            k *= 2;
        }

        return Node(Root(leaves.Take(k).ToList()), Root(leaves.Skip(k).ToList()));
    }

    private static List<byte[]> Path(IReadOnlyList<byte[]> leaves, int index)
    {
        if (leaves.Count == 1)
        {
            return [];
        }

        var k = 1;
        while (k * 2 < leaves.Count)
        {
            k *= 2;
        }

        return index < k
            ? [.. Path(leaves.Take(k).ToList(), index), Root(leaves.Skip(k).ToList())]
            : [.. Path(leaves.Skip(k).ToList(), index - k), Root(leaves.Take(k).ToList())];
    }
}
