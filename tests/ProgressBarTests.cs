using GpuRnn.Cli.Commands;

namespace GpuRnn.Tests;

/// <summary>The progress bar on a stand-in terminal: how full it is, the time so far and the estimate of the rest, and that clearing erases it.</summary>
public sealed class ProgressBarTests
{
    [Fact]
    public void The_bar_shows_the_time_so_far_and_an_estimate_of_the_rest()
    {
        var terminal = new StringWriter();
        using var progress = Progress.OnTerminal(terminal);
        progress.Bar(0.25, "epoch 5/20, batch 10/187", TimeSpan.FromSeconds(10));
        // A quarter done in 10 s: three quarters left at the same pace, 30 s.
        Assert.Equal("[######..................] epoch 5/20, batch 10/187  0:10 elapsed, about 0:30 left", terminal.ToString());
    }

    [Fact]
    public void An_hour_reads_as_hours_and_a_finished_bar_has_no_estimate()
    {
        var terminal = new StringWriter();
        using var progress = Progress.OnTerminal(terminal);
        progress.Bar(0.5, "half", TimeSpan.FromMinutes(75));
        Assert.EndsWith("half  1:15:00 elapsed, about 1:15:00 left", terminal.ToString());
        progress.Bar(1, "done", TimeSpan.FromSeconds(7));
        Assert.EndsWith("[########################] done  0:07 elapsed", terminal.ToString());
    }

    [Fact]
    public void Clearing_erases_the_line_and_an_interrupt_finds_nothing_left_to_erase()
    {
        var terminal = new StringWriter();
        var progress = Progress.OnTerminal(terminal);
        progress.Show("reading…");
        Progress.ClearLive(); // what an interrupt does before its message
        Assert.EndsWith("\r        \r", terminal.ToString());
        int length = terminal.ToString().Length;
        progress.Clear();
        Progress.ClearLive();
        Assert.Equal(length, terminal.ToString().Length); // nothing shown, nothing written
    }

    [Fact]
    public void Captured_output_gets_no_bar()
    {
        var captured = new StringWriter();
        using var progress = Progress.For(captured); // not the process's stderr: a file, a pipe, a test
        progress.Bar(0.5, "half", TimeSpan.FromSeconds(1));
        Assert.False(progress.IsLive);
        Assert.Equal("", captured.ToString());
    }
}
