using GpuRnn.Training.Data;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Sweep;

/// <summary>One model of a group: its seed (initial weights and shuffling) and its learning rate.</summary>
public readonly record struct GroupMember(int Seed, float LearningRate);

/// <summary>
/// Trains a group of models that share one shape (spec) and one training set, differing only in seed and learning
/// rate. Each member must come out as <c>Trainer.Fit</c> would train it alone (same initial weights, same
/// shuffles, same steps); implementations differ only in how many they train at once.
/// </summary>
public interface IGroupTrainer
{
    /// <summary>Names the engine and the way it batches models, e.g. "scalar, one at a time".</summary>
    string Name { get; }

    /// <summary>
    /// Whether the sweep may train several groups at the same time on other cores (CPU trainers that use one core
    /// per call); false for a one-at-a-time baseline and for an accelerator that already fills its device.
    /// </summary>
    bool TrainsGroupsConcurrently { get; }

    /// <summary>The trained weights of each member, flat in Keras order, in the members' order.</summary>
    IReadOnlyList<float[]> Train(ModelSpec spec, WindowSet train, IReadOnlyList<GroupMember> members, TrainingOptions common);
}
