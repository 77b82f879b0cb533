namespace AudioSdk.Internal.Http;

/// <summary>A token source cancelled by the caller's token or by its own timeout; disposing it frees both.</summary>
internal sealed class LinkedTimeout : CancellationTokenSource
{
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenRegistration _timeoutRegistration;
    private readonly CancellationTokenRegistration _callerRegistration;

    public LinkedTimeout(CancellationTokenSource timeout, CancellationToken caller)
    {
        _timeout = timeout;
        _timeoutRegistration = timeout.Token.UnsafeRegister(static s => ((LinkedTimeout)s!).TryCancel(), this);
        _callerRegistration = caller.UnsafeRegister(static s => ((LinkedTimeout)s!).TryCancel(), this);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timeoutRegistration.Dispose();
            _callerRegistration.Dispose();
            _timeout.Dispose();
        }

        base.Dispose(disposing);
    }

    private void TryCancel()
    {
        try
        {
            Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
