namespace AudioSdk.Testing.Internal;

/// <summary>
/// The test server's voice activity detection for the OpenAI dialects' server VAD: 20 ms frames above -40 dBFS are
/// speech; speech starts at the first such frame (reported with the prefix padding taken off) and stops after the
/// silence duration. Positions are milliseconds of all audio appended on the connection. Deliberately simpler than
/// the SDK's client-side detector: the server is an independent oracle, not a copy.
/// </summary>
internal sealed class ServerVad(int rate, int silenceMs, int prefixMs)
{
    private readonly MemoryStream _frame = new();
    private bool _speaking;
    private int _silentFrames;
    private long _lastActiveSample;
    private long _samples;

    public bool Speaking => _speaking;

    /// <summary>Feeds audio; returns what happened in it, in order (start ms, or stop ms as a negative-free pair).</summary>
    public List<(bool Started, int Ms)> Feed(byte[] audio)
    {
        var events = new List<(bool, int)>();
        var frameBytes = rate / 50 * 2;
        _frame.Write(audio);
        var data = _frame.GetBuffer();
        var offset = 0;
        while (_frame.Length - offset >= frameBytes)
        {
            double sum = 0;
            for (var i = 0; i < frameBytes; i += 2)
            {
                var s = BitConverter.ToInt16(data, offset + i) / 32768.0;
                sum += s * s;
            }

            offset += frameBytes;
            var frameStart = _samples;
            _samples += frameBytes / 2;
            if (Math.Sqrt(sum / (frameBytes / 2)) > 0.01)
            {
                _silentFrames = 0;
                _lastActiveSample = _samples;
                if (!_speaking)
                {
                    _speaking = true;
                    events.Add((true, Math.Max(0, (int)(frameStart * 1000 / rate) - prefixMs)));
                }
            }
            else if (_speaking && ++_silentFrames * 20 >= silenceMs)
            {
                _speaking = false;
                events.Add((false, (int)(_lastActiveSample * 1000 / rate)));
            }
        }

        var rest = data.AsSpan(offset, (int)_frame.Length - offset).ToArray();
        _frame.SetLength(0);
        _frame.Write(rest);
        return events;
    }
}
