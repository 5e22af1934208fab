namespace GpuRnn.Tests;

/// <summary>The repository's README.md, for tests that run its examples as written there.</summary>
public static class Readme
{
    /// <summary>Its text, found in a folder above the test binary; the test is skipped where there is none (a packed copy of the tests).</summary>
    public static string Text()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "README.md"))) folder = folder.Parent;
        if (folder is null) Assert.Skip("no README.md above the test binary (a packed copy of the tests)");
        return File.ReadAllText(Path.Combine(folder.FullName, "README.md"));
    }
}
