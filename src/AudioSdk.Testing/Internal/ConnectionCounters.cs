using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace AudioSdk.Testing.Internal;

/// <summary>Counts connections and the application bytes they carry, below HTTP and above TLS.</summary>
internal sealed class ConnectionCounters
{
    private long _bytes;
    private int _connections;

    public long Bytes => Interlocked.Read(ref _bytes);

    public int Connections => Volatile.Read(ref _connections);

    public Task RunAsync(ConnectionContext context, ConnectionDelegate next)
    {
        Interlocked.Increment(ref _connections);
        context.Transport = new CountingPipe(context.Transport, this);
        return next(context);
    }

    private sealed class CountingPipe(IDuplexPipe inner, ConnectionCounters counters) : IDuplexPipe
    {
        public PipeReader Input { get; } = new CountingReader(inner.Input, counters);

        public PipeWriter Output => inner.Output;
    }

    private sealed class CountingReader(PipeReader inner, ConnectionCounters counters) : PipeReader
    {
        private ReadOnlySequence<byte> _last;

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            Interlocked.Add(ref counters._bytes, _last.Slice(0, consumed).Length);
            inner.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var result = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
            _last = result.Buffer;
            return result;
        }

        public override bool TryRead(out ReadResult result)
        {
            var read = inner.TryRead(out result);
            if (read)
            {
                _last = result.Buffer;
            }

            return read;
        }

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}
