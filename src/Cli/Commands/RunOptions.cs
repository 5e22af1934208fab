namespace GpuRnn.Cli.Commands;

/// <summary>
/// How a series is windowed and a model trained: the options <c>train</c> and <c>train-many</c> share, declared once.
/// </summary>
sealed class RunOptions
{
    public Option<int> TimeSteps { get; } = new("--time-steps") { Description = "window length (the tutorial's time_steps)", DefaultValueFactory = _ => 12 };
    public Option<int?> Stride { get; } = new("--stride") { Description = "distance between consecutive targets (default: the window length, i.e. non-overlapping windows as the tutorial)" };
    public Option<double> Split { get; } = new("--split") { Description = "fraction of the series used for training: split = floor(n · fraction)", DefaultValueFactory = _ => 0.8 };
    public Option<ScaleFit> ScaleOn { get; } = new("--scale-on") { Description = "fit the MinMax scaler on 'all' of the series (the tutorial) or on the 'train' part only", DefaultValueFactory = _ => ScaleFit.All };
    public Option<int> Epochs { get; } = new("--epochs") { Description = "passes over the training windows", DefaultValueFactory = _ => 20 };
    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "windows per gradient step", DefaultValueFactory = _ => 1 };
    public Option<float> LearningRate { get; } = new("--learning-rate", "--lr") { Description = "Adam's learning rate", DefaultValueFactory = _ => 1e-3f };
    public Option<int> Seed { get; } = new("--seed") { Description = "seed of the initial weights and of the shuffling", DefaultValueFactory = _ => 1 };
    public Option<bool> NoShuffle { get; } = new("--no-shuffle") { Description = "visit the windows in order every epoch" };
    public Option<double> ValidationSplit { get; } = new("--validation-split") { Description = "hold out this fraction of the training windows (the last ones, before shuffling) to validate each epoch, as Keras's validation_split" };
    public Option<int?> EarlyStopping { get; } = new("--early-stopping") { Description = "stop after this many epochs without a better validation (else training) loss, and keep the best epoch's weights", HelpName = "PATIENCE" };

    /// <summary>The windowing options, in help order.</summary>
    public Option[] Windowing => [TimeSteps, Stride, Split, ScaleOn];

    /// <summary>The training options, in help order.</summary>
    public Option[] Training => [Epochs, BatchSize, LearningRate, Seed, NoShuffle];

    /// <summary>Validation and early stopping, in help order.</summary>
    public Option[] Validation => [ValidationSplit, EarlyStopping];

    public WindowingOptions WindowingOf(ParseResult result) =>
        new(result.GetValue(TimeSteps), result.GetValue(Stride), result.GetValue(Split), result.GetValue(ScaleOn));

    public TrainingOptions TrainingOf(ParseResult result) => new TrainingOptions
    {
        Epochs = result.GetValue(Epochs),
        BatchSize = result.GetValue(BatchSize),
        Shuffle = !result.GetValue(NoShuffle),
        Seed = result.GetValue(Seed),
        Adam = new AdamOptions(result.GetValue(LearningRate)),
        ValidationSplit = result.GetValue(ValidationSplit),
        EarlyStoppingPatience = result.GetValue(EarlyStopping),
    }.Validated();
}
