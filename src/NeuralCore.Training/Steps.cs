using NeuralCore.NN;

namespace NeuralCore.Training;

/// <summary>What one training or evaluation step computed: the loss to minimise, and the output and target that metrics read.</summary>
/// <param name="Loss">A scalar, the mean over the batch (the step's <c>Backward</c> starts here).</param>
/// <param name="Output">The model's output as the metrics read it, e.g. logits (N, C).</param>
/// <param name="Target">The target as the metrics read it, e.g. class indices (N).</param>
public readonly record struct StepOutput(Tensor Loss, Tensor Output, Tensor Target);

/// <summary>One step's forward: the batch (already on the trainer's device) through the model to the loss.</summary>
public delegate StepOutput TrainingStep(Module model, Tensor input, Tensor target);

/// <summary>The built-in steps.</summary>
public static class Steps
{
    /// <summary><c>criterion(model(x), y)</c>: logits (N, C) against class indices (N) or probabilities.</summary>
    public static TrainingStep Classification(Loss criterion)
    {
        ArgumentNullException.ThrowIfNull(criterion);
        return (model, input, target) =>
        {
            var output = model.Call(input);
            return new StepOutput(criterion.Forward(output, target), output, target);
        };
    }

    /// <summary>
    /// A language model's step: logits (…, V) for every position against next-token indices (…), both flattened to
    /// (N·L, V) and (N·L) as word_language_model does, so metrics count every position.
    /// </summary>
    public static TrainingStep LanguageModel(Loss criterion)
    {
        ArgumentNullException.ThrowIfNull(criterion);
        return (model, input, target) =>
        {
            var output = model.Call(input);
            var logits = output.Reshape(-1, output.Size(-1));
            var flat = target.Reshape(-1);
            return new StepOutput(criterion.Forward(logits, flat), logits, flat);
        };
    }
}
