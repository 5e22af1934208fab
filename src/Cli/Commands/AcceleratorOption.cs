using System.CommandLine;
using GpuRnn.Training.Engines;

namespace GpuRnn.Cli.Commands;

/// <summary><c>--accelerator auto|cuda|opencl|cpu|fast|scalar</c>: which engine trains (names in any case).</summary>
static class AcceleratorOption
{
    static readonly Dictionary<string, EngineKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["auto"] = EngineKind.Auto,
        ["cuda"] = EngineKind.Cuda,
        ["opencl"] = EngineKind.OpenCL,
        ["cpu"] = EngineKind.Cpu,
        ["fast"] = EngineKind.Fast,
        ["scalar"] = EngineKind.Scalar,
    };

    public static Option<string> Create()
    {
        var option = new Option<string>("--accelerator")
        {
            Description = "auto (CUDA, else an OpenCL GPU, else the fast CPU engine), cuda, opencl, cpu (ILGPU's CPU accelerator, a simulator), fast (multi-threaded SIMD CPU engine) or scalar (the reference engine)",
            DefaultValueFactory = _ => "auto",
        };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0) return; // the default
            string text = r.Tokens[^1].Value;
            if (!Kinds.ContainsKey(text.Trim())) r.AddError($"--accelerator takes one of {string.Join(", ", Kinds.Keys)} (got '{text}')");
        });
        return option;
    }

    public static EngineKind Parse(string text) => Kinds[text.Trim()];
}
