namespace AudioSdk.Security.Tinfoil;

/// <summary>A published hardware platform measurement (TDX MRTD and RTMR0), identified by name.</summary>
internal sealed record HardwareMeasurement(string Id, string Mrtd, string Rtmr0)
{
    /// <summary>Finds the first platform whose MRTD and RTMR0 equal the enclave's (TDX only).</summary>
    /// <exception cref="AttestationException">The enclave measurement is not TDX, or no platform matches.</exception>
    public static HardwareMeasurement Match(Measurement enclave, IEnumerable<HardwareMeasurement> platforms)
    {
        if (enclave.Type != Measurement.TdxGuestV2)
        {
            throw Reject.With(AttestationStage.Measurement, "ENCLAVE_MEASUREMENT_TYPE_INVALID",
                "hardware platforms are matched against a TDX measurement only");
        }

        if (enclave.Registers.Count != 5)
        {
            throw Reject.With(AttestationStage.Measurement, "ENCLAVE_REGISTER_COUNT_INVALID",
                $"a TDX measurement has 5 registers, not {enclave.Registers.Count}");
        }

        foreach (var platform in platforms)
        {
            if (string.Equals(platform.Mrtd, enclave.Registers[0], StringComparison.OrdinalIgnoreCase) &&
                string.Equals(platform.Rtmr0, enclave.Registers[1], StringComparison.OrdinalIgnoreCase))
            {
                return platform with { Mrtd = Hex.Normalize(platform.Mrtd), Rtmr0 = Hex.Normalize(platform.Rtmr0) };
            }
        }

        throw Reject.With(AttestationStage.Measurement, "HARDWARE_NO_MATCH",
            "no published hardware platform has the enclave's MRTD and RTMR0");
    }
}
