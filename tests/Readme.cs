namespace GpuRnn.Tests;

/// <summary>The repository's README.md, for tests that run its examples as written there.</summary>
public static class Readme
{
    /// <summary>Its text, found in a folder above the test binary; the test is skipped where there is none (a packed copy of the tests).</summary>
    public static string Text()
    {
        // The repository's README, beside GpuRnn.sln: not any README.md a packed copy of the tests happens to sit under.
        string? root = Repository.Root();
        if (root is null) Assert.Skip("the repository (GpuRnn.sln) is not above the test binaries (a packed copy of the tests)");
        return File.ReadAllText(Path.Combine(root, "README.md"));
    }
}
