#!/usr/bin/env bash
# Mutation testing with Stryker.NET 5.1 over the parts that guard hostile input. Not part of CI: each target
# takes minutes to an hour on a small machine. Reports land in StrykerOutput/<target>/ (json and html).
#
#   scripts/mutation.sh                 every target
#   scripts/mutation.sh subtitles wav   some of them: security tinfoil http subtitles wav longform
#   scripts/mutation.sh tinfoil-amd     one part of the verifier (tinfoil-amd: CRL, chain and report checks; tinfoil-sev:
#                                       the report layout; tinfoil-sigstore; tinfoil-v3;
#                                       tinfoil-checks: the report, chain, Sigstore, Rekor and CT checks together;
#                                       tinfoil-tdx: the Intel TDX quote, collateral and policy checks (tinfoil-tdx-policy:
#                                       the document's TDX policy, endorsements and captures only);
#                                       tinfoil-document: the document, attestor, endorsements, measurement and
#                                       strict-JSON checks; tinfoil-der: the certificate parser and Sigstore trust root;
#                                       tinfoil-bundle: the bundle flow, REPORT_DATA binding, encodings and the rest),
#                                       with the tests of that part only: minutes instead of the whole target's hour
#   scripts/mutation.sh realtime-protocol  the realtime codecs (also realtime-uplink, realtime-uplink-stages, realtime-turns, realtime-continuity;
#                                       realtime: all)
#
# STRYKER_CONCURRENCY (default 1) sets how many test runs go at once.
# Stryker swaps the mutated assembly into the test project's bin folder: do not build the test project while it runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools/stryker"
if [ ! -x "$tools/dotnet-stryker" ]; then
  dotnet tool install dotnet-stryker --version 5.1.0 --tool-path "$tools"
fi

