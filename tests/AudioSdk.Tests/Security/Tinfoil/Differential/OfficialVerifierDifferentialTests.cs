using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace AudioSdk.Tests.Security.Tinfoil.Differential;

/// <summary>
/// Our verifier beside Tinfoil's published one (npm <c>@tinfoilsh/verifier</c> 1.1.0) on the real captured attestation
/// bundle and 2,200 seeded structured variants of it, at the same verification time. Both must accept or refuse alike,
/// except in the listed classes where ours is stricter for a stated reason. Ours accepting what the official verifier
/// refuses is never listed: any such variant fails the test. Setup:
/// <c>npm ci --prefix tests/AudioSdk.Tests/Security/Tinfoil/Differential</c> (CI does; skipped without node or the package).
/// </summary>
public sealed class OfficialVerifierDifferentialTests(ITestOutputHelper output)
{
    /// <summary>Classes (variant class prefix) where the verdicts may differ, which side accepts, and why ours is right.</summary>
    private static readonly (string ClassPrefix, bool OursAccepts, string? OfficialStep, string Reason)[] Explained =
    [
        // Ours stricter.
        ("vcek.", false, null,
            "ours parses the VCEK as DER (RFC 5280: lengths, tags, no trailing bytes); the official parser tolerates changes outside the signed TBSCertificate, so a byte flip there still verifies. AMD's KDS issues DER; any other encoding is not the certificate AMD signed."),
        ("cert.random-byte", false, null,
            "ours binds the enclave certificate by its key as well: SHA-256(SubjectPublicKeyInfo) must equal the signed REPORT_DATA[0,32) (the official client checks the key only in its optional TLS mode, at connect time), and parses it as DER; the official check reads only the SAN strings and the names."),
        ("sigstore.verificationMaterial.tlogEntries.#.inclusionProof.checkpoint.envelope", false, null,
            "ours verifies the Rekor checkpoint's signature; a checkpoint whose signature does not verify proves no inclusion (RFC 9162 / transparency-dev checkpoint format)."),
        ("sigstore.verificationMaterial.tlogEntries.#.inclusionProof.treeSize", false, null,
            "ours requires the signed checkpoint to be for the tree size the inclusion proof is computed against; otherwise the proof is against an unsigned root."),
        ("sigstore.verificationMaterial.tlogEntries.#.inclusionPromise.signedEntryTimestamp", false, null,
            "ours requires an observer timestamp (the SET) per the policy's minimum of one, as sigstore-go's default verifier (used by Tinfoil's Go verifier) does; without it the integrated time is unauthenticated."),
        ("sigstore.mediaType", false, null, "ours accepts only the v0.3 bundle media type, the one Tinfoil's releases are signed with; earlier versions have other required members."),
        ("sigstore.media-type", false, null, "as above: only the v0.3 bundle media type."),
        ("sigstore.extra-top-level-member", false, null, "ours parses the bundle strictly: an unknown member is refused rather than ignored."),
        ("sigstore.certificate-as-chain", false, null, "a v0.3 bundle carries one leaf certificate; x509CertificateChain is the v0.1/v0.2 form (sigstore bundle spec), refused in a v0.3 bundle."),

        // Ours accepts where the official verifier refuses: none. The classes that were looser (a re-encoded gzip body,
        // broken .hpke./.hatt. names, an upper-case digest or domain) are refused by the bundle flow's own checks.
    ];

    [OfficialVerifierFact]
    public async Task OursAndTheOfficialVerifierAgreeOnTheRealBundleAndItsVariants()
    {
        var variants = BundleVariants.Generate(seed: 24);
        var inputs = variants.Select(v => new JsonObject
        {
            ["id"] = v.Id,
            ["time_unix"] = v.TimeUnix,
            ["config_repo"] = BundleVariants.ConfigRepo,
            ["bundle"] = v.Bundle.DeepClone(),
        });

        var clock = Stopwatch.StartNew();
        var official = await OfficialVerifier.RunAsync(inputs, new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        var officialTime = clock.Elapsed;
        clock.Restart();
        var ours = variants.ToDictionary(v => v.Id, v => OurBundleVerifier.Verify(v.Bundle, BundleVariants.ConfigRepo, DateTimeOffset.FromUnixTimeSeconds(v.TimeUnix)));
        var oursTime = clock.Elapsed;

        var agreements = 0;
        var explained = new Dictionary<string, int>(StringComparer.Ordinal);
        var unexplained = new List<string>();
        foreach (var variant in variants)
        {
            Assert.True(official.TryGetValue(variant.Id, out var theirs), $"no official verdict for {variant.Id}");
            var oursAccepts = ours[variant.Id] is null;
            if (oursAccepts == theirs.Accepted)
            {
                agreements++;
                continue;
            }

            var reason = Explained.FirstOrDefault(e => variant.Class.StartsWith(e.ClassPrefix, StringComparison.Ordinal) && e.OursAccepts == oursAccepts
                && (e.OfficialStep is null || e.OfficialStep == theirs.Step));
            var line = $"{variant.Id} {variant.Class} t={variant.TimeUnix}: ours {(oursAccepts ? "accepts" : "refuses (" + ours[variant.Id] + ")")}, official {(theirs.Accepted ? "accepts" : $"refuses ({theirs.Step}: {theirs.Error})")}";
            if (reason.ClassPrefix is null)
            {
                unexplained.Add(line);
            }
            else
            {
                explained[reason.ClassPrefix] = explained.GetValueOrDefault(reason.ClassPrefix) + 1;
                output.WriteLine("explained: " + line);
            }
        }

        output.WriteLine($"inputs {variants.Count}, agreements {agreements}, explained {explained.Values.Sum()}, unexplained {unexplained.Count}; official {officialTime.TotalSeconds:F1} s, ours {oursTime.TotalSeconds:F1} s");
        foreach (var (prefix, count) in explained)
        {
            output.WriteLine($"  {prefix}: {count}");
        }

        foreach (var line in unexplained)
        {
            output.WriteLine("UNEXPLAINED " + line);
        }

        Assert.True(variants.Count >= 2000, $"only {variants.Count} variants");
        Assert.True(official[variants[0].Id].Accepted, "the official verifier refuses the real bundle: " + official[variants[0].Id].Error);
        Assert.Null(ours[variants[0].Id]);
        Assert.Contains(variants, v => !official[v.Id].Accepted);
        Assert.DoesNotContain(Explained, e => e.OursAccepts); // no class where ours is looser than the official verifier
        Assert.Empty(unexplained);
    }
}
