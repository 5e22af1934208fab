namespace GpuRnn.Cli.Commands;

/// <summary>
/// <c>--model FILE</c>: a gpurnn model, or a Keras <c>get_weights()</c> JSON list, for which the activations and the
/// window length (which a weight list cannot carry) come from the options here.
/// </summary>
sealed class SavedModelOptions
{
    public Option<string> Model { get; } = new("--model") { Description = "a model from 'gpurnn train --save', a Keras get_weights() JSON list, or with --id a bundle from 'gpurnn train-many --out' (models.zip or its folder)", Required = true, HelpName = "FILE" };
    public Option<string?> Id { get; } = new("--id") { Description = "the series whose model to read from a train-many bundle", HelpName = "ID" };
    public Option<string> Activation { get; } = new("--activation") { Description = "for a Keras weight list: the SimpleRNN activation", DefaultValueFactory = _ => "tanh" };
    public Option<string> OutputActivation { get; } = new("--output-activation") { Description = "for a Keras weight list: the Dense activation", DefaultValueFactory = _ => "tanh" };
    public Option<int> TimeSteps { get; } = new("--time-steps") { Description = "for a Keras weight list: the window length", DefaultValueFactory = _ => 12 };
    public Option<double?> ScalerMin { get; } = new("--scaler-min") { Description = "for a Keras weight list: the value the training data's minimum was scaled to 0 from (default: the series' own)", HelpName = "X" };
    public Option<double?> ScalerMax { get; } = new("--scaler-max") { Description = "for a Keras weight list: the value scaled to 1 (default: the series' own maximum)", HelpName = "X" };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Model, Id, Activation, OutputActivation, TimeSteps, ScalerMin, ScalerMax }) command.Options.Add(o);
    }

    /// <summary>The files a command on this model reads, for its <see cref="FilePlan"/>: the model, and the series
    /// (<paramref name="data"/>'s, or the file the model remembers).</summary>
    public FilePlan Plan(ParseResult result, DataOptions data, SavedModel saved) =>
        new FilePlan().Input("--model", ModelPath(result)).Input("--data", result.GetValue(data.Data) ?? saved.DataPath);

    /// <summary>The model file read: the bundle itself (not its folder) with --id.</summary>
    string ModelPath(ParseResult result) => result.GetValue(Id) is null ? result.GetValue(Model)! : ModelBundle.Resolve(result.GetValue(Model)!);

    /// <summary>
    /// The columns the model runs on: those the options name (as many inputs as the model has features), else the
    /// model's own, read from <c>--data</c> or else the model's data, with the model's dates; each scaled by the
    /// model's scalers. A Keras weight list carries none: <c>--scaler-min/--scaler-max</c> give its one column's, or
    /// else each column is fitted on all its values as the tutorial does, and <c>Warning</c> says so in one line, for
    /// the command to write once its input has passed every check (a refused input stays one line).
    /// </summary>
    public (ModelColumns Columns, string? Warning) ColumnsFor(ParseResult result, DataOptions data, SavedModel saved)
    {
        string path = result.GetValue(Model)!;
        if (saved.Series is { } key) return (OneOfMany(result, data, saved, key), null);
        var given = Given(result, saved);
        var own = saved.ColumnNames(CsvSeriesReader.DefaultColumn);
        var choice = data.Choice(result) ?? (own is { } names ? new ColumnChoice(names.Inputs, names.Target, "the model")
            : throw new GpuRnnInputException($"{path} reads {saved.Spec.Features} features per step and names no columns: give them with --features A,B,… and --target C"));
        if (choice.Inputs.Count != saved.Spec.Features)
            throw new GpuRnnInputException($"{choice.Asked} names {choice.Inputs.Count} input column(s) but {path} reads {saved.Spec.Features} per step"
                + $"{(own is { } o ? $" ({string.Join(", ", o.Inputs)} → target {o.Target})" : "")}; name as many with --features");
        var (inputs, target) = data.LoadColumns(result, choice, saved.DataPath, saved.DateOptions);
        bool oneColumn = inputs.Count == 1 && inputs[0].Name == target.Name;
        if (saved.Scaler is not null) return (saved.Scale(inputs, target), null);
        if (given is { } scaler)
            return oneColumn ? (ModelColumns.Of(target, scaler), null) : throw ScalerForOneColumn(path, $"reads column '{inputs[0].Name}' to predict '{target.Name}'");
        var fitted = saved.Scale(inputs, target);
        return (fitted, oneColumn
            ? $"gpurnn: warning: {path} is a Keras weight list, which carries no scaler: the series is scaled by its own minimum and maximum over all "
                + $"{target.Length} values ({Figures.Exact(fitted.TargetScaler.Min)} to {Figures.Exact(fitted.TargetScaler.Max)}); give --scaler-min and --scaler-max to scale as the model was trained"
            : $"gpurnn: warning: {path} is a Keras weight list, which carries no scalers: each of its columns ({DataOptions.Describe(inputs, target)}) is scaled by "
                + $"its own minimum and maximum over all {target.Length} values, which is how the model was trained only if it was trained on all of them");
    }

    /// <summary>The scaler <c>--scaler-min/--scaler-max</c> give, checked before the series is read.</summary>
    MinMaxScaler? Given(ParseResult result, SavedModel saved)
    {
        double? min = result.GetValue(ScalerMin), max = result.GetValue(ScalerMax);
        if (min is null && max is null) return null;
        if (saved.Scaler is not null) throw new GpuRnnInputException($"{result.GetValue(Model)} carries its own scaler; --scaler-min and --scaler-max are for a Keras weight list");
        if (saved.Spec.Features > 1) throw ScalerForOneColumn(result.GetValue(Model)!, $"reads {saved.Spec.Features} input columns");
        if (min is not { } lo || max is not { } hi) throw new GpuRnnInputException("give both --scaler-min and --scaler-max");
        if (!double.IsFinite(lo) || !double.IsFinite(hi) || !(lo < hi)) throw new GpuRnnInputException($"--scaler-min must be a number below --scaler-max (got {lo} and {hi})");
        return new MinMaxScaler(lo, hi);
    }

    /// <summary>
    /// --scaler-min/--scaler-max are one scaler, for the tutorial's one column; a Keras weight list over several
    /// columns would need one per column, which no option gives.
    /// </summary>
    static GpuRnnInputException ScalerForOneColumn(string path, string what) =>
        new($"--scaler-min and --scaler-max scale a model whose one input column is its target, but {path} {what}: leave them out to scale each column by its own minimum and maximum");

    /// <summary>A long file's series the model learnt (<c>train-many --id-column</c>): its rows found again by id, scaled by the model's scaler.</summary>
    static ModelColumns OneOfMany(ParseResult result, DataOptions data, SavedModel saved, SeriesKey key)
    {
        string file = result.GetValue(data.Data) ?? saved.DataPath
            ?? throw new GpuRnnInputException($"the model of series '{key.Id}' names no data file: give it with --data");
        if (data.Choice(result) is not null) throw new GpuRnnInputException($"the model of series '{key.Id}' reads column '{saved.Column}' of the rows whose '{key.IdColumn}' is '{key.Id}': --column, --features and --target do not apply");
        var many = SeriesFile.ReadFile(file, new SeriesFileOptions(key.IdColumn, saved.Column, data.Dates(result, saved.DateOptions)));
        var series = many.Series.FirstOrDefault(s => s.Name == key.Id)
            ?? throw new GpuRnnInputException(many.Skipped.FirstOrDefault(s => s.Id == key.Id) is { } skipped
                ? $"{file}: series '{key.Id}': {skipped.Reason}" : $"{file}: no rows of series '{key.Id}' in column '{key.IdColumn}'");
        return saved.Scale([series], series);
    }

    public SavedModel Load(ParseResult result)
    {
        string path = result.GetValue(Model)!;
        if (result.GetValue(Id) is { } id) return ModelBundle.Load(path, id);
        if (ModelBundle.IsBundle(path))
        {
            var ids = ModelBundle.Ids(path);
            throw new GpuRnnInputException($"{ModelBundle.Resolve(path)} is a bundle of {ids.Count} series' models: choose one with --id ({string.Join(", ", ids.Take(5))}{(ids.Count > 5 ? ", …" : "")})");
        }
        return ModelFile.Load(path, new ModelFile.KerasDefaults(
            ActivationNames.Parse(result.GetValue(Activation)!), ActivationNames.Parse(result.GetValue(OutputActivation)!), result.GetValue(TimeSteps)));
    }

}