mutate_of() {
  case "$1" in
    security) echo '"**/Security/*.cs"' ;;
    tinfoil) echo '"**/Security/Tinfoil/**/*.cs"' ;;
    tinfoil-amd) echo '"**/Security/Tinfoil/AmdCrl.cs", "**/Security/Tinfoil/AmdChain.cs", "**/Security/Tinfoil/SevSnpVerifier.cs"' ;;
    tinfoil-sev) echo '"**/Security/Tinfoil/SevSnpReport.cs"' ;;
    tinfoil-sigstore) echo '"**/Security/Tinfoil/Sigstore/SigstoreVerifier.cs", "**/Security/Tinfoil/Sigstore/TransparencyLog.cs", "**/Security/Tinfoil/Sigstore/CertificateTransparency.cs"' ;;
    tinfoil-v3) echo '"**/Security/Tinfoil/V3/AttestationDocument.cs"' ;;
    tinfoil-checks) echo '"**/Security/Tinfoil/SevSnpVerifier.cs", "**/Security/Tinfoil/Sigstore/SigstoreVerifier.cs", "**/Security/Tinfoil/Sigstore/TransparencyLog.cs", "**/Security/Tinfoil/Sigstore/CertificateTransparency.cs"' ;;
    tinfoil-tdx) echo '"**/Security/Tinfoil/Tdx/**/*.cs", "**/Security/Tinfoil/PlatformEndorsements.Tdx.cs"' ;;
    tinfoil-tdx-policy) echo '"**/Security/Tinfoil/Tdx/TdxPlatformPolicy.cs", "**/Security/Tinfoil/Tdx/IntelPcsCollateral.cs", "**/Security/Tinfoil/PlatformEndorsements.Tdx.cs", "**/Security/Tinfoil/Tdx/TdxPolicy.cs"' ;;
    tinfoil-document) echo '"**/Security/Tinfoil/TinfoilAttestor.cs", "**/Security/Tinfoil/TinfoilDocumentVerifier.cs", "**/Security/Tinfoil/PlatformEndorsements.cs", "**/Security/Tinfoil/Measurement.cs", "**/Security/Tinfoil/V3/StrictJson.cs"' ;;
    tinfoil-der) echo '"**/Security/Tinfoil/DerCertificate.cs", "**/Security/Tinfoil/Sigstore/SigstoreTrustedRoot.cs"' ;;
    tinfoil-bundle) echo '"**/Security/Tinfoil/Bundle/**/*.cs", "**/Security/Tinfoil/TinfoilAttestor.Bundle.cs", "**/Security/Tinfoil/TinfoilBundleAttestation.cs", "**/Security/Tinfoil/ReportDataBinding.cs", "**/Security/Tinfoil/Base64Strict.cs", "**/Security/Tinfoil/Hex.cs", "**/Security/Tinfoil/HardwareMeasurements.cs", "**/Security/Tinfoil/SafeTime.cs", "**/Security/Tinfoil/Sigstore/InTotoStatement.cs", "**/Security/Tinfoil/Sigstore/Json.cs"' ;;
    http) echo '"**/Internal/Http/**/*.cs"' ;;
    subtitles) echo '"**/Subtitles/**/*.cs"' ;;
    wav) echo '"**/Audio/WavFile*.cs"' ;;
    longform) echo '"**/LongForm/**/*.cs"' ;;
    realtime-protocol) echo '"**/Realtime/Protocol/**/*.cs"' ;;
    realtime-uplink) echo '"**/Realtime/Uplink/**/*.cs"' ;;
    realtime-uplink-stages) echo '"**/Realtime/Uplink/OddByteCarry.cs", "**/Realtime/Uplink/Chunker.cs", "**/Realtime/Uplink/Downmixer.cs", "**/Realtime/Uplink/Pacer.cs", "**/Realtime/Uplink/ResampleStage.cs", "**/Realtime/Uplink/FrameStage.cs", "**/Realtime/Uplink/WavDecoder.cs"' ;;
    realtime-continuity) echo '"**/Realtime/Continuity/**/*.cs", "**/Realtime/Drivers/KeyedWaiters.cs"' ;;
    realtime-turns) echo '"**/Realtime/Uplink/TurnDetector.cs", "**/Realtime/Uplink/EchoGate.cs", "**/Realtime/Uplink/TurnGate.cs", "**/Realtime/Uplink/ClientTurnEvents.cs"' ;;
    realtime) echo '"**/Realtime/**/*.cs"' ;;
    *) echo "unknown target '$1' (security tinfoil tinfoil-amd tinfoil-sev tinfoil-sigstore tinfoil-v3 tinfoil-checks tinfoil-tdx tinfoil-tdx-policy tinfoil-document tinfoil-der tinfoil-bundle http subtitles wav longform realtime realtime-protocol realtime-uplink realtime-uplink-stages realtime-turns realtime-continuity)" >&2; exit 2 ;;
  esac
}

