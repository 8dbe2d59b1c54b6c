namespace NeuralCore.NN;

/// <summary>
/// How a module's parameter is computed from others on every forward (torch.nn.utils' weight norm and spectral norm).
/// A rule holds only settings: it reads its tensors from the module by name, so module copies share it.
/// </summary>
internal abstract class ComputedParameterRule
{
    /// <summary>The torch.nn.utils function the rule comes from, for messages.</summary>
    public abstract string Utility { get; }

    /// <summary>Replaces the module's parameter <paramref name="name"/> (already unregistered) by what the rule computes from.</summary>
    public abstract void Attach(Module module, string name, Parameter original);

    /// <summary>The parameter's value for a forward; <paramref name="powerIteration"/> null follows the module's training mode.</summary>
    public abstract Tensor Compute(Module module, string name, bool? powerIteration = null);

    /// <summary>Unregisters what <see cref="Attach"/> registered.</summary>
    public abstract void Detach(Module module, string name);
}

/// <summary>w = g · v / ‖v‖, the norm taken over every dimension but <c>dim</c> (all of them when dim is -1), as torch._weight_norm.</summary>
internal sealed class WeightNormRule(int dim) : ComputedParameterRule
{
    public override string Utility => "weight_norm";

    public override void Attach(Module module, string name, Parameter original)
    {
        using (Autograd.NoGrad())
        using (var norm = NormExceptDim(original, dim))
            module.AddRegisteredParameter(name + "_g", new Parameter(norm));
        module.AddRegisteredParameter(name + "_v", new Parameter(original));
    }

    public override Tensor Compute(Module module, string name, bool? powerIteration = null)
    {
        var v = module.RegisteredParameter(name + "_v");
        using var norm = NormExceptDim(v, dim);
        using var scale = module.RegisteredParameter(name + "_g").Div(norm);
        return v.Mul(scale);
    }

    public override void Detach(Module module, string name)
    {
        module.RemoveRegistered(name + "_g");
        module.RemoveRegistered(name + "_v");
    }

    private static Tensor NormExceptDim(Tensor v, int dim)
    {
        if (dim == -1) return v.Norm(2);
        var kept = dim < 0 ? dim + v.Dimensions : dim;
        var others = Enumerable.Range(0, v.Dimensions).Where(d => d != kept).Select(d => (long)d).ToArray();
        return v.Norm(2, others, keepDim: true);
    }
}

/// <summary>
/// w = w_orig / σ, σ the largest singular value of w_orig as a matrix (dimension <c>dim</c> first), estimated by power
/// iteration on the buffers u and v, which training-mode forwards advance in place (torch.nn.utils.spectral_norm).
/// </summary>
internal sealed class SpectralNormRule(int iterations, double eps, int dim) : ComputedParameterRule
{
    public override string Utility => "spectral_norm";

    public override void Attach(Module module, string name, Parameter original)
    {
        Tensor u, v;
        using (Autograd.NoGrad())
        using (var matrix = Matrix(original))
        {
            u = RandomUnit(matrix.Size(0), original);
            v = RandomUnit(matrix.Size(1), original);
        }
        module.AddRegisteredParameter(name + "_orig", original);
        module.AddRegisteredBuffer(name + "_u", u);
        module.AddRegisteredBuffer(name + "_v", v);
    }

    private Tensor RandomUnit(long size, Tensor like)
    {
        using var draw = Tensor.Empty([size], like.DType, like.Device);
        Init.Normal(draw, 0, 1);
        return Functional.Normalize(draw, 2, 0, eps);
    }

    public override Tensor Compute(Module module, string name, bool? powerIteration = null)
    {
        using var scope = TensorScope.Begin();
        var weight = module.RegisteredParameter(name + "_orig");
        var u = module.RegisteredBuffer(name + "_u");
        var v = module.RegisteredBuffer(name + "_v");
        var matrix = Matrix(weight);
        if ((powerIteration ?? module.Training) && iterations > 0)
        {
            using (Autograd.NoGrad())
                for (var i = 0; i < iterations; i++)
                {
                    v.CopyFrom(Functional.Normalize(matrix.T.MatMul(u), 2, 0, eps));
                    u.CopyFrom(Functional.Normalize(matrix.MatMul(v), 2, 0, eps));
                }
            // Copies, so that the next forward's in-place update leaves this one's graph intact.
            (u, v) = (u.Clone(), v.Clone());
        }
        var sigma = u.Dot(matrix.MatMul(v));
        return scope.Keep(weight.Div(sigma));
    }

    public override void Detach(Module module, string name)
    {
        var buffers = new[] { module.RegisteredBuffer(name + "_u"), module.RegisteredBuffer(name + "_v") };
        module.RemoveRegistered(name + "_orig");
        module.RemoveRegistered(name + "_u");
        module.RemoveRegistered(name + "_v");
        foreach (var buffer in buffers) buffer.Dispose();
    }

    private Tensor Matrix(Tensor weight)
    {
        if (dim == 0) return weight.Reshape(weight.Size(0), -1);
        var kept = dim < 0 ? dim + weight.Dimensions : dim;
        long[] order = [kept, .. Enumerable.Range(0, weight.Dimensions).Where(d => d != kept).Select(d => (long)d)];
        using var permuted = weight.Permute(order);
        return permuted.Reshape(permuted.Size(0), -1);
    }
}
