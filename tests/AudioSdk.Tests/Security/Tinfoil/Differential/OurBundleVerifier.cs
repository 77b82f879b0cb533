using System.Text;
using System.Text.Json.Nodes;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Bundle;

namespace AudioSdk.Tests.Security.Tinfoil.Differential;

/// <summary>
/// The SDK's bundle flow (<see cref="AttestationBundle"/> and <see cref="TinfoilBundleVerifier"/>, production roots) on a
/// v2 attestation bundle at the verification time, without the AMD CRL: the official verifier checks none, and a CRL
/// current at every variant's time does not exist, so revocation stays out of the comparison (the SDK always checks it).
/// </summary>
internal static class OurBundleVerifier
{
    /// <summary>Null when accepted; otherwise the refusal ("stage/code: message").</summary>
    public static string? Verify(JsonObject bundle, string configRepo, DateTimeOffset time)
    {
        try
        {
            using var parsed = AttestationBundle.Parse(Encoding.UTF8.GetBytes(bundle.ToJsonString()));
            new TinfoilBundleVerifier(TinfoilTrust.Production).Verify(parsed, configRepo, time, crl: null);
            return null;
        }
        catch (AttestationException e)
        {
            return $"{e.Stage}/{e.Code}: {e.Message}";
        }
    }
}
