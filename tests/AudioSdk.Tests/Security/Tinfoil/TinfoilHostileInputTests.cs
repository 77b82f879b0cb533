using System.Text;
using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// Generated malformed documents (seeded, bounded): every change to the captured document is refused with an
/// <see cref="AttestationException"/>, never another exception type, and never accepted.
/// </summary>
public sealed class TinfoilHostileInputTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ByteFlips_AreRefusedWithAttestationException(int seed)
    {
        var random = new Random(seed);
        var original = RealFrozenDocument.Bytes;
        for (var i = 0; i < 60; i++)
        {
            var bytes = (byte[])original.Clone();
            var at = random.Next(bytes.Length);
            bytes[at] ^= (byte)(1 << random.Next(8));
            AssertRefused(bytes, $"byte {at}");
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void StructuralChanges_AreRefusedWithAttestationException(int seed)
    {
        var random = new Random(seed);
        JsonNode[] replacements = [JsonValue.Create(42), JsonValue.Create("x"), new JsonArray(), new JsonObject(), JsonValue.Create(true)];
        for (var i = 0; i < 60; i++)
        {
            var document = RealFrozenDocument.Document;
            var nodes = new List<JsonNode>();
            Collect(document, nodes);
            var target = nodes[random.Next(nodes.Count)];
            var replacement = replacements[random.Next(replacements.Length)].DeepClone();
            var path = target.GetPath();
            // A no-op, or a new string label for a code/platform/endorsement item (found by format; only the freshness ids mean something).
            if (JsonNode.DeepEquals(target, replacement) || (path.EndsWith("].id", StringComparison.Ordinal) && replacement is JsonValue v && v.TryGetValue<string>(out _) && !(target.GetValue<string>()).EndsWith("freshness", StringComparison.Ordinal)))
            {
                continue;
            }

            switch (target.Parent)
            {
                case JsonObject parent:
                    parent[target.GetPropertyName()] = replacement;
                    break;
                case JsonArray array:
                    array[target.GetElementIndex()] = replacement;
                    break;
            }

            AssertRefused(Encoding.UTF8.GetBytes(document.ToJsonString()), path);
        }
    }

    private static void AssertRefused(byte[] bytes, string what)
    {
        var ex = Record.Exception(() => TinfoilAttestor.VerifyDocument(bytes, RealFrozenDocument.Nonce, RealFrozenDocument.Repository, RealFrozenDocument.Time));
        Assert.True(ex is AttestationException || (ex is null && OnlyALabelChanged(bytes)), $"{what}: {ex?.GetType().Name ?? "accepted"}: {ex?.Message}");
    }

    /// <summary>Collateral ids of the code, platform and AMD items are labels (items are found by format); only the freshness ids carry meaning.</summary>
    private static bool OnlyALabelChanged(byte[] bytes)
    {
        static JsonNode Unlabelled(JsonNode document)
        {
            foreach (var item in document["collateral"]!.AsArray())
            {
                if (!item!["id"]!.GetValue<string>().EndsWith("freshness", StringComparison.Ordinal))
                {
                    item["id"] = "label";
                }
            }

            return document;
        }

        return JsonNode.DeepEquals(Unlabelled(RealFrozenDocument.Document), Unlabelled(JsonNode.Parse(bytes)!));
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        if (node.Parent is not null)
        {
            nodes.Add(node);
        }

        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o)
                {
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }

                break;
        }
    }
}
