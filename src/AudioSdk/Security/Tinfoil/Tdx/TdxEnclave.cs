namespace AudioSdk.Security.Tinfoil.Tdx;

/// <summary>A verified TDX enclave: the verification, its registers (MRTD, RTMR0..3) and the keys its REPORT_DATA binds.</summary>
internal sealed record TdxEnclave(TdxVerification Verification, Measurement Measurement, TlsPin TlsPin, byte[] HpkePublicKey);
