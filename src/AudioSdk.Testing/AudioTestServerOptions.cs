namespace AudioSdk.Testing;

/// <summary>How an <see cref="AudioTestServer"/> behaves.</summary>
public sealed class AudioTestServerOptions
{
    /// <summary>When set, requests must carry <c>Authorization: Bearer</c> with this key, else 401 <c>invalid_api_key</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The server's clock: expiry of the ephemeral realtime keys it issues. Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Headers sent with every answer (a router's <c>X-Tresor-Routed-Model</c>, for example).</summary>
    public IDictionary<string, string> ResponseHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Uploads up to this size are kept in <see cref="ReceivedAudio.Bytes"/>. Default 16 MiB.</summary>
    public long MaxCapturedFileBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The longest segment of the generated transcripts. Default 10 seconds.</summary>
    public TimeSpan SegmentLength { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The sample rate of generated speech. Default 24000.</summary>
    public int SpeechSampleRate { get; set; } = 24000;

    /// <summary>
    /// When set, the server speaks HTTPS (and WSS) with this certificate. It is read for every handshake, so a
    /// test can change it while the server runs (a server changing its key).
    /// </summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; set; }

    /// <summary>Answer every request with <c>Connection: close</c>, so each request opens a new connection (and, with TLS, a new
    /// handshake).</summary>
    public bool CloseConnectionAfterEachResponse { get; set; }

    /// <summary>How the OpenAI realtime dialect behaves: as OpenAI (default) or as Tinfoil serves it.</summary>
    public RealtimeServerFlavor RealtimeFlavor { get; set; } = RealtimeServerFlavor.OpenAI;

    /// <summary>
    /// How late the native realtime dialect answers a final commit (its deltas and <c>transcription.done</c>), as a slow
    /// model would; the connection's other utterances are not held up. Default zero.
    /// </summary>
    public TimeSpan RealtimeTranscriptDelay { get; set; }

    /// <summary>Models the native realtime dialect accepts in <c>session.update</c>; others get <c>model_not_found</c>.</summary>
    public ISet<string> RealtimeModels { get; } = new HashSet<string> { "voxtral-mini-4b-realtime", "whisper-large-v3-turbo" };

    /// <summary>Models that open OpenAI's conversational realtime dialect on <c>/v1/realtime?model=</c> (voice agents).</summary>
    public ISet<string> ConversationModels { get; } = new HashSet<string> { "gpt-realtime", "gpt-realtime-mini", "gpt-4o-realtime-preview",
        "gpt-4o-mini-realtime-preview" };

    /// <summary>The pause between the deltas of a conversation response (default 2 ms), so a client can cancel in the middle.</summary>
    public TimeSpan ConversationDeltaInterval { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Models listed by <c>GET /v1/models</c>, with what each is recommended for (<c>stt</c> or <c>tts</c>).</summary>
    public IDictionary<string, string> Models { get; } = new Dictionary<string, string>
    {
        ["whisper-1"] = "stt",
        ["gpt-4o-transcribe"] = "stt",
        ["whisper-large-v3-turbo"] = "stt",
        ["tts-1"] = "tts",
        ["gpt-4o-mini-tts"] = "tts",
    };

    /// <summary>
    /// When set, <c>GET /.well-known/tinfoil-attestation?nonce=...</c> answers with the bytes this returns for the
    /// request's nonce (hex; empty when absent): a captured document, or one built for the nonce.
    /// </summary>
    public Func<string, byte[]>? AttestationDocument { get; set; }

    /// <summary>
    /// Speak EHBP (encrypted HTTP bodies) as a Tinfoil enclave does: serve <c>/.well-known/hpke-keys</c>, open request
    /// bodies sealed to the server's HPKE key (<see cref="AudioTestServer.HpkePublicKey"/>) and seal every answer to them.
    /// Plaintext requests are still answered in plaintext. Pair it with <see cref="Certificate"/> and give the client
    /// <c>new StaticPinAttestor([pin], server.HpkePublicKey)</c>.
    /// </summary>
    public bool Ehbp { get; set; }

    /// <summary>
    /// Serve Tinfoil attestation bundles as Tinfoil's attestation service does (<c>GET /attestation</c>, and the AMD CRL at
    /// <c>/vcek/v1/Genoa/crl</c>), on a synthetic AMD chain: the bundle binds <see cref="Certificate"/>'s key and the EHBP
    /// key, so it needs both <see cref="Certificate"/> and <see cref="Ehbp"/>. Get a client-side attestor that trusts the
    /// synthetic chain (and nothing else) from <see cref="AudioTestServer.CreateTinfoilAttestor"/>.
    /// </summary>
    public bool TinfoilBundle { get; set; }
}
