namespace AudioSdk.Realtime.Protocol;

/// <summary>What a driver asks a codec to write; the codec alone knows the wire names.</summary>
internal enum ClientCommand
{
    /// <summary>The session configuration (<c>session.update</c>).</summary>
    Configure,

    /// <summary>One chunk of wire-rate PCM16.</summary>
    Append,

    /// <summary>The start of an utterance (native dialect only).</summary>
    StartTurn,

    /// <summary>The end of an utterance.</summary>
    Commit,

    /// <summary>Discard the utterance under way.</summary>
    Clear,

    /// <summary>A conversation dialect command; what it is comes with it (a <see cref="ConversationCommand"/>).</summary>
    Conversation,
}
