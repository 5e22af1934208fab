namespace GpuRnn.Tests;

/// <summary>Output files appear whole or not at all.</summary>
public class AtomicFileTests
{
    [Fact]
    public void A_write_that_fails_midway_leaves_the_old_file_and_no_temporary()
    {
        using var dir = new TempDir();
        string path = dir.File("model.json");
        File.WriteAllText(path, "the previous, complete model");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[4096]);
            stream.Flush();
            throw new InvalidOperationException("interrupted");
        }));

        Assert.Equal("the previous, complete model", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_write_that_fails_before_the_first_file_leaves_nothing()
    {
        using var dir = new TempDir();
        string path = dir.File("plot.png");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, _ => throw new InvalidOperationException("interrupted")));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_complete_write_replaces_the_file_in_one_step()
    {
        using var dir = new TempDir();
        string path = dir.File("sweep.csv");
        File.WriteAllText(path, "old");
        AtomicFile.WriteAllText(path, "new,complete\n");
        Assert.Equal("new,complete\n", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_missing_folder_is_bad_input()
    {
        var e = Assert.Throws<GpuRnnInputException>(() => AtomicFile.WriteAllText("/no/such/folder/x.csv", "x"));
        Assert.Contains("does not exist", e.Message);
    }
}
