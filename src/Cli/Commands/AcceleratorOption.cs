namespace GpuRnn.Cli.Commands;

/// <summary><c>--accelerator auto|cuda|opencl|simd|ilgpu-cpu|scalar</c> (names in any case; <c>fast</c> and <c>cpu</c> still work).</summary>
static class AcceleratorOption
{
    public static Option<string> Create()
    {
        var option = new Option<string>("--accelerator")
        {
            Description = string.Join("; ", new[] { EngineKind.Auto, EngineKind.Cuda, EngineKind.OpenCL, EngineKind.Simd, EngineKind.IlgpuCpu, EngineKind.Scalar }
                .Select(k => $"{EngineNames.Of(k)}: {EngineNames.Meaning(k)}")) + $". Old names: fast = simd, cpu = ilgpu-cpu",
            DefaultValueFactory = _ => "auto",
        };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0) return; // the default
            string text = r.Tokens[^1].Value;
            if (EngineNames.Parse(text) is null) r.AddError($"--accelerator takes one of {EngineNames.Choices} (got '{text}')");
        });
        return option;
    }

    public static EngineKind Parse(string text) => EngineNames.Parse(text) ?? throw new ArgumentException($"not an accelerator: {text}");
}
