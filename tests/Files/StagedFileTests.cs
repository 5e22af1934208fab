using GpuRnn.Training.Files;

namespace GpuRnn.Tests.Files;

/// <summary>
/// Runs alone: the interrupt handler removes every temporary of the process, which in this test process would include
/// those of CLI runs in other tests running at the same time (a real gpurnn process runs one command).
/// </summary>
[CollectionDefinition(nameof(InterruptHandler), DisableParallelization = true)]
public sealed class InterruptHandler;

[Collection(nameof(InterruptHandler))]
public sealed class InterruptHandlerTests
{
    [Fact]
    public void An_interrupt_handler_removes_the_temporary_being_written()
    {
        using var dir = new TempDir();
        string path = dir.File("m.json");
        Assert.Throws<OperationCanceledException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100]);
            stream.Flush();
            Assert.Single(Directory.GetFiles(dir.Path, ".m.json.*.tmp"));
            StagedFile.DeleteLiveTemporaries(); // what the CLI's SIGINT/SIGTERM handler calls before exiting
            Assert.Empty(Directory.GetFiles(dir.Path));
            throw new OperationCanceledException();
        }));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}

/// <summary>The staging underneath every output: temporaries removed on interrupt, never left to pile up.</summary>
public class StagedFileTests
{
    [Fact]
    public void Temporaries_of_a_process_that_is_gone_are_removed_by_the_next_write()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("process liveness is read from /proc");
        using var dir = new TempDir();
        int gone = Enumerable.Range(4_000_000, 1000).First(pid => !Directory.Exists($"/proc/{pid}"));
        File.WriteAllText(dir.File($".m.json.{gone}.tmp"), "left by a killed run");
        File.WriteAllText(dir.File($".m.json.{Environment.ProcessId}x.tmp"), "not ours: not a pid");
        AtomicFile.WriteAllText(dir.File("m.json"), "new");
        Assert.Equal([".m.json." + Environment.ProcessId + "x.tmp", "m.json"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_kept_output_stays_when_the_rest_of_the_set_is_abandoned()
    {
        using var dir = new TempDir();
        using (var outputs = new FilePlan().Output("--csv", dir.File("s.csv")).Output("--save-best", dir.File("b.json")).Check())
        {
            outputs.Keep(dir.File("s.csv"), s => s.Write("results"u8));
            outputs.WriteAllText(dir.File("b.json"), "best");
            // no Commit: the command failed after its results were kept
        }
        Assert.Equal(["s.csv"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }
}
