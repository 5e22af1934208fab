using System.Reflection;
using System.Xml.Linq;

namespace GpuRnn.Tests;

public class PublicApiTests
{
    /// <summary>Every public type of the library carries an XML summary in the documentation file it ships.</summary>
    [Fact]
    public void Every_public_type_has_xml_docs()
    {
        foreach (var assembly in new[] { typeof(TrainingRun).Assembly, typeof(GpuRnn.Kernels.KernelsAssembly).Assembly })
        {
            string xml = Path.ChangeExtension(assembly.Location, ".xml");
            Assert.True(File.Exists(xml), $"{xml} is missing");
            var documented = XDocument.Load(xml).Descendants("member")
                .Where(m => m.Element("summary") is { } s && s.Value.Trim().Length > 0)
                .Select(m => (string)m.Attribute("name")!).ToHashSet();
            var missing = assembly.GetExportedTypes()
                .Select(t => "T:" + t.FullName!.Replace('+', '.'))
                .Where(name => !documented.Contains(name.Split('`')[0]) && !documented.Contains(name))
                .ToList();
            Assert.True(missing.Count == 0, "public types without a summary: " + string.Join(", ", missing));
        }
    }

    /// <summary>The README's C# example, verbatim in spirit: the tutorial in a few lines of the public API.</summary>
    [Fact]
    public void The_tutorial_in_a_few_lines_of_csharp()
    {
        var job = new TrainingRun(SunspotsDataset.Load(), ModelSpec.Tutorial, new WindowingOptions(), new TrainingOptions { Seed = 1 });
        var result = job.Run(epoch => Assert.True(epoch.Loss > 0));
        // One seed may land anywhere in Keras's spread over seeds (test RMSE up to 0.27 over 300 seeds; seed 18 is a slow
        // one here at 0.18): the band of the median is TutorialTrainingTests' concern; here the API must train and report.
        Assert.InRange(result.TrainRmse, 0.01, 0.3);
        Assert.InRange(result.TestRmse, 0.01, 0.3);
        Assert.True(result.History.Epochs[^1].Loss < result.History.Epochs[0].Loss, "the loss should fall");
        Assert.Equal(result.TestRmse * 253.8, result.TestRmseOriginal, 1e-3);
    }

    /// <summary>Code written against the old name still builds and trains the same.</summary>
    [Fact]
    public void The_old_name_ForecastJob_still_trains_as_TrainingRun()
    {
        var options = new GpuRnn.Training.TrainingOptions { Epochs = 2 };
        var data = GpuRnn.Training.Data.SunspotsDataset.Load();
#pragma warning disable CS0618 // the obsolete alias is what this test is about
        var old = new GpuRnn.Training.ForecastJob(data, GpuRnn.Training.Model.ModelSpec.Tutorial, new(), options, GpuRnn.Training.Engines.EngineKind.Scalar).Run();
#pragma warning restore CS0618
        var renamed = new GpuRnn.Training.TrainingRun(data, GpuRnn.Training.Model.ModelSpec.Tutorial, new(), options, GpuRnn.Training.Engines.EngineKind.Scalar).Run();
        Assert.Equal(renamed.Parameters, old.Parameters);
    }
}