# ConfigureAwait(false) -> true is not a behaviour change (no test or library code runs under a synchronisation
# context that would notice), so its argument is not mutated.
# The tests that exercise each target; the seeded generators are left out (100,000 inputs per mutant is too slow),
# the unit and wire tests of the same code stay in.
filter_of() {
  case "$1" in
    security) echo 'FullyQualifiedName~AudioSdk.Tests.Security|FullyQualifiedName~DependencyInjectionTests' ;;
    tinfoil) echo 'FullyQualifiedName~AudioSdk.Tests.Security.Tinfoil' ;;
    tinfoil-amd|tinfoil-sev) echo 'FullyQualifiedName~AmdCrlTests|FullyQualifiedName~AmdChainTests|FullyQualifiedName~SevSnpVerifierTests|FullyQualifiedName~TinfoilConformanceTests.SevSnpAttestation' ;;
    tinfoil-sigstore) echo 'FullyQualifiedName~SigstoreVerifierTests|FullyQualifiedName~TransparencyLogTests|FullyQualifiedName~CertificateTransparencyTests|FullyQualifiedName~TinfoilConformanceTests.Sigstore|FullyQualifiedName~TinfoilHostileNumberTests' ;;
    tinfoil-checks) echo 'FullyQualifiedName~SevSnpVerifierTests|FullyQualifiedName~SigstoreVerifierTests|FullyQualifiedName~TransparencyLogTests|FullyQualifiedName~CertificateTransparencyTests|FullyQualifiedName~TinfoilConformanceTests.SevSnpAttestation|FullyQualifiedName~TinfoilConformanceTests.Sigstore|FullyQualifiedName~TinfoilHostileNumberTests.OutOfRangeLogNumbers' ;;
    tinfoil-v3) echo 'FullyQualifiedName~AttestationDocumentTests|FullyQualifiedName~TinfoilConformanceTests.V3|FullyQualifiedName~TinfoilDocumentVerifierTests|FullyQualifiedName~TdxDocumentEndToEndTests|FullyQualifiedName~TdxDocumentPolicyTests' ;;
    tinfoil-tdx|tinfoil-tdx-policy) echo '(FullyQualifiedName~TdxVerifierTests|FullyQualifiedName~TdxSyntheticPlatformTests|FullyQualifiedName~TdxUnitTests|FullyQualifiedName~TdxCollateralFetcherTests|FullyQualifiedName~TinfoilConformanceTests.TdxAttestation|FullyQualifiedName~TdxDocumentEndToEndTests|FullyQualifiedName~TdxDocumentPolicyTests|FullyQualifiedName~TdxAttestorEndToEndTests|FullyQualifiedName~TdxHostileNumberTests|FullyQualifiedName~TinfoilConformanceTests.V3)&FullyQualifiedName!~HostileQuotes' ;;
    tinfoil-document) echo 'FullyQualifiedName~TinfoilAttestorEndToEndTests|FullyQualifiedName~TinfoilAttestorRulesTests|FullyQualifiedName~TinfoilDocumentVerifierRulesTests|FullyQualifiedName~TinfoilGenerationsEndToEndTests|FullyQualifiedName~TinfoilDocumentVerifierTests|FullyQualifiedName~AttestationDocumentTests|FullyQualifiedName~PlatformEndorsementsTests|FullyQualifiedName~MeasurementTests|FullyQualifiedName~StrictJsonTests|FullyQualifiedName~TinfoilHostileNumberTests|FullyQualifiedName~TinfoilConformanceTests.V3|FullyQualifiedName~TinfoilConformanceTests.FullVerification|FullyQualifiedName~TinfoilConformanceTests.Measurement|FullyQualifiedName~TinfoilConformanceTests.HardwareMeasurements|FullyQualifiedName~TdxDocumentEndToEndTests|FullyQualifiedName~TdxDocumentPolicyTests' ;;
    tinfoil-bundle) echo 'FullyQualifiedName~TinfoilBundleEndToEndTests|FullyQualifiedName~TinfoilBundleParseRulesTests|FullyQualifiedName~TinfoilEncodingRulesTests|FullyQualifiedName~TinfoilBundleHardwareRulesTests|FullyQualifiedName~TinfoilBundleFlowTests|FullyQualifiedName~AttestationDocumentTests|FullyQualifiedName~SigstoreVerifierTests|FullyQualifiedName~TinfoilHostileNumberTests|FullyQualifiedName~TinfoilConformanceTests.V3|FullyQualifiedName~TinfoilConformanceTests.ReportDataLadder|FullyQualifiedName~TinfoilConformanceTests.HardwareMeasurements|FullyQualifiedName~TinfoilConformanceTests.HpkeKeyBinding|FullyQualifiedName~TinfoilConformanceTests.Sigstore' ;;
    tinfoil-der) echo 'FullyQualifiedName~DerCertificateTests|FullyQualifiedName~SigstoreTrustedRootTests|FullyQualifiedName~AmdChainTests|FullyQualifiedName~AmdCrlTests|FullyQualifiedName~SevSnpVerifierTests|FullyQualifiedName~SigstoreVerifierTests|FullyQualifiedName~CertificateTransparencyTests|FullyQualifiedName~TinfoilConformanceTests.SevSnpAttestation|FullyQualifiedName~TinfoilConformanceTests.Sigstore' ;;
    # The pipeline carries every REST call, so every REST test may kill its mutants (perTest coverage runs only those
    # that reach a mutant); realtime, the audio toolkit, subtitles and the generators stay out.
    http) echo 'FullyQualifiedName!~AudioSdk.Tests.Realtime&FullyQualifiedName!~AudioSdk.Tests.Audio.&FullyQualifiedName!~AudioSdk.Tests.Subtitles&FullyQualifiedName!~Tinfoil&FullyQualifiedName!~PublicApi&FullyQualifiedName!~Fuzz&FullyQualifiedName!~Mutated' ;;
    subtitles) echo '(FullyQualifiedName~AudioSdk.Tests.Subtitles|FullyQualifiedName~LongFormTests)&FullyQualifiedName!~MutatedBodies' ;;
    wav) echo '(FullyQualifiedName~WavFile|FullyQualifiedName~RealtimeWavLimits)&FullyQualifiedName!~MutatedFiles' ;;
    longform) echo 'FullyQualifiedName~AudioSdk.Tests.LongForm' ;;
    # The realtime codecs are pure and tested without a socket; the uplink and continuity stages have unit tests of
    # their own (listed first), next to suites that open real sockets and take longer per mutant. `realtime` is all of it with every realtime test: hours on a small machine.
    realtime-protocol) echo 'FullyQualifiedName~RealtimeProtocolTests|FullyQualifiedName~RealtimeCodec|FullyQualifiedName~ConversationProtocolTests|FullyQualifiedName~ConversationOutputEventsTests' ;;
    # The uplink: its unit tests, the detector's synthetic signals and the client-turn socket tests. The spoken-dictation
    # suite (espeak-ng, seconds per run) and RealtimeSessionTests (an 8 s timeout case covering the uplink's constructor)
    # are left out: with them each of the ~560 mutants costs seconds more on a small machine.
    realtime-uplink) echo 'FullyQualifiedName~UplinkStageTests|FullyQualifiedName~AudioUplinkTests|FullyQualifiedName~TurnGateTests|FullyQualifiedName~EchoGateTests|FullyQualifiedName~TurnDetectorTests|FullyQualifiedName~PacerTests|FullyQualifiedName~ClientTurnTests|FullyQualifiedName~RealtimeWavLimits' ;;
    # The uplink's conversion stages alone (no turn detection): minutes instead of the whole uplink's hour and a half.
    realtime-uplink-stages) echo 'FullyQualifiedName~UplinkStageTests|FullyQualifiedName~AudioUplinkTests|FullyQualifiedName~PacerTests|FullyQualifiedName~ClientTurnTests|FullyQualifiedName~RealtimeWavLimits' ;;
    realtime-turns) echo 'FullyQualifiedName~TurnDetectorTests|FullyQualifiedName~EchoGateTests|FullyQualifiedName~TurnGateTests|FullyQualifiedName~ClientTurnTests' ;;
    realtime-continuity) echo 'FullyQualifiedName~ReplayLogTests|FullyQualifiedName~ConversationHistoryTests|FullyQualifiedName~ReconnectTests|FullyQualifiedName~ReconnectItemIdTests|FullyQualifiedName~ConversationResumeTests|FullyQualifiedName~KeyedWaitersTests' ;;
    realtime) echo 'FullyQualifiedName~AudioSdk.Tests.Realtime&FullyQualifiedName!~Fuzz' ;;
  esac
}

# Stryker attributes coverage to the test running at the time, so xunit runs one test at a time under it (the test
# project copies xunit.serial.json as its runner config when this is set); with parallel tests a mutant can be credited
# to the wrong test, and the one that would kill it is never run.
export AUDIOSDK_SERIAL_TESTS=true

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(security tinfoil http subtitles wav longform)
for target in "${targets[@]}"; do
  out="$root/StrykerOutput/$target"
  mkdir -p "$out"
  cat > "$out/stryker-config.json" <<JSON
{
  "stryker-config": {
    "project": "AudioSdk.csproj",
    "target-framework": "net10.0",
    "configuration": "Release",
    "mutate": [ $(mutate_of "$target") ],
    "test-case-filter": "$(filter_of "$target")",
    "coverage-analysis": "perTest",
    "ignore-methods": [ "ConfigureAwait" ],
    "concurrency": ${STRYKER_CONCURRENCY:-1},
    "reporters": [ "json", "html", "progress", "cleartext" ],
    "thresholds": { "high": 80, "low": 60, "break": 0 }
  }
}
JSON
  echo "== mutating $target"
  (cd "$root/tests/AudioSdk.Tests" && "$tools/dotnet-stryker" --config-file "$out/stryker-config.json" --output "$out")
done
