namespace AudioSdk.Cli.Batch;

/// <summary>Hears about a batch as it runs: progress bars on a terminal, lines otherwise, nothing with <c>--json</c>.</summary>
internal interface IBatchObserver
{
    void BatchStarted(int files);

    void FileStarted(BatchItem item, FileProbe probe);

    void FileProgress(BatchItem item, double fraction);

    void FileFinished(BatchResult result);
}
